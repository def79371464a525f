// The Timeline: one lane per execution environment of the selected function
// (every function when none is selected), grouped by version, with INIT,
// invoke, post-response, idle and frozen spans, queued time and cold-start
// marks. The canvas and its data live outside React (controller.ts, model.ts);
// React renders the toolbar, the lane labels, the tooltip and the hidden table,
// and re-renders at most once per frame of changes.
import { useEffect, useRef, useState } from 'react';
import { Button, IconPlus, Spinner } from '../components/index.js';
import { useInvocations } from '../stores/invocations.js';
import { useUi } from '../stores/ui.js';
import { FrameVersion, useFrameVersion } from '../telemetry/frame-version.js';
import { SETTLE_MS, TimelineController } from './controller.js';
import type { Hit } from './hit.js';
import { LaneLabels } from './LaneLabels.js';
import { Legend } from './Legend.js';
import { TimelineModel, type TimelineInvocation, type TimelineLane } from './model.js';
import { coldMark } from './render.js';
import { connectTimeline, type SourceStatus } from './source.js';
import { installTimelineTestHook } from './test-hook.js';
import { Tooltip } from './Tooltip.js';
import { clock, TimelineTable, type TableSnapshot } from './TimelineTable.js';
import './timeline.css';

const EMPTY: TableSnapshot = { key: '', drawn: [], lanes: [], merged: 0 };
const SNAPSHOT_DELAY = 200;

const IconMinus = () => (
  <svg width="13" height="13" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.6} strokeLinecap="round" aria-hidden="true" focusable="false">
    <path d="M3.5 8h9" />
  </svg>
);

export function TimelinePanel() {
  const scope = useUi((s) => s.selected);
  const theme = useUi((s) => s.resolvedTheme);
  const focusedId = useInvocations((s) => s.focusedId);
  const focusedEnvId = useInvocations((s) => s.focusedEnvId);
  const [model] = useState(() => new TimelineModel());
  const [fv] = useState(() => new FrameVersion());
  useFrameVersion(fv);
  const [status, setStatus] = useState<SourceStatus>({ loading: true });
  const [follow, setFollow] = useState(true);
  const [hover, setHover] = useState<TimelineInvocation>();
  const [snap, setSnap] = useState<TableSnapshot>(EMPTY);
  const [viewportH, setViewportH] = useState(0);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const scrollerRef = useRef<HTMLDivElement>(null);
  const tooltipRef = useRef<HTMLDivElement>(null);
  const ctrlRef = useRef<TimelineController>(undefined);
  /** What this timeline selected itself: it is on screen already, so the view stays where it is. */
  const picked = useRef<string | undefined>(undefined);

  useEffect(() => model.onChange(fv.bump), [model, fv]);

  // The canvas controller: one per mount.
  useEffect(() => {
    const canvas = canvasRef.current!;
    const scroller = scrollerRef.current!;
    let snapTimer: ReturnType<typeof setTimeout> | undefined;
    let lastKey = '';
    let hovered: TimelineInvocation | undefined;
    const takeSnapshot = () => {
      snapTimer = undefined;
      const c = ctrlRef.current;
      if (!c?.last) return;
      // Re-listing hundreds of rows mid-gesture would cost frames: wait until the view settles.
      const quiet = performance.now() - c.lastInteraction;
      if (quiet < SETTLE_MS) {
        snapTimer = setTimeout(takeSnapshot, SETTLE_MS - quiet);
        return;
      }
      const out = c.last;
      const key = `${model.version}|${out.drawn.length}|${out.drawn[0]?.requestId}|${out.drawn[out.drawn.length - 1]?.requestId}|${out.lanes.map((l) => l.id).join(',')}|${c.view.follow}`;
      if (key === lastKey) return;
      lastKey = key;
      setSnap({ key, drawn: out.drawn, lanes: out.lanes, merged: out.merged });
    };
    const ctrl = new TimelineController(model, useUi.getState().resolvedTheme, {
      hover(hit: Hit | undefined, x, y) {
        const inv = hit?.inv;
        const tip = tooltipRef.current;
        if (tip && inv) {
          const body = tip.parentElement!;
          const left = canvas.offsetLeft + x + 14;
          const w = tip.offsetWidth || 260;
          tip.style.left = `${left + w > body.clientWidth ? Math.max(0, canvas.offsetLeft + x - 14 - w) : left}px`;
          const h = tip.offsetHeight || 120;
          tip.style.top = `${y + 14 + h > body.clientHeight ? Math.max(0, y - 10 - h) : y + 14}px`;
        }
        if (inv !== hovered) {
          hovered = inv;
          setHover(inv);
        }
      },
      selectInvocation(inv) {
        picked.current = inv.requestId;
        useInvocations.getState().focus(inv.requestId, inv.record?.envId ?? (inv.laneId.startsWith('throttled:') ? undefined : inv.laneId));
      },
      selectLane(lane) {
        if (lane.kind === 'env') useInvocations.getState().focusEnv(lane.id);
      },
      viewChanged() {
        setFollow(ctrl.view.follow);
      },
      frame() {
        snapTimer ??= setTimeout(takeSnapshot, SNAPSHOT_DELAY);
      },
    });
    ctrlRef.current = ctrl;
    ctrl.attach(canvas, scroller);
    const ro = new ResizeObserver(() => setViewportH(scroller.clientHeight));
    ro.observe(scroller);
    const removeHook = installTimelineTestHook(ctrl);
    return () => {
      removeHook();
      ro.disconnect();
      clearTimeout(snapTimer);
      ctrl.detach();
      ctrlRef.current = undefined;
    };
  }, [model]);

  // The function followed: its history, then its live events.
  useEffect(() => {
    const c = ctrlRef.current;
    if (c) {
      c.view.autoFit = true;
      c.view.follow = true;
    }
    setFollow(true);
    return connectTimeline(model, scope, setStatus);
  }, [model, scope]);

  useEffect(() => ctrlRef.current?.setTheme(theme), [theme]);

  // One selection for the window: highlight it, and bring it into view when it was picked elsewhere.
  useEffect(() => {
    const c = ctrlRef.current;
    if (!c) return;
    c.setSelection({ requestId: focusedId, envId: focusedEnvId });
    const fromHere = focusedId !== undefined && picked.current === focusedId;
    picked.current = undefined;
    if (fromHere) return;
    const inv = focusedId ? model.invocation(focusedId) : undefined;
    if (inv) c.revealInvocation(inv);
    else if (focusedEnvId) c.revealLane(focusedEnvId);
  }, [focusedId, focusedEnvId, model]);

  const rows = model.rows();
  const contentH = Math.max(20 + model.height, viewportH);
  const ctrl = ctrlRef.current;
  const causes = new Set<string>();
  let envs = 0;
  for (const l of model.allLanes()) {
    if (l.kind !== 'env') continue;
    envs++;
    const m = coldMark(l);
    if (m?.cause) causes.add(m.cause);
  }
  const total = model.invocationCount;
  const summary = ariaSummary(scope, snap, ctrl, follow);

  return (
    <div className="timeline" data-testid="timeline-panel" data-following={follow} data-invocations={total} data-lanes={model.laneCount}>
      <div className="tl-toolbar">
        <Button
          size="small"
          variant={follow ? 'secondary' : 'ghost'}
          className={`tl-follow${follow ? ' is-on' : ''}`}
          data-testid="timeline-follow"
          aria-pressed={follow}
          title={follow ? 'Following live: the window moves with now (pan or zoom away to stop)' : 'Follow live: move the window with now (F or End)'}
          onClick={() => ctrlRef.current?.setFollow(!follow)}
          icon={<span className="tl-live-dot" />}
        >
          Live
        </Button>
        <Button size="small" variant="ghost" data-testid="timeline-zoom-out" aria-label="Zoom out" title="Zoom out (−, or the wheel)" icon={<IconMinus />} onClick={() => ctrlRef.current?.zoom(1.5)} />
        <Button size="small" variant="ghost" data-testid="timeline-zoom-in" aria-label="Zoom in" title="Zoom in (+, or the wheel)" icon={<IconPlus size={13} />} onClick={() => ctrlRef.current?.zoom(1 / 1.5)} />
        <span className="tl-summary" data-testid="timeline-summary">
          <span className="mono">{envs}</span> {envs === 1 ? 'env' : 'envs'} · <span className="mono">{total.toLocaleString('en-US')}</span> {total === 1 ? 'invocation' : 'invocations'}
        </span>
        {status.loading && <Spinner size={11} label="Reading history" />}
        {status.error && (
          <span className="tl-history-error" data-testid="timeline-history-error" title={`${status.error.message}${status.error.hint ? `\n${status.error.hint}` : ''}`}>
            history unavailable ({status.error.code}): showing live events only
          </span>
        )}
        <Legend causes={[...causes].sort()} />
      </div>
      <div className="tl-body">
        <div
          className="tl-scroll"
          ref={scrollerRef}
        >
          <div className="tl-content" style={{ height: contentH }}>
            <div className="tl-sticky" style={{ height: viewportH || '100%' }}>
              <div className="tl-labels-head">{scope ? 'Environments' : 'Functions · environments'}</div>
              <canvas
                ref={canvasRef}
                className="tl-canvas"
                data-testid="timeline-canvas"
                tabIndex={0}
                role="img"
                aria-roledescription="timeline"
                aria-label={summary}
              />
            </div>
            <LaneLabels rows={rows} scroller={scrollerRef} height={viewportH} selectedEnvId={focusedEnvId} scoped={scope !== undefined} onSelect={selectLane} version={model.version} />
          </div>
        </div>
        {model.laneCount === 0 && !status.loading && (
          <div className="tl-empty" data-testid="timeline-empty">
            <strong>No invocations yet{scope ? ` of ${scope}` : ''}</strong>
            <span>Each execution environment gets a lane: INIT, invokes, idle and frozen time, and why it started cold.</span>
          </div>
        )}
        <Tooltip ref={tooltipRef} inv={hover} model={model} />
      </div>
      <TimelineTable snap={snap} model={model} />
    </div>
  );
}

const selectLane = (l: TimelineLane) => {
  if (l.kind === 'env') useInvocations.getState().focusEnv(l.id);
};

function ariaSummary(scope: string | undefined, snap: TableSnapshot, ctrl: TimelineController | undefined, follow: boolean): string {
  const cold = snap.drawn.reduce((n, i) => n + (i.record?.cold ? 1 : 0), 0);
  const range = ctrl ? `, from ${clock(ctrl.view.t0)} to ${clock(ctrl.view.t1)}` : '';
  return `Timeline of ${scope ?? 'all functions'}: ${snap.lanes.length} environment lanes and ${snap.drawn.length} invocations shown (${cold} cold starts)${range}${follow ? ', following live' : ''}. Arrow keys pan, plus and minus zoom, F follows live; the table after it lists what is drawn.`;
}
