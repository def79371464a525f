// The timeline's key: what each colour is, and the glyph of every cold-start
// cause present in the data (a cause that never happened is not explained).
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

export function Legend({ causes }: { causes: string[] }) {
  // Causes that share a glyph and a label (forced / forced-cold) are explained once.
  const seen = new Set<string>();
  const marks = causes
    .map((c) => ({ cause: c, g: causeGlyph(c) }))
    .filter(({ g }) => (seen.has(g.label) ? false : (seen.add(g.label), true)));
  return (
    <div className="tl-legend" aria-label="Legend">
      {SPANS.map((s) => (
        <span key={s.cls} className="tl-legend-item" title={s.title}>
          <span className={`tl-sw ${s.cls}`} />
          {s.label}
        </span>
      ))}
      {marks.length > 0 && <span className="tl-legend-sep" />}
      {marks.map(({ cause, g }) => (
        <span key={cause} className="tl-legend-item" data-testid="timeline-legend-cause" data-cause={cause} title={`Cold start: ${g.label}`}>
          <GlyphIcon shape={g.shape} tone={g.tone} />
          {g.label}
        </span>
      ))}
    </div>
  );
}
