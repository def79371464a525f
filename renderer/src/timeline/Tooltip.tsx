// The hovered invocation: what a person asks about a span (which request,
// how it ended, how long, INIT, why cold, where, how much memory). Positioned
// by the controller on every pointer move (no re-render for that); its content
// re-renders only when the hovered invocation changes.
import type { Ref } from 'react';
import { causeGlyph } from './palette.js';
import type { TimelineInvocation, TimelineModel } from './model.js';
import { clock } from './TimelineTable.js';
import { spanText } from './view.js';

export function Tooltip({ inv, model, ref }: { inv: TimelineInvocation | undefined; model: TimelineModel; ref: Ref<HTMLDivElement> }) {
  const r = inv?.record;
  const lane = inv ? model.lane(inv.laneId) : undefined;
  return (
    <div ref={ref} className="tl-tooltip" data-testid="timeline-tooltip" role="tooltip" hidden={!inv} data-request-id={inv?.requestId}>
      {inv && (
        <>
          <div className="tl-tip-head">
            <span className={`tl-tip-status tl-tip-${r ? r.status : 'running'}`}>{r ? r.status : 'running'}</span>
            {r?.errorType && <span className="tl-tip-error">{r.errorType}</span>}
            <span className="tl-tip-cold">{r ? (r.cold ? `cold · ${causeGlyph(r.coldCause).label}` : 'warm') : ''}</span>
          </div>
          <dl className="tl-tip-facts">
            <dt>request</dt>
            <dd className="mono">{inv.requestId}</dd>
            <dt>started</dt>
            <dd className="mono">{clock(inv.start)}</dd>
            <dt>duration</dt>
            <dd className="mono">{r ? `${spanText(r.durationMs)} (billed ${spanText(r.billedMs)})` : `running for ${spanText(Date.now() - inv.start)}`}</dd>
            {r?.initMs !== undefined && (
              <>
                <dt>init</dt>
                <dd className="mono">{spanText(r.initMs)}</dd>
              </>
            )}
            {r && r.queuedMs > 0 && (
              <>
                <dt>queued</dt>
                <dd className="mono">{spanText(r.queuedMs)}</dd>
              </>
            )}
            <dt>env</dt>
            <dd className="mono">{r?.envId ?? (lane?.kind === 'throttled' ? 'none (throttled)' : inv.laneId)}</dd>
            {r && (
              <>
                <dt>memory</dt>
                <dd className="mono">
                  {r.maxMemoryUsedMb} of {r.memorySizeMb} MB
                </dd>
                <dt>version</dt>
                <dd className="mono">{r.version} · {r.source}</dd>
              </>
            )}
          </dl>
        </>
      )}
    </div>
  );
}
