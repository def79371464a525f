// The window's live streams over the engine, each frame numbered per stream:
// `functions` (any client's change: the window, the AWS CLI, an SDK, a linked
// folder — told by the function registry, the one place every write passes),
// `envs` (every env state change, from the engine's event log) and `status`
// (image build progress, env counts, Docker lost or back; at most 10 frames a
// second, and only when something shown changed).
import type { Stream, StreamFrame, StreamPayloads, StreamSource } from '../contract/index.js';
import type { Engine } from '../engine/engine.js';
import type { EngineEvent } from '../engine/telemetry/events.js';
import type { BusFrame } from '../engine/telemetry/bus.js';
import { StatusReporter, type HostContext } from '../engine/workbench/status.js';

/** Status frames at most this often (10 a second). */
const STATUS_INTERVAL_MS = 100;
/** How often Docker is asked whether it is still there. */
const DOCKER_CHECK_MS = 10_000;

export function createStreams(engine: Engine, ctx: HostContext): StreamSource & { close(): void } {
  const listeners = new Set<(frame: StreamFrame) => void>();
  let closed = false;
  const seq: Record<Exclude<Stream, 'telemetry'>, number> = { functions: 0, envs: 0, status: 0 };
  const batchListeners = new Set<(frames: StreamFrame<'telemetry'>[]) => void>();

  const fanOut = (frame: StreamFrame) => {
    for (const listener of listeners) {
      try {
        listener(frame as StreamFrame);
      } catch {
        /* one client's failure never stops the others */
      }
    }
  };
  const emit = <S extends Exclude<Stream, 'telemetry'>>(stream: S, data: StreamPayloads[S]) => {
    fanOut({ stream, seq: ++seq[stream], at: Date.now(), data } as StreamFrame);
  };
  // Telemetry frames carry the bus's own sequence numbers (resumable across reconnects).
  const toFrame = (f: BusFrame): StreamFrame<'telemetry'> => ({ stream: 'telemetry', seq: f.seq, at: f.at, data: f.event });
  const offBus = engine.bus.subscribe((batch) => {
    const frames = batch.map(toFrame);
    for (const l of batchListeners) {
      try {
        l(frames);
      } catch {
        /* one client's failure never stops the others */
      }
    }
    for (const f of frames) fanOut(f);
  });

  const reporter = new StatusReporter(engine, ctx);
  let lastStatus = '';
  let lastSent = 0;
  let statusTimer: NodeJS.Timeout | undefined;
  const flushStatus = () => {
    statusTimer = undefined;
    lastSent = Date.now();
    const status = reporter.snapshot();
    const text = JSON.stringify(status);
    if (text === lastStatus) return;
    lastStatus = text;
    emit('status', status);
  };
  /** Coalesces bursts (300 envs starting) into one frame per interval. */
  const statusSoon = () => {
    if (statusTimer || closed) return;
    statusTimer = setTimeout(flushStatus, Math.max(0, lastSent + STATUS_INTERVAL_MS - Date.now()));
  };

  const offFunctions = engine.functions.onChanged((name, change) => emit('functions', { change, name }));
  const onEvent = (e: EngineEvent) => {
    if (e.kind !== 'env.state') return;
    emit('envs', { envId: e.envId, functionName: e.functionName, version: e.version, from: e.from, to: e.to, cause: e.cause });
    statusSoon();
  };
  engine.events.on('event', onEvent);
  const offImages = engine.images.onStateChange(() => statusSoon());
  const offSettings = engine.onSettingsChanged(() => statusSoon());
  const dockerTimer = setInterval(() => {
    void reporter.checkDocker().then((changed) => changed && statusSoon());
  }, DOCKER_CHECK_MS);
  dockerTimer.unref();
  // The first Docker answer, so the first status frame says what Docker is.
  void reporter.checkDocker().then((changed) => changed && statusSoon());

  return {
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onTelemetryBatch(listener) {
      batchListeners.add(listener);
      return () => batchListeners.delete(listener);
    },
    telemetrySince(from) {
      const { frames, gap } = engine.bus.since(from);
      const out = frames.map(toFrame);
      if (gap) out.unshift({ stream: 'telemetry', seq: gap.toSeq, at: Date.now(), data: { type: 'gap', fromSeq: gap.fromSeq, toSeq: gap.toSeq, reason: 'resume-too-old' } });
      return out;
    },
    close() {
      closed = true;
      offBus();
      batchListeners.clear();
      offFunctions();
      offImages();
      offSettings();
      engine.events.off('event', onEvent);
      clearInterval(dockerTimer);
      clearTimeout(statusTimer);
      listeners.clear();
    },
  };
}
