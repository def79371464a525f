// The host side of the framed protocol spoken with the in-environment init
// (runtimes/init/PROTOCOL.md). One Channel per execution environment; it owns
// the socket and turns bytes into typed frames and back.
import type { Socket } from 'node:net';
import { EventEmitter } from 'node:events';
import type { TmpEntry } from '../../contract/telemetry.js';

export const enum FrameType {
  Start = 0x01,
  Invoke = 0x02,
  Kill = 0x03,
  Shutdown = 0x04,
  Hello = 0x81,
  Log = 0x82,
  InitDone = 0x83,
  InitError = 0x84,
  Response = 0x85,
  Error = 0x86,
  TooLarge = 0x87,
  Memory = 0x88,
  Exit = 0x89,
  Fatal = 0x8a,
  Tmp = 0x8b,
}

const MAX_FRAME = 16 * 1024 * 1024;

/** Monotonic timestamps (ns) read by the init at the Runtime API calls. */
export interface CallTimes {
  next: bigint;
  delivered: bigint;
  done: bigint;
}

export type InitMessage =
  | { type: 'hello'; version: string; token: string }
  | { type: 'log'; stream: 1 | 2; data: Buffer }
  | { type: 'initDone'; ts: bigint }
  | { type: 'initError'; ts: bigint; errorType: string; body: Buffer }
  | { type: 'response'; times: CallTimes; requestId: string; body: Buffer }
  | { type: 'error'; times: CallTimes; requestId: string; errorType: string; body: Buffer }
  | { type: 'tooLarge'; times: CallTimes; requestId: string; size: number }
  | { type: 'memory'; requestId: string; maxKb: number }
  | { type: 'exit'; code: number; signal: number; oomKilled: boolean; killed: boolean; inflight?: string }
  | { type: 'fatal'; message: string }
  /** The env's /tmp after `requestId` (sent only when it changed since the last TMP). */
  | { type: 'tmp'; requestId: string; usedBytes: number; sizeBytes: number; truncated: boolean; entries: TmpEntry[] };

/** Reads NUL-terminated strings and big-endian integers from one payload. */
class PayloadReader {
  constructor(private readonly buf: Buffer, private pos = 0) {}
  u64(): bigint {
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  str(): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new Error('unterminated string in frame');
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end + 1;
    return s;
  }
  /** A decimal integer string; anything else is a malformed frame (never NaN downstream). */
  int(): number {
    const s = this.str();
    if (!/^-?\d{1,15}$/.test(s)) throw new Error(`bad number in frame: ${JSON.stringify(s.slice(0, 32))}`);
    return Number(s);
  }
  times(): CallTimes {
    return { next: this.u64(), delivered: this.u64(), done: this.u64() };
  }
  /** A decimal that must be a count: 0 or more. */
  count(): number {
    const n = this.int();
    if (n < 0) throw new Error(`negative count in frame: ${n}`);
    return n;
  }
  u8(): number {
    const v = this.buf.readUInt8(this.pos);
    this.pos += 1;
    return v;
  }
  /** A NUL-terminated byte string, as bytes. */
  bytes(): Buffer {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new Error('unterminated string in frame');
    const b = this.buf.subarray(this.pos, end);
    this.pos = end + 1;
    return b;
  }
  hasMore(): boolean {
    return this.pos < this.buf.length;
  }
  rest(): Buffer {
    return this.buf.subarray(this.pos);
  }
}

const TMP_TYPES: Record<number, TmpEntry['type']> = { 0x66: 'file', 0x64: 'dir', 0x6c: 'link', 0x6f: 'other' }; // f d l o

/**
 * TMP's entries: u8 type, u64 size, u64 mtime (ns), `path\0`, `target\0`. Paths are relative to
 * /tmp: an absolute one, or one with an empty, '.' or '..' segment, is a malformed frame (the
 * init never lists such a path; whoever consumes the listing may rely on it). Names are bytes on
 * the env's disk; they are decoded as UTF-8 for display (invalid bytes become U+FFFD).
 */
function decodeTmpEntries(r: PayloadReader): TmpEntry[] {
  const entries: TmpEntry[] = [];
  while (r.hasMore()) {
    const code = r.u8();
    const type = TMP_TYPES[code];
    if (!type) throw new Error(`bad /tmp entry type 0x${code.toString(16)}`);
    const size = Number(r.u64());
    if (size > Number.MAX_SAFE_INTEGER) throw new Error(`bad /tmp entry size in frame: ${size}`);
    const mtimeMs = Number(r.u64() / 1000n) / 1000; // µs are exact in a double; ns would not be
    const path = r.bytes().toString('utf8');
    const target = r.bytes();
    if (path.split('/').some((s) => s === '' || s === '.' || s === '..')) throw new Error(`bad /tmp path in frame: ${JSON.stringify(path.slice(0, 64))}`);
    if (type !== 'link' && target.length > 0) throw new Error(`a /tmp entry that is not a link has a target: ${JSON.stringify(path.slice(0, 64))}`);
    const entry: TmpEntry = { path, type, size, mtimeMs };
    if (type === 'link') entry.target = target.toString('utf8');
    entries.push(entry);
  }
  return entries;
}

export function decodeFrame(type: number, payload: Buffer): InitMessage {
  const r = new PayloadReader(payload);
  switch (type) {
    case FrameType.Hello: {
      // `token`: LWB_CHANNEL_TOKEN as the init found it ('' when the host set none).
      const version = r.str();
      return { type: 'hello', version, token: r.hasMore() ? r.str() : '' };
    }
    case FrameType.Log:
      return { type: 'log', stream: payload[0] === 2 ? 2 : 1, data: payload.subarray(1) };
    case FrameType.InitDone:
      return { type: 'initDone', ts: r.u64() };
    case FrameType.InitError:
      return { type: 'initError', ts: r.u64(), errorType: r.str(), body: r.rest() };
    case FrameType.Response: {
      const times = r.times();
      return { type: 'response', times, requestId: r.str(), body: r.rest() };
    }
    case FrameType.Error: {
      const times = r.times();
      const requestId = r.str();
      return { type: 'error', times, requestId, errorType: r.str(), body: r.rest() };
    }
    case FrameType.TooLarge: {
      const times = r.times();
      return { type: 'tooLarge', times, requestId: r.str(), size: r.int() };
    }
    case FrameType.Memory:
      return { type: 'memory', requestId: r.str(), maxKb: r.int() };
    case FrameType.Exit: {
      const exit = { type: 'exit' as const, code: r.int(), signal: r.int(), oomKilled: r.int() === 1, killed: r.int() === 1 };
      // `inflight`: the request delivered to the runtime and not answered when it exited ('' for none).
      return r.hasMore() ? { ...exit, inflight: r.str() } : exit;
    }
    case FrameType.Fatal:
      return { type: 'fatal', message: r.str() };
    case FrameType.Tmp: {
      const requestId = r.str();
      const usedBytes = r.count();
      const sizeBytes = r.count();
      const truncated = r.int();
      if (truncated !== 0 && truncated !== 1) throw new Error(`bad truncated flag in TMP: ${truncated}`);
      return { type: 'tmp', requestId, usedBytes, sizeBytes, truncated: truncated === 1, entries: decodeTmpEntries(r) };
    }
    default:
      throw new Error(`unknown frame type 0x${type.toString(16)}`);
  }
}

function frame(type: FrameType, parts: (Buffer | string)[]): Buffer {
  const bufs = parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p));
  const len = 1 + bufs.reduce((n, b) => n + b.length, 0);
  const head = Buffer.allocUnsafe(5);
  head.writeUInt32BE(len, 0);
  head[4] = type;
  return Buffer.concat([head, ...bufs], len + 4);
}

export interface StartSpec {
  cwd: string;
  argv: string[];
  env: Record<string, string>;
}

export function encodeStart(spec: StartSpec): Buffer {
  const parts: string[] = [`${spec.cwd}\0`, `${spec.argv.length}\0`];
  for (const a of spec.argv) parts.push(`${a}\0`);
  for (const [k, v] of Object.entries(spec.env)) parts.push(`${k}=${v}\0`);
  return frame(FrameType.Start, parts);
}

export function encodeInvoke(requestId: string, headerBlock: string, body: Buffer): Buffer {
  return frame(FrameType.Invoke, [`${requestId}\0${headerBlock}\0`, body]);
}

export const encodeKill = (): Buffer => frame(FrameType.Kill, []);
export const encodeShutdown = (graceMs: number): Buffer => frame(FrameType.Shutdown, [`${graceMs}\0`]);

/**
 * A connected channel to one init. Emits 'message' (InitMessage), 'close' and
 * 'protocolError'. Frames are parsed without copying except where a frame
 * spans several reads.
 */
export class Channel extends EventEmitter {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  /** Bytes the frame at the head of `pending` needs in all (0: its length is not known yet). */
  private need = 0;
  private closed = false;
  /** No more frames are decoded: the framing broke, or the channel was closed. */
  private stopped = false;

  constructor(private readonly socket: Socket) {
    super();
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.emit('close');
    });
    socket.on('error', () => {
      /* 'close' follows; the environment handles the loss */
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(frameBytes: Buffer): void {
    if (!this.closed) this.socket.write(frameBytes);
  }

  close(): void {
    this.stopped = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.stopped) return; // the stream lost its framing (or was closed): nothing after it counts
    // A large frame arrives in many reads: collect them and join once, not once per read.
    if (this.need > 0 && this.pendingLen + chunk.length < this.need) {
      this.pending.push(chunk);
      this.pendingLen += chunk.length;
      return;
    }
    let buf: Buffer;
    if (this.pendingLen === 0) buf = chunk;
    else {
      this.pending.push(chunk);
      buf = Buffer.concat(this.pending, this.pendingLen + chunk.length);
      this.pending = [];
      this.pendingLen = 0;
    }
    this.need = 0;
    let pos = 0;
    while (buf.length - pos >= 5) {
      const len = buf.readUInt32BE(pos);
      if (len < 1 || len > MAX_FRAME) {
        this.stopped = true;
        this.emit('protocolError', new Error(`bad frame length ${len}`));
        this.socket.destroy();
        return;
      }
      if (buf.length - pos < 4 + len) {
        this.need = 4 + len;
        break;
      }
      const type = buf[pos + 4]!;
      const payload = buf.subarray(pos + 5, pos + 4 + len);
      pos += 4 + len;
      let msg: InitMessage;
      try {
        msg = decodeFrame(type, payload);
      } catch (err) {
        this.emit('protocolError', err);
        if (this.stopped) return;
        continue;
      }
      this.emit('message', msg);
      if (this.stopped) return; // a listener closed the channel
    }
    if (pos < buf.length) {
      const rest = buf.subarray(pos);
      this.pending.push(rest);
      this.pendingLen = rest.length;
    }
  }
}
