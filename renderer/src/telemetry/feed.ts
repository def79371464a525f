// The window's one subscription to the engine's telemetry bus. Panels register
// sinks here rather than subscribing themselves: one stream, one resume point
// (the last sequence number seen; the client resumes from it after a
// reconnect), and one place that tells every panel to re-read its history when
// frames were missed (a `gap` event: this window was too slow, or it resumed
// from a sequence the engine no longer holds in memory).
//
// High-rate data (log lines, spans) is kept by the sinks in buffers outside
// React; sinks bump a version at most once per animation frame (see
// frame-version.ts), and views read the buffers when they render.
import type { StreamFrame, TelemetryEvent } from '../../../main/contract/index.js';
import { api } from '../client.js';

export interface TelemetrySink {
  /** One event, in sequence order. Must be cheap: log batches of thousands of lines come through here. */
  event(e: TelemetryEvent, seq: number): void;
  /** Frames were missed: re-read history (telemetry.* methods) and merge by id. */
  reset?(): void;
}

const sinks = new Set<TelemetrySink>();
let lastSeq = 0;
let unsubscribe: (() => void) | undefined;

function deliver(frame: StreamFrame<'telemetry'>): void {
  const e = frame.data;
  if (frame.seq <= lastSeq && e.type !== 'gap') return; // a replay overlapping what was seen
  lastSeq = Math.max(lastSeq, frame.seq);
  if (e.type === 'gap') {
    for (const s of sinks) s.reset?.();
    return;
  }
  for (const s of sinks) {
    try {
      s.event(e, frame.seq);
    } catch (err) {
      // One panel's bug must not starve the others of events.
      console.warn('telemetry sink failed', err);
    }
  }
}

/** Starts following the bus (idempotent). */
export function startTelemetry(): void {
  if (unsubscribe) return;
  unsubscribe = api.subscribe('telemetry', deliver, { from: lastSeq || undefined });
}

/** Adds a sink; returns the function that removes it. Starts the subscription if needed. */
export function addTelemetrySink(sink: TelemetrySink): () => void {
  sinks.add(sink);
  startTelemetry();
  return () => sinks.delete(sink);
}

/** The last sequence number seen (history answers carry theirs: events after it are live). */
export function telemetrySeq(): number {
  return lastSeq;
}

/**
 * For tests and the speed specs: feed events as if the engine sent them. They go straight to the
 * sinks and leave the resume point alone, so the engine's own frames keep arriving afterwards.
 */
export function injectTelemetry(e: TelemetryEvent, seq = lastSeq): void {
  if (e.type === 'gap') {
    for (const s of sinks) s.reset?.();
    return;
  }
  for (const s of sinks) s.event(e, seq);
}

// Playwright specs feed events through this (speed specs, panels without a real engine event).
if (typeof window !== 'undefined') window.__lwbTest = { ...(window.__lwbTest ?? {}), telemetry: { inject: injectTelemetry } };
