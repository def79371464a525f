// The window's one way to reach main: `window.workbench` when the preload put it
// there (Electron), otherwise a WebSocket to the serve-mode server (same origin,
// its session cookie). Both expose the same WorkbenchApi, so nothing else in the
// renderer knows which transport it runs on.
import type { ClientMessage, Method, ParamsOf, Result, ResultOf, ServerMessage, Stream, StreamFrame, WorkbenchApi } from '../../main/contract/index.js';
import { WS_PATH } from '../../main/contract/wire.js';

type Pending = (r: Result<unknown>) => void;

/** Reconnects with backoff; requests made while down wait for the socket, and fail if it stays down. */
class SocketClient implements WorkbenchApi {
  private ws: WebSocket | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<Stream, Set<(f: StreamFrame) => void>>();
  /** The last sequence seen per stream: a reconnect resumes `telemetry` from it. */
  private readonly lastSeq = new Map<Stream, number>();
  private readonly queue: ClientMessage[] = [];
  private backoff = 250;
  /** Connection state for the status bar. */
  connected = false;
  private readonly stateListeners = new Set<(up: boolean) => void>();

  constructor(private readonly url: string) {
    this.open();
  }

  onConnection(fn: (up: boolean) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  private setConnected(up: boolean): void {
    this.connected = up;
    for (const fn of this.stateListeners) fn(up);
  }

  private open(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.backoff = 250;
      this.setConnected(true);
      for (const stream of this.listeners.keys()) {
        const from = stream === 'telemetry' ? this.lastSeq.get(stream) : undefined;
        ws.send(JSON.stringify({ t: 'sub', stream, ...(from ? { from } : {}) } satisfies ClientMessage));
      }
      for (const m of this.queue.splice(0)) ws.send(JSON.stringify(m));
    };
    ws.onmessage = (e) => {
      const msg = JSON.parse(String(e.data)) as ServerMessage;
      if (msg.t === 'res') {
        const done = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        done?.(msg.result);
      } else if (msg.t === 'ev') {
        this.frame(msg.frame);
      } else if (msg.t === 'evs') {
        for (const frame of msg.frames) this.frame(frame);
      }
    };
    ws.onclose = () => {
      this.setConnected(false);
      // Requests in flight are lost with the socket: answer them, never leave them hanging.
      for (const [id, done] of this.pending) {
        this.pending.delete(id);
        done({ ok: false, error: { code: 'TransportClosed', message: 'The connection to the workbench closed before it answered.', hint: 'Is the server still running? The window reconnects on its own.' } });
      }
      if (!opened) void this.checkSession();
      setTimeout(() => this.open(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, 5000);
    };
  }

  /**
   * A handshake refused while the server answers means our session is gone (each start of the
   * server makes a new token): reloading shows the server's own page saying where the new address is,
   * instead of retrying forever.
   */
  private async checkSession(): Promise<void> {
    try {
      const r = await fetch(location.pathname, { method: 'HEAD', cache: 'no-store', credentials: 'same-origin' });
      if (r.status === 401) location.reload();
    } catch {
      /* the server is down: keep retrying */
    }
  }

  private frame(frame: StreamFrame): void {
    this.lastSeq.set(frame.stream, Math.max(this.lastSeq.get(frame.stream) ?? 0, frame.seq));
    for (const fn of this.listeners.get(frame.stream) ?? []) fn(frame);
  }

  private send(m: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
    else this.queue.push(m);
  }

  request<M extends Method>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as Pending);
      this.send({ t: 'req', id, method, params });
    });
  }

  subscribe<S extends Stream>(stream: S, onFrame: (frame: StreamFrame<S>) => void, opts?: { from?: number }): () => void {
    let set = this.listeners.get(stream);
    if (!set) {
      set = new Set();
      this.listeners.set(stream, set);
      if (opts?.from) this.lastSeq.set(stream, opts.from);
      this.send({ t: 'sub', stream, ...(opts?.from ? { from: opts.from } : {}) });
    }
    set.add(onFrame as (f: StreamFrame) => void);
    return () => {
      set.delete(onFrame as (f: StreamFrame) => void);
      if (set.size === 0) {
        this.listeners.delete(stream);
        this.send({ t: 'unsub', stream });
      }
    };
  }
}

declare global {
  interface Window {
    workbench?: WorkbenchApi;
  }
}

function connect(): WorkbenchApi {
  if (window.workbench) return window.workbench;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}`;
  return new SocketClient(url);
}

export const api: WorkbenchApi = connect();

/** Unwraps a result or throws it as an Error carrying the contract's code (for callers that show errors in one place). */
export class ContractFailure extends Error {
  constructor(readonly code: string, message: string, readonly hint?: string) {
    super(message);
  }
}

export async function call<M extends Method>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
  const r = await api.request(method, params);
  if (!r.ok) throw new ContractFailure(r.error.code, r.error.message, r.error.hint);
  return r.value;
}
