// What the speed spec and the stories read from the timeline (design/ui.md:
// "canvas views expose ... so specs assert without pixels"): frame stats, and
// where things were drawn, so a spec can check pixels against the hidden table.
import type { TimelineController } from './controller.js';
import { AXIS_H, BAR_H, BAR_Y } from './render.js';

export interface TimelineTestHook {
  stats(): TimelineController['stats'] & { follow: boolean; t0: number; t1: number; msPerPx: number; width: number };
  /** Request ids the last frame drew, in order. */
  drawn(): string[];
  /** Where an invocation's spans are on the canvas (CSS px), for pixel checks; empty when not on screen. */
  geometry(requestId: string): { name: string; x0: number; x1: number; y: number }[];
  /** Where a lane's row is on the canvas (y of the bar's middle), or undefined when off screen. */
  laneY(envId: string): number | undefined;
  /** Draws now, outside the frame loop. */
  redraw(): void;
}

export function installTimelineTestHook(ctrl: TimelineController): () => void {
  const laneY = (envId: string): number | undefined => {
    const row = ctrl.model.rows().find((r) => r.kind === 'lane' && r.lane.id === envId);
    const scroller = document.querySelector<HTMLElement>('.tl-scroll');
    return row ? AXIS_H + row.y - (scroller?.scrollTop ?? 0) + BAR_Y + BAR_H / 2 : undefined;
  };
  const hook: TimelineTestHook = {
    stats: () => ({ ...ctrl.stats, recent: [...ctrl.stats.recent], follow: ctrl.view.follow, t0: ctrl.view.t0, t1: ctrl.view.t1, msPerPx: ctrl.view.msPerPx, width: ctrl.view.width }),
    drawn: () => (ctrl.last?.drawn ?? []).map((i) => i.requestId),
    geometry: (requestId) => {
      const inv = ctrl.model.invocation(requestId);
      const y = inv && laneY(inv.laneId);
      if (!inv || y === undefined) return [];
      return inv.spans.map((s) => ({ name: s.name, x0: ctrl.view.x(s.start), x1: ctrl.view.x(s.start + s.durationMs), y }));
    },
    laneY,
    redraw: () => ctrl.draw(),
  };
  const w = window as unknown as { __lwbTest?: Record<string, unknown> };
  w.__lwbTest = { ...(w.__lwbTest ?? {}), timeline: hook };
  return () => {
    if (w.__lwbTest?.timeline === hook) delete w.__lwbTest.timeline;
  };
}
