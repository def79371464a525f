// Serve mode's contract transport: a WebSocket at /_ui/ws on the API's own
// listener, speaking ClientMessage/ServerMessage (main/contract). Requests go
// through dispatch (validation, error codes) like every other transport;
// stream frames fan out to the clients that follow them. A slow client never
// makes the server buffer without bound: past a limit its event frames are
// dropped (their sequence numbers show the gap), and a client that does not
// even read its answers is disconnected.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { dispatch } from '../../app/dispatch.js';
import { isStream, type ContractHandlers, type Result, type ServerMessage, type Stream, type StreamFrame, type StreamSource } from '../../contract/index.js';
import type { UiSession, Verdict } from './session.js';

/** Close codes a client can act on (RFC 6455 §7.4.1; 4xxx are ours). */
export const CLOSE = {
  goingAway: 1001,
  unsupportedData: 1003,
  malformed: 1007,
  policy: 1008,
  tooBig: 1009,
  /** The client let answers pile up past the hard limit. */
  slowConsumer: 4008,
} as const;

export interface SocketLimits {
  /** Largest message a client may send: the contract's biggest request, a save of code, may carry a 50 MB file. */
  maxMessageBytes: number;
  /** Past this many bytes waiting to be sent to a client, its event frames are dropped. */
  eventBufferBytes: number;
  /** Past this, even answers cannot be queued: the client is disconnected. */
  hardBufferBytes: number;
  /** Requests a client may have running at once. */
  maxInFlight: number;
  /** Ping interval; a client that misses a pong in between is dropped. */
  heartbeatMs: number;
}

export const DEFAULT_LIMITS: SocketLimits = {
  maxMessageBytes: 64 * 1024 * 1024,
  // A log flood sends batches of up to 2,000 lines: room for a few of them before a slow window gets a gap.
  eventBufferBytes: 4 * 1024 * 1024,
  hardBufferBytes: 256 * 1024 * 1024,
  maxInFlight: 256,
  heartbeatMs: 30_000,
};

interface Client {
  ws: WebSocket;
  streams: Set<Stream>;
  inFlight: number;
  dropped: number;
  alive: boolean;
  /** Telemetry frames from this sequence on were dropped (the client was slow): a gap frame is owed. */
  telemetryGapFrom?: number;
  telemetryGapTo?: number;
  /** A resume replayed frames up to this sequence: the bus's pending batch may hold them again. */
  replayedThrough?: number;
}

/** How often a client owed a gap frame is checked for having drained its buffer. */
const GAP_CHECK_MS = 250;

export class UiSocketHost {
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<Client>();
  private readonly unlisten: () => void;
  private readonly unlistenTelemetry: () => void;
  private gapTimer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly limits: SocketLimits;

  constructor(
    private readonly session: UiSession,
    private readonly handlers: ContractHandlers,
    private readonly streams: StreamSource,
    limits: Partial<SocketLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    // No compression: frames are small or already dense, and deflate's per-socket memory is what a flood would grow.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.limits.maxMessageBytes, perMessageDeflate: false, clientTracking: false });
    this.unlisten = streams.on((frame) => this.fanOut(frame));
    this.unlistenTelemetry = streams.onTelemetryBatch?.((frames) => this.fanOutTelemetry(frames)) ?? (() => {});
    this.heartbeat = setInterval(() => this.ping(), this.limits.heartbeatMs).unref();
  }

  /** The API listener's `upgrade` for WS_PATH: checks Host, Origin (required) and the cookie before the handshake. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const verdict = this.session.check(req, { originRequired: true });
    if (!verdict.ok) return refuseUpgrade(socket, verdict);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  /** For tests and the status view: what each client has waiting and what it missed. */
  stats(): { buffered: number; dropped: number; streams: Stream[] }[] {
    return [...this.clients].map((c) => ({ buffered: c.ws.bufferedAmount, dropped: c.dropped, streams: [...c.streams] }));
  }

  /** Says goodbye (1001) to every client; one that does not answer within `graceMs` is cut off. */
  async close(graceMs = 1000): Promise<void> {
    this.unlisten();
    this.unlistenTelemetry();
    clearInterval(this.heartbeat);
    clearTimeout(this.gapTimer);
    const open = [...this.clients];
    this.clients.clear();
    await Promise.all(
      open.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.ws.readyState === WebSocket.CLOSED) return resolve();
            const cut = setTimeout(() => c.ws.terminate(), graceMs);
            c.ws.once('close', () => {
              clearTimeout(cut);
              resolve();
            });
            closeWith(c.ws, CLOSE.goingAway, 'The workbench is stopping.');
          }),
      ),
    );
    this.wss.close();
  }

  private accept(ws: WebSocket): void {
    const client: Client = { ws, streams: new Set(), inFlight: 0, dropped: 0, alive: true };
    this.clients.add(client);
    ws.on('message', (data, isBinary) => this.receive(client, data, isBinary));
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => this.clients.delete(client));
    // A protocol error (too big, bad frame) closes the socket with its code; nothing to do beyond that.
    ws.on('error', () => this.clients.delete(client));
  }

  private receive(client: Client, data: RawData, isBinary: boolean): void {
    const { ws } = client;
    if (isBinary) return closeWith(ws, CLOSE.unsupportedData, 'BinaryFrame: send JSON text frames.');
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return closeWith(ws, CLOSE.malformed, 'MalformedMessage: a frame is not JSON.');
    }
    const m = msg as { t?: unknown; id?: unknown; method?: unknown; params?: unknown; stream?: unknown } | null;
    if (m === null || typeof m !== 'object') return closeWith(ws, CLOSE.policy, 'MalformedMessage: a frame is an object with t.');
    switch (m.t) {
      case 'req': {
        if (!Number.isSafeInteger(m.id) || (m.id as number) < 0) return closeWith(ws, CLOSE.policy, 'MalformedMessage: a request needs a whole-number id.');
        const id = m.id as number;
        if (client.inFlight >= this.limits.maxInFlight) {
          this.answer(client, id, { ok: false, error: { code: 'TooManyRequests', message: `${this.limits.maxInFlight} requests of this window are still running.`, hint: 'Wait for some to finish, or lower the batch concurrency.' } });
          return;
        }
        client.inFlight++;
        void dispatch(this.handlers, m.method, m.params)
          .then((result) => this.answer(client, id, result))
          .finally(() => client.inFlight--);
        return;
      }
      case 'sub':
      case 'unsub':
        if (!isStream(m.stream)) return closeWith(ws, CLOSE.policy, `UnknownStream: ${JSON.stringify(String(m.stream)).slice(0, 60)} is not a stream of the contract.`);
        if (m.t === 'sub') {
          client.streams.add(m.stream);
          // Resuming telemetry: what the bus still holds after `from` (a gap frame first when not all of it).
          const from = (m as { from?: unknown }).from;
          if (m.stream === 'telemetry' && Number.isSafeInteger(from) && (from as number) > 0 && this.streams.telemetrySince) {
            const frames = this.streams.telemetrySince(from as number);
            if (frames.length > 0) {
              client.replayedThrough = frames[frames.length - 1]!.seq;
              this.sendEvents(client, JSON.stringify({ t: 'evs', frames } satisfies ServerMessage));
            }
          }
        } else client.streams.delete(m.stream);
        return;
      default:
        return closeWith(ws, CLOSE.policy, 'MalformedMessage: t is req, sub or unsub.');
    }
  }

  private answer(client: Client, id: number, result: Result<unknown>): void {
    const { ws } = client;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > this.limits.hardBufferBytes) {
      closeWith(ws, CLOSE.slowConsumer, 'SlowConsumer: answers were not read.');
      return;
    }
    let text: string;
    try {
      text = JSON.stringify({ t: 'res', id, result } satisfies ServerMessage);
    } catch (err) {
      text = JSON.stringify({ t: 'res', id, result: { ok: false, error: { code: 'ServiceException', message: `The answer could not be encoded: ${(err as Error).message}` } } } satisfies ServerMessage);
    }
    ws.send(text);
  }

  private sendEvents(client: Client, text: string): void {
    if (client.ws.readyState === WebSocket.OPEN) client.ws.send(text);
  }

  /**
   * Telemetry, one message per batch. A client whose buffer is past the limit misses the batch;
   * once it has drained it gets a gap frame (from, to) first, and re-reads history.
   */
  private fanOutTelemetry(frames: StreamFrame<'telemetry'>[]): void {
    if (frames.length === 0) return;
    let text: string | undefined;
    for (const client of this.clients) {
      if (!client.streams.has('telemetry') || client.ws.readyState !== WebSocket.OPEN) continue;
      if (client.ws.bufferedAmount > this.limits.eventBufferBytes) {
        client.dropped += frames.length;
        client.telemetryGapFrom ??= frames[0]!.seq;
        client.telemetryGapTo = frames[frames.length - 1]!.seq;
        this.gapTimer ??= setTimeout(() => this.sendOwedGaps(), GAP_CHECK_MS);
        continue;
      }
      this.sendGapIfOwed(client);
      const replayed = client.replayedThrough;
      if (replayed !== undefined) {
        // Just resumed: what the replay already sent is not sent twice.
        if (frames[frames.length - 1]!.seq > replayed) client.replayedThrough = undefined;
        const fresh = frames.filter((f) => f.seq > replayed);
        if (fresh.length > 0) client.ws.send(JSON.stringify({ t: 'evs', frames: fresh } satisfies ServerMessage));
        continue;
      }
      text ??= JSON.stringify({ t: 'evs', frames } satisfies ServerMessage);
      client.ws.send(text);
    }
  }

  private sendGapIfOwed(client: Client): void {
    if (client.telemetryGapFrom === undefined) return;
    const fromSeq = client.telemetryGapFrom;
    const toSeq = client.telemetryGapTo ?? fromSeq;
    client.telemetryGapFrom = client.telemetryGapTo = undefined;
    const gap: StreamFrame<'telemetry'> = { stream: 'telemetry', seq: toSeq, at: Date.now(), data: { type: 'gap', fromSeq, toSeq, reason: 'slow-subscriber' } };
    client.ws.send(JSON.stringify({ t: 'ev', frame: gap } satisfies ServerMessage));
  }

  /** Clients owed a gap frame get it once their buffer drained, even when no new telemetry comes. */
  private sendOwedGaps(): void {
    this.gapTimer = undefined;
    let owed = false;
    for (const client of this.clients) {
      if (client.telemetryGapFrom === undefined || client.ws.readyState !== WebSocket.OPEN) continue;
      if (client.ws.bufferedAmount > this.limits.eventBufferBytes) owed = true;
      else this.sendGapIfOwed(client);
    }
    if (owed) this.gapTimer = setTimeout(() => this.sendOwedGaps(), GAP_CHECK_MS);
  }

  private fanOut(frame: StreamFrame): void {
    // Telemetry goes in batches (fanOutTelemetry) when the source offers them.
    if (frame.stream === 'telemetry' && this.streams.onTelemetryBatch) return;
    let text: string | undefined;
    for (const client of this.clients) {
      if (!client.streams.has(frame.stream) || client.ws.readyState !== WebSocket.OPEN) continue;
      // Dropped, never queued: the next frame's seq tells the client it missed some.
      if (client.ws.bufferedAmount > this.limits.eventBufferBytes) {
        client.dropped++;
        continue;
      }
      text ??= JSON.stringify({ t: 'ev', frame } satisfies ServerMessage);
      client.ws.send(text);
    }
  }

  private ping(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        client.ws.terminate();
        this.clients.delete(client);
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }
}

/** A close reason is at most 123 bytes (RFC 6455): longer ones would throw. */
function closeWith(ws: WebSocket, code: number, reason: string): void {
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -1);
  ws.close(code, r);
}

const REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden' };

/** A refused handshake: a plain HTTP answer with the code and what to do, then the connection closes. */
function refuseUpgrade(socket: Duplex, verdict: Extract<Verdict, { ok: false }>): void {
  const body = `${verdict.code}: ${verdict.message}\n`;
  socket.end(
    `HTTP/1.1 ${verdict.status} ${REASONS[verdict.status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nx-lwb-code: ${verdict.code}\r\n\r\n${body}`,
  );
}
