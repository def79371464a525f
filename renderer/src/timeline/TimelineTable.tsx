// What the canvas drew, as a visually hidden table: for screen readers, and so
// specs assert the timeline without reading pixels. One row per lane on screen
// (env, state, cause, frozen spans) and one per invocation drawn (request id,
// env, start, duration, status, cold and cause, spans), from the same frame
// output the canvas was drawn from. Re-listed when the view settles, not on
// every frame of a pan.
import { memo } from 'react';
import type { TimelineInvocation, TimelineLane, TimelineModel } from './model.js';
import { causeGlyph } from './palette.js';
import { spanText } from './view.js';

/** More rows than this would cost the frame budget to list: the caption says how many were left out. */
export const TABLE_LIMIT = 500;

export interface TableSnapshot {
  /** Changes whenever the listed content may have changed. */
  key: string;
  drawn: TimelineInvocation[];
  lanes: TimelineLane[];
  merged: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function clock(t: number): string {
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function spansText(inv: TimelineInvocation): string {
  if (!inv.record) return 'in progress';
  return inv.spans.map((s) => `${s.name} ${spanText(s.durationMs)}`).join(', ');
}

function TimelineTableImpl({ snap, model }: { snap: TableSnapshot; model: TimelineModel }) {
  const listed = snap.drawn.slice(0, TABLE_LIMIT);
  return (
    <table className="visually-hidden" data-testid="timeline-table" data-drawn={snap.drawn.length} data-listed={listed.length} data-lanes={snap.lanes.length}>
      <caption>
        Timeline: {snap.lanes.length} environment lanes and {snap.drawn.length} invocations drawn
        {snap.merged > 0 ? ` (${snap.merged} narrower than a pixel, merged)` : ''}
        {listed.length < snap.drawn.length ? `; the first ${listed.length} are listed, zoom in to list the rest` : ''}.
      </caption>
      <tbody data-kind="lanes">
        <tr>
          <th scope="col">Environment</th>
          <th scope="col">Function</th>
          <th scope="col">State</th>
          <th scope="col">Cold start cause</th>
          <th scope="col">Invocations</th>
          <th scope="col">Frozen spans</th>
        </tr>
        {snap.lanes.map((l) => {
          const frozen = model.frozenSpans(l);
          return (
            <tr
              key={l.id}
              data-kind="lane"
              data-env-id={l.id}
              data-state={l.state}
              data-cause={l.cause}
              data-frozen-spans={frozen.length}
              data-frozen={frozen.map((f) => `${f.from}-${f.to ?? ''}`).join(';')}
              data-invocations={l.items.length}
            >
              <th scope="row">{l.kind === 'throttled' ? 'throttled (no env)' : l.id}</th>
              <td>{`${l.functionName}:${l.version}`}</td>
              <td>{l.state}</td>
              <td>{l.cause ? causeGlyph(l.cause).label : '—'}</td>
              <td>{l.items.length}</td>
              <td>{frozen.length === 0 ? '0' : `${frozen.length}: ${frozen.slice(0, 20).map((f) => `${clock(f.from)} to ${f.to === undefined ? 'now' : clock(f.to)}`).join(', ')}${frozen.length > 20 ? ', …' : ''}`}</td>
            </tr>
          );
        })}
      </tbody>
      <tbody data-kind="invocations">
        <tr>
          <th scope="col">Request id</th>
          <th scope="col">Environment</th>
          <th scope="col">Start</th>
          <th scope="col">Duration</th>
          <th scope="col">Status</th>
          <th scope="col">Cold</th>
          <th scope="col">Spans</th>
        </tr>
        {listed.map((inv) => {
          const r = inv.record;
          const status = r ? r.status : 'running';
          return (
            <tr
              key={inv.requestId}
              data-kind="invocation"
              data-request-id={inv.requestId}
              data-env-id={r?.envId ?? inv.laneId}
              data-status={status}
              data-cold={r ? String(r.cold) : ''}
              data-cause={r?.coldCause ?? ''}
              data-spans={inv.spans.map((s) => s.name).join(',')}
              data-start={r ? r.startedAt : inv.start}
              data-end={r ? r.endedAt : ''}
            >
              <th scope="row">{inv.requestId}</th>
              <td>{r?.envId ?? (inv.laneId.startsWith('throttled:') ? 'none (throttled)' : inv.laneId)}</td>
              <td>{clock(inv.start)}</td>
              <td>{r ? spanText(r.durationMs) : 'running'}</td>
              <td>{status}{r?.errorType ? ` (${r.errorType})` : ''}</td>
              <td>{r ? (r.cold ? `cold: ${causeGlyph(r.coldCause).label}` : 'warm') : '—'}</td>
              <td>{spansText(inv)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export const TimelineTable = memo(TimelineTableImpl, (a, b) => a.snap.key === b.snap.key && a.model === b.model);
