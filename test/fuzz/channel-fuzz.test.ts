// Fuzzes the host side of the init protocol (main/engine/sandbox/channel.ts): seeded random and
// mutated frame streams, split at random byte boundaries, fed to a Channel. Whatever the bytes,
// nothing may throw or hang; a frame that does not decode is a protocolError (a bad length ends
// the stream), and every valid frame still decodes to exactly what was encoded.
// LWB_FUZZ_SEED picks another seed.
import { deepStrictEqual } from 'node:assert';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Channel, FrameType, type InitMessage } from '../../main/engine/sandbox/channel.js';
import type { TmpEntry } from '../../main/contract/telemetry.js';
import { mulberry32 } from '../helpers/rng.js';

const CASES = 10_000;
const SEED = Number(process.env.LWB_FUZZ_SEED ?? 20240808);
const MAX_FRAME = 16 * 1024 * 1024;

/** The same cases for the same seed, on every machine (and cheap per byte). */
function rng(seed: number) {
  const u32 = mulberry32(seed);
  const below = (n: number): number => (n <= 0 ? 0 : Math.floor((u32() / 2 ** 32) * n));
  const next = (): bigint => (BigInt(u32()) << 32n) | BigInt(u32());
  return { next, below, chance: (pct: number) => below(100) < pct };
}
type Rng = ReturnType<typeof rng>;

/** A socket as far as Channel cares: 'data', 'close', destroy(). */
class FakeSocket extends EventEmitter {
  destroyed = false;
  destroy(): void {
    this.destroyed = true;
  }
  write(): boolean {
    return true;
  }
}

function frame(type: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(payload.length + 1, 0);
  head[4] = type;
  return Buffer.concat([head, payload]);
}

const u64 = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(v);
  return b;
};
const z = (s: Buffer | string) => Buffer.concat([Buffer.from(s), Buffer.from([0])]);

function randomBytes(r: Rng, n: number, noNul = false): Buffer {
  if (n > 4096 && !noNul) {
    // Large payloads: a random 4 KiB block repeated (random per byte would cost seconds).
    const block = randomBytes(r, 4096);
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i += 4096) block.copy(b, i, 0, Math.min(4096, n - i));
    return b;
  }
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    b[i] = r.chance(60) ? 0x20 + r.below(95) : r.below(256);
    if (noNul && b[i] === 0) b[i] = 0x41;
  }
  return b;
}
const text = (r: Rng, max: number) => randomBytes(r, r.below(max + 1), true);
// Mostly small; some past 64 KiB (a frame over several reads), a few of up to 1 MB.
const bodySize = (r: Rng) => (r.below(1000) < 3 ? 100_000 + r.below(900_000) : r.chance(5) ? r.below(70_000) : r.below(64));
const num = (r: Rng) => (r.chance(20) ? -1 : r.below(1_000_000_000));

/** One valid frame and what decodeFrame must make of it. */
function validFrame(r: Rng): { bytes: Buffer; msg: InitMessage } {
  const times = { next: r.next(), delivered: r.next(), done: r.next() };
  const timesBuf = () => Buffer.concat([u64(times.next), u64(times.delivered), u64(times.done)]);
  switch (r.below(11)) {
    case 0: {
      const version = text(r, 4);
      const token = r.chance(80) ? Buffer.from(randomBytes(r, 32).toString('hex')) : Buffer.alloc(0);
      const withToken = r.chance(90);
      return {
        bytes: frame(FrameType.Hello, Buffer.concat([z(version), withToken ? z(token) : Buffer.alloc(0)])),
        msg: { type: 'hello', version: version.toString(), token: withToken ? token.toString() : '' },
      };
    }
    case 1: {
      const stream = r.chance(50) ? 1 : 2;
      const data = randomBytes(r, bodySize(r));
      return { bytes: frame(FrameType.Log, Buffer.concat([Buffer.from([stream]), data])), msg: { type: 'log', stream, data } };
    }
    case 2: {
      const ts = r.next();
      return { bytes: frame(FrameType.InitDone, u64(ts)), msg: { type: 'initDone', ts } };
    }
    case 3: {
      const ts = r.next();
      const errorType = text(r, 40);
      const body = randomBytes(r, bodySize(r));
      return {
        bytes: frame(FrameType.InitError, Buffer.concat([u64(ts), z(errorType), body])),
        msg: { type: 'initError', ts, errorType: errorType.toString(), body },
      };
    }
    case 4: {
      const requestId = text(r, 40);
      const body = randomBytes(r, bodySize(r));
      return {
        bytes: frame(FrameType.Response, Buffer.concat([timesBuf(), z(requestId), body])),
        msg: { type: 'response', times, requestId: requestId.toString(), body },
      };
    }
    case 5: {
      const requestId = text(r, 40);
      const errorType = text(r, 40);
      const body = randomBytes(r, bodySize(r));
      return {
        bytes: frame(FrameType.Error, Buffer.concat([timesBuf(), z(requestId), z(errorType), body])),
        msg: { type: 'error', times, requestId: requestId.toString(), errorType: errorType.toString(), body },
      };
    }
    case 6: {
      const requestId = text(r, 40);
      const size = r.below(100_000_000);
      return {
        bytes: frame(FrameType.TooLarge, Buffer.concat([timesBuf(), z(requestId), z(String(size))])),
        msg: { type: 'tooLarge', times, requestId: requestId.toString(), size },
      };
    }
    case 7: {
      const requestId = text(r, 40);
      const maxKb = r.below(10_000_000);
      return { bytes: frame(FrameType.Memory, Buffer.concat([z(requestId), z(String(maxKb))])), msg: { type: 'memory', requestId: requestId.toString(), maxKb } };
    }
    case 8: {
      const code = num(r);
      const signal = num(r);
      const oom = r.below(2);
      const killed = r.below(2);
      const inflight = r.chance(70) ? text(r, 40) : undefined;
      const parts = [code, signal, oom, killed].map((n) => z(String(n)));
      if (inflight) parts.push(z(inflight));
      const msg: InitMessage = { type: 'exit', code, signal, oomKilled: oom === 1, killed: killed === 1 };
      return { bytes: frame(FrameType.Exit, Buffer.concat(parts)), msg: inflight ? { ...msg, inflight: inflight.toString() } : msg };
    }
    case 9:
      return tmpFrame(r);
    default: {
      const message = text(r, 200);
      return { bytes: frame(FrameType.Fatal, z(message)), msg: { type: 'fatal', message: message.toString() } };
    }
  }
}

/** A /tmp path segment: any bytes but NUL and '/', never '.' or '..' (the init lists none). */
function segment(r: Rng): Buffer {
  const b = randomBytes(r, 1 + r.below(12), true);
  for (let i = 0; i < b.length; i++) if (b[i] === 0x2f) b[i] = 0x5f;
  return b.toString('latin1') === '.' || b.toString('latin1') === '..' ? Buffer.from('x') : b;
}
const tmpPath = (r: Rng): Buffer => Buffer.concat(Array.from({ length: 1 + r.below(4) }, (_, i) => (i ? [Buffer.from('/'), segment(r)] : [segment(r)])).flat());

/** TMP: id, used, size, truncated, then entries (type, size, mtime ns, path, target). */
function tmpFrame(r: Rng): { bytes: Buffer; msg: InitMessage } {
  const requestId = text(r, 40);
  const usedBytes = r.below(1_000_000_000);
  const sizeBytes = r.below(1_000_000_000);
  const truncated = r.chance(10);
  const parts = [z(requestId), z(String(usedBytes)), z(String(sizeBytes)), z(truncated ? '1' : '0')];
  const entries: TmpEntry[] = [];
  for (let i = 0, n = r.chance(10) ? r.below(300) : r.below(5); i < n; i++) {
    const type = (['f', 'd', 'l', 'o'] as const)[r.below(4)]!;
    const size = r.below(2 ** 31) * (r.chance(10) ? 4096 : 1);
    const mtime = r.next();
    const path = tmpPath(r);
    const target = type === 'l' ? randomBytes(r, r.below(80), true) : Buffer.alloc(0);
    parts.push(Buffer.from(type), u64(BigInt(size)), u64(mtime), z(path), z(target));
    const entry: TmpEntry = { path: path.toString('utf8'), type: ({ f: 'file', d: 'dir', l: 'link', o: 'other' } as const)[type], size, mtimeMs: Number(mtime / 1000n) / 1000 };
    if (type === 'l') entry.target = target.toString('utf8');
    entries.push(entry);
  }
  return { bytes: frame(FrameType.Tmp, Buffer.concat(parts)), msg: { type: 'tmp', requestId: requestId.toString(), usedBytes, sizeBytes, truncated, entries } };
}

/** A TMP frame whose header is sound and whose one entry is not. */
function badTmpEntry(r: Rng): Buffer {
  const head = Buffer.concat([z(text(r, 20)), z('1'), z('2'), z('0')]);
  const entry = (type: string, path: Buffer | string, target = '') => Buffer.concat([Buffer.from(type), u64(1n), u64(2n), z(path), z(target)]);
  const choices: (() => Buffer)[] = [
    () => entry('x', 'a'), // unknown type
    () => entry('f', '/etc/shadow'), // absolute
    () => entry('f', ['..', 'a/../b', 'a//b', 'a/', './a', 'a/.'][r.below(6)]!), // '..', '.' or empty segments
    () => entry('f', ''),
    () => entry('f', 'a', 'b'), // a target on a file
    () => Buffer.concat([Buffer.from('f'), u64(1n), u64(2n), Buffer.from('a')]), // path not terminated
    () => Buffer.concat([Buffer.from('d'), randomBytes(r, r.below(16), true)]), // short fixed fields
    () => Buffer.concat([Buffer.from('f'), u64(1n << 60n), u64(2n), z('a'), z('')]), // size past 2^53
  ];
  return frame(FrameType.Tmp, Buffer.concat([head, choices[r.below(choices.length)]!()]));
}

/** A frame with a sound length whose payload does not decode. */
function undecodableFrame(r: Rng): Buffer {
  const id = text(r, 20);
  const choices: (() => Buffer)[] = [
    () => frame(FrameType.Hello, text(r, 8)), // no NUL at all
    () => frame(FrameType.Hello, Buffer.concat([z('1'), Buffer.from('a'), text(r, 64)])), // token not terminated
    () => frame(FrameType.InitDone, randomBytes(r, r.below(8))),
    () => frame(FrameType.InitError, Buffer.concat([u64(1n), text(r, 10)])),
    () => frame(FrameType.Response, randomBytes(r, r.below(24))),
    () => frame(FrameType.Response, Buffer.concat([randomBytes(r, 24), text(r, 30)])),
    () => frame(FrameType.Error, Buffer.concat([randomBytes(r, 24), z(id), text(r, 30)])),
    () => frame(FrameType.TooLarge, Buffer.concat([randomBytes(r, 24), z(id), z(`${r.below(99)}x`)])),
    () => frame(FrameType.Memory, Buffer.concat([z(id), z(r.chance(50) ? '' : 'NaN')])),
    () => frame(FrameType.Exit, Buffer.concat([z('0'), z('-1')])), // fields missing
    () => frame(FrameType.Exit, Buffer.concat(['1e3', '0', '0', '0'].map(z))),
    () => frame(FrameType.Fatal, text(r, 20)),
    () => frame(FrameType.Tmp, Buffer.concat([z(id), z('1'), z('2'), z(['2', '-1', 'x', ''][r.below(4)]!)])), // truncated is 0 or 1
    () => frame(FrameType.Tmp, Buffer.concat([z(id), z('-1'), z('2'), z('0')])), // a negative size
    () => badTmpEntry(r),
    () => frame([0x00, 0x01, 0x05, 0x80, 0x8c, 0xff][r.below(6)]!, randomBytes(r, r.below(30))), // unknown type
  ];
  return choices[r.below(choices.length)]!();
}

/** A length field the protocol forbids: the stream is over. */
function badLength(r: Rng): Buffer {
  const head = Buffer.alloc(5 + r.below(10));
  head.writeUInt32BE(r.chance(30) ? 0 : MAX_FRAME + 1 + r.below(0xffffffff - MAX_FRAME - 1), 0);
  return head;
}

function split(r: Rng, bytes: Buffer): Buffer[] {
  if (bytes.length <= 256 && r.chance(15)) return [...bytes].map((b) => Buffer.from([b])); // byte by byte
  const cuts = new Set<number>();
  for (let i = 0, n = r.below(Math.min(bytes.length, 24)); i < n; i++) cuts.add(1 + r.below(bytes.length - 1));
  const at = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
  const parts: Buffer[] = [];
  for (let i = 1; i < at.length; i++) if (at[i]! > at[i - 1]!) parts.push(bytes.subarray(at[i - 1], at[i]));
  return parts;
}

function mutate(r: Rng, bytes: Buffer): Buffer {
  let b = Buffer.from(bytes);
  for (let k = 0, n = 1 + r.below(8); k < n && b.length; k++) {
    const at = r.below(b.length);
    switch (r.below(5)) {
      case 0:
        b[at] = b[at]! ^ (1 << r.below(8));
        break;
      case 1:
        b[at] = r.chance(50) ? 0 : r.below(256);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), randomBytes(r, 1 + r.below(16)), b.subarray(at)]);
        break;
      case 3:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + r.below(64))]);
        break;
      default:
        b = b.subarray(0, at); // truncated
    }
  }
  return b;
}

/** The shape every decoded message must have, whatever the bytes were. */
function wellTyped(m: InitMessage): boolean {
  const int = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n);
  const str = (s: unknown) => typeof s === 'string';
  const big = (t: unknown) => typeof t === 'bigint' && t >= 0n && t < 1n << 64n;
  const times = (t: { next: bigint; delivered: bigint; done: bigint }) => big(t.next) && big(t.delivered) && big(t.done);
  switch (m.type) {
    case 'hello':
      return str(m.version) && str(m.token);
    case 'log':
      return (m.stream === 1 || m.stream === 2) && Buffer.isBuffer(m.data);
    case 'initDone':
      return big(m.ts);
    case 'initError':
      return big(m.ts) && str(m.errorType) && Buffer.isBuffer(m.body);
    case 'response':
      return times(m.times) && str(m.requestId) && Buffer.isBuffer(m.body);
    case 'error':
      return times(m.times) && str(m.requestId) && str(m.errorType) && Buffer.isBuffer(m.body);
    case 'tooLarge':
      return times(m.times) && str(m.requestId) && int(m.size);
    case 'memory':
      return str(m.requestId) && int(m.maxKb);
    case 'exit':
      return int(m.code) && int(m.signal) && typeof m.oomKilled === 'boolean' && typeof m.killed === 'boolean' && (m.inflight === undefined || str(m.inflight));
    case 'fatal':
      return str(m.message);
    case 'tmp':
      return (
        str(m.requestId) && int(m.usedBytes) && int(m.sizeBytes) && typeof m.truncated === 'boolean' &&
        m.entries.every((e) => str(e.path) && !e.path.startsWith('/') && !e.path.split('/').some((s) => s === '' || s === '.' || s === '..') && int(e.size) && Number.isFinite(e.mtimeMs) && (e.type === 'link' ? str(e.target) : e.target === undefined))
      );
  }
}

/** Buffers as length and digest, so deepStrictEqual compares content cheaply and prints readably. */
function plain(m: InitMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) out[k] = Buffer.isBuffer(v) ? `${v.length} bytes ${createHash('sha1').update(v).digest('hex')}` : v;
  return out;
}

function feed(parts: Buffer[]) {
  const socket = new FakeSocket();
  const channel = new Channel(socket as unknown as Socket);
  const messages: InitMessage[] = [];
  const errors: Error[] = [];
  channel.on('message', (m: InitMessage) => messages.push(m));
  channel.on('protocolError', (e: Error) => errors.push(e));
  for (const p of parts) socket.emit('data', p);
  return { messages, errors, destroyed: socket.destroyed };
}

describe('host side of the init channel', () => {
  it(`decodes or refuses ${CASES} fuzzed frame streams`, () => {
    const r = rng(SEED);
    let decoded = 0;
    let refused = 0;
    let mutated = 0;
    for (let c = 0; c < CASES; c++) {
      const where = `case ${c} (seed ${SEED})`;
      const expected: InitMessage[] = [];
      const chunks: Buffer[] = [];
      let undecodable = 0;
      for (let i = 0, n = 1 + r.below(6); i < n; i++) {
        if (r.chance(20)) {
          chunks.push(undecodableFrame(r));
          undecodable++;
        } else {
          const f = validFrame(r);
          chunks.push(f.bytes);
          expected.push(f.msg);
        }
      }
      const fatalLength = r.chance(5);
      if (fatalLength) chunks.push(badLength(r), validFrame(r).bytes); // nothing after it counts
      let stream: Buffer = Buffer.concat(chunks);

      if (r.chance(30)) {
        // Mutated: no promise about what decodes, only that nothing breaks.
        stream = mutate(r, stream);
        mutated++;
        const got = feed(split(r, stream));
        for (const m of got.messages) if (!wellTyped(m)) throw new Error(`${where}: ill-typed message ${JSON.stringify(plain(m), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
        decoded += got.messages.length;
        refused += got.errors.length;
        continue;
      }
      const got = feed(split(r, stream));
      deepStrictEqual(got.messages.map(plain), expected.map(plain), where);
      const lengthErrors = got.errors.filter((e) => /bad frame length/.test(e.message)).length;
      if (got.errors.length !== undecodable + (fatalLength ? 1 : 0) || lengthErrors !== (fatalLength ? 1 : 0) || got.destroyed !== fatalLength)
        throw new Error(`${where}: ${got.errors.length} protocol errors (${got.errors.map((e) => e.message).join('; ')}), expected ${undecodable} + ${fatalLength ? 1 : 0}`);
      decoded += got.messages.length;
      refused += got.errors.length;
    }
    console.log(`channel fuzz: ${CASES} cases (seed ${SEED}): ok (${mutated} mutated; ${decoded} frames decoded, ${refused} protocol errors)`);
    expect(decoded).toBeGreaterThan(CASES);
    expect(refused).toBeGreaterThan(CASES / 10);
  }, 120_000);

  it('stops decoding once a listener closes the channel', () => {
    const r = rng(SEED + 1);
    const frames = Array.from({ length: 5 }, () => validFrame(r).bytes);
    const socket = new FakeSocket();
    const channel = new Channel(socket as unknown as Socket);
    const seen: string[] = [];
    channel.on('message', (m: InitMessage) => {
      seen.push(m.type);
      channel.close();
    });
    socket.emit('data', Buffer.concat(frames));
    socket.emit('data', frames[0]!);
    expect(seen).toHaveLength(1);
    expect(socket.destroyed).toBe(true);
  });

  describe('over a real Unix socket', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lwb-chan-fuzz-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('decodes 500 valid frames written in random pieces, as the kernel splits them', async () => {
      const r = rng(SEED + 2);
      const frames = Array.from({ length: 500 }, () => validFrame(r));
      const stream = Buffer.concat(frames.map((f) => f.bytes));
      const path = join(dir, 'chan.sock');
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(path, resolve));
      const got: InitMessage[] = [];
      const done = new Promise<void>((resolve) => {
        server.once('connection', (socket) => {
          const ch = new Channel(socket);
          ch.on('message', (m: InitMessage) => got.push(m));
          ch.on('close', () => resolve());
        });
      });
      const client = createConnection(path);
      for (const part of split(r, stream)) if (!client.write(part)) await new Promise((res) => client.once('drain', res));
      client.end();
      await done;
      server.close();
      deepStrictEqual(got.map(plain), frames.map((f) => plain(f.msg)));
    }, 60_000);
  });
});
