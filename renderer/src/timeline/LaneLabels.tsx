// The lane labels left of the canvas: a header per function version, then per
// env its short id, a state dot and the cause it was created for. Only rows
// near the viewport are rendered (hundreds of envs over a long session); a
// click selects the env for the whole window.
import { memo, useEffect, useState, type RefObject } from 'react';
import type { Row, TimelineLane } from './model.js';
import { AXIS_H } from './render.js';
import { causeGlyph } from './palette.js';
import { GlyphIcon } from './Legend.js';
import { clock } from './TimelineTable.js';

const OVERSCAN = 160;
/** The labels move with the native scroll; React re-renders only when the window of rows must move, every this many px. */
const BAND = 80;

function laneTitle(l: TimelineLane): string {
  if (l.kind === 'throttled') return `Throttled invocations of ${l.functionName}:${l.version} (no env ran them)`;
  const e = l.env;
  const lines = [`${l.id} · ${l.functionName}:${l.version}`, `state: ${l.state}`, `created ${clock(l.createdAt)}${l.cause ? ` (${causeGlyph(l.cause).label})` : ''}`];
  if (e) lines.push(`${e.invocations} invocations · memory peak ${e.memoryPeakMb} of ${e.memorySizeMb} MB`);
  if (l.endedAt !== undefined) lines.push(`ended ${clock(l.endedAt)}${e?.endReason ? ` (${e.endReason})` : ''}`);
  return lines.join('\n');
}

function LaneLabelsImpl({ rows, scroller, height, selectedEnvId, scoped, onSelect }: {
  rows: Row[];
  scroller: RefObject<HTMLDivElement | null>;
  height: number;
  selectedEnvId?: string;
  /** One function shown: group headers name only the version. */
  scoped: boolean;
  onSelect(lane: TimelineLane): void;
  /** The model's version: lanes' states changed (their dots and titles). */
  version: number;
}) {
  const [band, setBand] = useState(0);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const on = () => setBand(Math.floor(el.scrollTop / BAND));
    el.addEventListener('scroll', on, { passive: true });
    return () => el.removeEventListener('scroll', on);
  }, [scroller]);
  const from = band * BAND - OVERSCAN;
  const to = (band + 1) * BAND + height + OVERSCAN;
  const shown = rows.filter((r) => r.y + r.h >= from && r.y <= to);
  return (
    <>
      {shown.map((r) => {
        const top = AXIS_H + r.y;
        if (r.kind === 'group') {
          return (
            <div key={`g:${r.key}`} className="tl-group" style={{ top, height: r.h }} title={`${r.functionName}:${r.version} · ${r.lanes} lanes`}>
              {!scoped && <span className="tl-group-fn">{r.functionName}</span>}
              <span className="tl-group-version mono">{r.version === '$LATEST' ? r.version : `version ${r.version}`}</span>
            </div>
          );
        }
        const l = r.lane;
        const selected = selectedEnvId === l.id;
        const g = l.cause ? causeGlyph(l.cause) : undefined;
        return (
          <button
            key={l.id}
            type="button"
            className={`tl-lane-label${selected ? ' is-selected' : ''}`}
            style={{ top, height: r.h }}
            data-testid="timeline-lane-label"
            data-env-id={l.id}
            data-state={l.state}
            aria-pressed={selected}
            title={laneTitle(l)}
            onClick={() => onSelect(l)}
          >
            {l.kind === 'throttled' ? (
              <span className="tl-lane-id">throttled</span>
            ) : (
              <>
                <span className={`tl-state-dot tl-state-${l.state}`} aria-label={l.state} />
                <span className="tl-lane-id mono">{l.id.slice(0, 8)}</span>
                {g && (
                  <span className="tl-lane-cause">
                    <GlyphIcon shape={g.shape} tone={g.tone} />
                    {g.label}
                  </span>
                )}
              </>
            )}
          </button>
        );
      })}
    </>
  );
}

export const LaneLabels = memo(LaneLabelsImpl);
