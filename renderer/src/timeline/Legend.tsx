// The timeline's key: what each colour is, and the glyph of every cold-start
// cause (those in the data first).
import { useEffect, useRef, useState } from 'react';
import type { GlyphShape } from './palette.js';
import { causeGlyph } from './palette.js';

const SPANS: { cls: string; label: string; title: string }[] = [
  { cls: 'tl-sw-init', label: 'INIT', title: 'The runtime\'s INIT on a cold start' },
  { cls: 'tl-sw-invoke', label: 'invoke', title: 'From the event\'s delivery to the response' },
  { cls: 'tl-sw-error', label: 'error', title: 'An invoke that ended in an error (timeouts hatched)' },
  { cls: 'tl-sw-post', label: 'post', title: 'Post-response: after the response until the env reported the invocation done' },
  { cls: 'tl-sw-idle', label: 'idle', title: 'Warm and waiting, not yet frozen' },
  { cls: 'tl-sw-frozen', label: 'frozen', title: 'Frozen between invocations' },
  { cls: 'tl-sw-queued', label: 'queued', title: 'Waiting for a free env (drawn below the lane)' },
];

/** The same shapes the canvas draws (palette.glyphPath), as 10 px SVG. */
export function GlyphIcon({ shape, tone }: { shape: GlyphShape; tone: 'cold' | 'error' }) {
  const color = tone === 'error' ? 'var(--error)' : 'var(--cold)';
  const filled = { fill: color, stroke: 'none' };
  const stroked = { fill: 'none', stroke: color, strokeWidth: 1.4 };
  let el;
  switch (shape) {
    case 'dot': el = <circle cx="5" cy="5" r="3.2" {...filled} />; break;
    case 'ring': el = <circle cx="5" cy="5" r="3.2" {...stroked} />; break;
    case 'triangle': el = <path d="M5 1.8 8.2 7.7H1.8Z" {...filled} />; break;
    case 'triangleDown': el = <path d="M5 8.2 8.2 2.3H1.8Z" {...filled} />; break;
    case 'diamond': el = <path d="M5 1.8 8.2 5 5 8.2 1.8 5Z" {...filled} />; break;
    case 'hollowDiamond': el = <path d="M5 1.8 8.2 5 5 8.2 1.8 5Z" {...stroked} />; break;
    case 'square': el = <rect x="2.3" y="2.3" width="5.4" height="5.4" {...filled} />; break;
    case 'cross': el = <path d="M1.8 1.8 8.2 8.2M8.2 1.8 1.8 8.2" {...stroked} />; break;
    default: el = <path d="M5 1.8V8.2" {...stroked} />;
  }
  return (
    <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
      {el}
    </svg>
  );
}

/** Every cause the engine names, once per glyph and label (forced / forced-cold are one). */
const ALL_CAUSES = ['first-invoke', 'scale-out', 'after-code-change', 'after-crash', 'after-timeout', 'after-out-of-memory', 'forced-cold', 'prewarm', 'provisioned', 'after-reclaim'];

/**
 * The key: span colours inline while the toolbar has room (whole items drop out, never half words),
 * and a Legend button with all of it, the glyph of every cold-start cause included; the causes in
 * the data are listed first.
 */
export function Legend({ causes }: { causes: string[] }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  const seen = new Set<string>();
  const marks = [...causes, ...ALL_CAUSES]
    .map((c) => ({ cause: c, g: causeGlyph(c), present: causes.includes(c) }))
    .filter(({ g }) => (seen.has(g.label) ? false : (seen.add(g.label), true)));
  return (
    <div className="tl-legend-wrap" ref={root}>
      <div className="tl-legend" aria-hidden="true">
        {SPANS.map((s) => (
          <span key={s.cls} className="tl-legend-item" title={s.title}>
            <span className={`tl-sw ${s.cls}`} />
            {s.label}
          </span>
        ))}
      </div>
      <button type="button" className="tl-legend-button" data-testid="timeline-legend-button" aria-expanded={open} aria-controls="timeline-legend" onClick={() => setOpen(!open)}>
        Legend
      </button>
      {open && (
        <div className="tl-legend-pop" id="timeline-legend" data-testid="timeline-legend" role="dialog" aria-label="Timeline legend">
          <div className="tl-legend-col">
            <div className="tl-legend-title">Spans</div>
            {SPANS.map((s) => (
              <div key={s.cls} className="tl-legend-row">
                <span className={`tl-sw ${s.cls}`} />
                <span>
                  <strong>{s.label}</strong> {s.title.toLowerCase()}
                </span>
              </div>
            ))}
            <div className="tl-legend-row">
              <span className="tl-sw tl-sw-busy" />
              <span>
                <strong>zoomed out</strong> invokes narrower than a pixel share a column, tinted by how busy the env was in it
              </span>
            </div>
          </div>
          <div className="tl-legend-col">
            <div className="tl-legend-title">Cold starts, by cause</div>
            {marks.map(({ cause, g, present }) => (
              <div key={cause} className={`tl-legend-row${present ? '' : ' is-absent'}`} data-testid="timeline-legend-cause" data-cause={cause} data-present={present}>
                <GlyphIcon shape={g.shape} tone={g.tone} />
                <span>{g.label}</span>
              </div>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}
