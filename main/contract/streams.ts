// Every event stream the window can follow. Each frame carries a sequence
// number per stream (so a client sees gaps) and the wall-clock time it
// happened; `telemetry` frames carry the bus's own sequence (resumable).
import type { EngineStatus, EnvState } from './results.js';
import type { TelemetryEvent } from './telemetry.js';

export interface StreamPayloads {
  /** The control plane changed a function (any caller: the window, the AWS CLI, an SDK, a linked folder). */
  functions: { change: 'created' | 'updated' | 'deleted' | 'code'; name: string };
  /** An execution environment moved between states. */
  envs: { envId: string; functionName: string; version: string; from: EnvState | null; to: EnvState; cause: string };
  /** The engine's status changed (image build progress, Docker lost or back). */
  status: EngineStatus;
  /**
   * Everything the engine's telemetry bus records (invocations, envs, log lines, platform
   * events, /tmp changes), numbered by the bus: a client resumes from the last seq it saw, and
   * a slow client gets a `gap` event instead of an unbounded buffer.
   */
  telemetry: TelemetryEvent;
}

export type Stream = keyof StreamPayloads;
export const STREAMS: Stream[] = ['functions', 'envs', 'status', 'telemetry'];
export const isStream = (s: unknown): s is Stream => typeof s === 'string' && (STREAMS as string[]).includes(s);

export interface StreamFrame<S extends Stream = Stream> {
  stream: S;
  /** 1, 2, 3, … per stream since the engine started; a jump means frames were dropped. */
  seq: number;
  /** Epoch milliseconds. */
  at: number;
  data: StreamPayloads[S];
}
