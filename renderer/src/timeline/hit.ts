// What is under the pointer: the row by its y (rows are sorted), then the
// invocation by time in that lane's sorted arrays (the same binary search the
// renderer culls with), within a few pixels so thin spans can still be hovered.
import { firstReaching, upperBound, type Row, type TimelineInvocation, type TimelineLane, type TimelineModel } from './model.js';
import { AXIS_H, barStart } from './render.js';
import type { TimeView } from './view.js';

/** How close (px) the pointer must be to a span to hit it. */
export const HIT_SLOP_PX = 3;

export interface Hit {
  row?: Row;
  lane?: TimelineLane;
  inv?: TimelineInvocation;
  /** The time under the pointer. */
  at: number;
}

/** x, y in the plot's CSS pixels (y includes the axis band). */
export function hitTest(model: TimelineModel, view: TimeView, scrollTop: number, x: number, y: number, now = Date.now()): Hit {
  const at = view.timeAt(x);
  if (y < AXIS_H) return { at };
  const rows = model.rows();
  const cy = y - AXIS_H + scrollTop; // y in row coordinates
  const i = upperBound(rows, cy, (r) => r.y) - 1;
  const row = rows[i];
  if (!row || cy >= row.y + row.h) return { at };
  if (row.kind === 'group') return { row, at };
  const lane = row.lane;
  return { row, lane, inv: invocationAt(lane, at, HIT_SLOP_PX * view.msPerPx, now), at };
}

/** The invocation of a lane at time t (± slop ms): one whose span contains t, else the nearest within slop. */
export function invocationAt(lane: TimelineLane, t: number, slop: number, now = Date.now()): TimelineInvocation | undefined {
  let best: TimelineInvocation | undefined;
  let bestDist = Infinity;
  const items = lane.items;
  for (let i = firstReaching(lane, t - slop); i < items.length; i++) {
    const inv = items[i]!;
    if (inv.start > t + slop) break;
    const end = Number.isFinite(inv.end) ? inv.end : (lane.endedAt ?? now);
    if (end < t - slop) continue;
    // Its bar, not its queued time (drawn apart, below: it overlaps the invocation before it).
    const start = barStart(inv);
    const d = t < start ? start - t : t > end ? t - end : 0;
    if (d < bestDist) {
      best = inv;
      bestDist = d;
    }
  }
  return best;
}
