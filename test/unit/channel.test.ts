// The host side of the init protocol: frames decode whatever way the bytes
// are split across reads, and encoded frames carry exactly PROTOCOL.md's layout.
import { PassThrough } from 'node:stream';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Channel, FrameType, encodeInvoke, encodeStart, type InitMessage } from '../../main/engine/sandbox/channel.js';

function frame(type: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(payload.length + 1, 0);
  head[4] = type;
  return Buffer.concat([head, payload]);
}

const u64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
};

describe('Channel', () => {
  it('decodes frames split at every byte boundary', () => {
    const bytes = Buffer.concat([
      frame(FrameType.Hello, Buffer.from(`1\0${'ab'.repeat(32)}\0`)),
      frame(FrameType.Log, Buffer.concat([Buffer.from([2]), Buffer.from('line\n')])),
      frame(FrameType.Response, Buffer.concat([u64(1n), u64(2n), u64(3n), Buffer.from('req-1\0{"ok":true}')])),
      frame(FrameType.Exit, Buffer.from(['1', '-1', '0', '1', 'req-9', ''].join('\0'))),
    ]);
    for (let split = 1; split < bytes.length; split++) {
      const stream = new PassThrough();
      const got: InitMessage[] = [];
      const ch = new Channel(stream as unknown as Socket);
      ch.on('message', (m) => got.push(m));
      stream.emit('data', bytes.subarray(0, split));
      stream.emit('data', bytes.subarray(split));
      expect(got.map((m) => m.type)).toEqual(['hello', 'log', 'response', 'exit']);
      expect(got[0]).toEqual({ type: 'hello', version: '1', token: 'ab'.repeat(32) });
      expect(got[1]).toMatchObject({ stream: 2 });
      expect((got[1] as { data: Buffer }).data.toString()).toBe('line\n');
      expect(got[2]).toMatchObject({ requestId: 'req-1', times: { next: 1n, delivered: 2n, done: 3n } });
      expect((got[2] as { body: Buffer }).body.toString()).toBe('{"ok":true}');
      expect(got[3]).toEqual({ type: 'exit', code: 1, signal: -1, oomKilled: false, killed: true, inflight: 'req-9' });
    }
  });

  it('reads a HELLO without a token (an init that had none) as an empty token', () => {
    const stream = new PassThrough();
    const got: InitMessage[] = [];
    new Channel(stream as unknown as Socket).on('message', (m) => got.push(m));
    stream.emit('data', frame(FrameType.Hello, Buffer.from('1\0\0')));
    stream.emit('data', frame(FrameType.Hello, Buffer.from('1\0')));
    expect(got).toEqual([
      { type: 'hello', version: '1', token: '' },
      { type: 'hello', version: '1', token: '' },
    ]);
  });

  it('rejects an absurd frame length instead of buffering forever', () => {
    const stream = new PassThrough();
    const ch = new Channel(stream as unknown as Socket);
    const errors: Error[] = [];
    ch.on('protocolError', (e) => errors.push(e));
    const bad = Buffer.alloc(5);
    bad.writeUInt32BE(0xffffffff, 0);
    stream.emit('data', bad);
    expect(errors[0]?.message).toMatch(/bad frame length/);
  });

  it('encodes START and INVOKE as PROTOCOL.md lays them out', () => {
    const start = encodeStart({ cwd: '/var/task', argv: ['/bin/a', '-x'], env: { A: '1' } });
    expect(start.readUInt32BE(0)).toBe(start.length - 4);
    expect(start[4]).toBe(FrameType.Start);
    expect(start.subarray(5).toString()).toBe('/var/task\0' + '2\0/bin/a\0-x\0A=1\0');
    const inv = encodeInvoke('id-1', 'H: v\r\n', Buffer.from('{}'));
    expect(inv[4]).toBe(FrameType.Invoke);
    expect(inv.subarray(5).toString()).toBe('id-1\0H: v\r\n\0{}');
  });
});
