// The one typed contract between main and the window. The renderer sees it as
// `WorkbenchApi` (window.workbench under Electron, a WebSocket client in serve
// mode: the renderer never knows which); main implements `ContractHandlers`
// once and every transport serves that same object.
import type { CheckedParamsOf, Method, ParamsOf, ResultOf } from './methods.js';
import type { Result } from './results.js';
import type { Stream, StreamFrame } from './streams.js';

export * from './methods.js';
export * from './results.js';
export * from './streams.js';
export * from './telemetry.js';

/** What the window calls. Exposed as-is on window.workbench by the preload. */
export interface WorkbenchApi {
  request<M extends Method>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>>>;
  /** Follows a stream; returns the function that stops following it. */
  subscribe<S extends Stream>(stream: S, onFrame: (frame: StreamFrame<S>) => void, opts?: { from?: number }): () => void;
}

/** What main implements, once, for every transport. A missing or mistyped method fails the type check. */
export type ContractHandlers = {
  [M in Method]: (params: CheckedParamsOf<M>) => Promise<ResultOf<M>> | ResultOf<M>;
};

/** Where main's streams come from: the transports fan these frames out to their clients. */
export interface StreamSource {
  /** Every frame of every stream, one at a time (telemetry frames included). */
  on(listener: (frame: StreamFrame) => void): () => void;
  /** Telemetry frames in the batches the bus delivers them (one message per batch per client). */
  onTelemetryBatch?(listener: (frames: StreamFrame<'telemetry'>[]) => void): () => void;
  /** Telemetry frames after `from` still held in memory, and a gap frame first when some are not. */
  telemetrySince?(from: number): StreamFrame<'telemetry'>[];
}

// The serve-mode WebSocket's frames (JSON text). IPC carries the same shapes.
export type ClientMessage =
  | { t: 'req'; id: number; method: string; params: unknown }
  /** `from`: (telemetry) resume after this sequence number. */
  | { t: 'sub'; stream: string; from?: number }
  | { t: 'unsub'; stream: string };

export type ServerMessage =
  | { t: 'res'; id: number; result: Result<unknown> }
  | { t: 'ev'; frame: StreamFrame }
  /** Several frames at once (the telemetry bus delivers in batches). */
  | { t: 'evs'; frames: StreamFrame[] };

export { IPC_REQUEST, IPC_SUBSCRIBE, IPC_FRAME, WS_PATH } from './wire.js';
