// The telemetry stream over serve mode's WebSocket, with a real bus behind it:
// a window resumes from the last sequence it saw (only what it missed comes
// again; a gap frame first when the bus no longer holds it), and a window that
// stops reading gets no unbounded buffer: its batches are dropped and, once it
// reads again, one gap frame names exactly the sequences it missed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ContractHandlers, ServerMessage, StreamFrame, StreamSource, TelemetryEvent } from '../../main/contract/index.js';
import { WS_PATH } from '../../main/contract/index.js';
import { UiServer } from '../../main/server/ui/index.js';
import { TelemetryBus, type BusFrame } from '../../main/engine/telemetry/bus.js';

const toFrame = (f: BusFrame): StreamFrame<'telemetry'> => ({ stream: 'telemetry', seq: f.seq, at: f.at, data: f.event });

/** The same adapter main/app/streams.ts makes over the engine's bus. */
function sourceOver(bus: TelemetryBus): StreamSource {
  return {
    on: () => () => undefined,
    onTelemetryBatch: (fn) => bus.subscribe((b) => fn(b.map(toFrame))),
    telemetrySince: (from) => {
      const { frames, gap } = bus.since(from);
      const out = frames.map(toFrame);
      if (gap) out.unshift({ stream: 'telemetry', seq: gap.toSeq, at: 0, data: { type: 'gap', fromSeq: gap.fromSeq, toSeq: gap.toSeq, reason: 'resume-too-old' } });
      return out;
    },
  };
}

function frames(ws: WebSocket) {
  const got: StreamFrame<'telemetry'>[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as ServerMessage;
    if (m.t === 'ev') got.push(m.frame as StreamFrame<'telemetry'>);
    if (m.t === 'evs') got.push(...(m.frames as StreamFrame<'telemetry'>[]));
  });
  return got;
}

const until = async (what: string, test: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const control = (i: number): TelemetryEvent => ({ type: 'control', change: 'updated', name: `f${i}` });

let http: Server;
let ui: UiServer;
let bus: TelemetryBus;
let url: string;
let headers: { cookie: string; origin: string };
const LIMIT = 256 * 1024;

beforeAll(async () => {
  bus = new TelemetryBus(0, 0);
  const handlers = { 'status.get': async () => ({}) } as unknown as ContractHandlers;
  ui = new UiServer({ handlers, streams: sourceOver(bus), limits: { eventBufferBytes: LIMIT } });
  http = createServer((_req, res) => res.writeHead(404).end());
  http.on('upgrade', (req, socket, head) => ui.upgrade(req, socket, head) || socket.destroy());
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as AddressInfo).port;
  url = `ws://127.0.0.1:${port}${WS_PATH}`;
  headers = { cookie: `lwb_ui_${port}=${ui.session.token}`, origin: `http://127.0.0.1:${port}` };
});
afterAll(async () => {
  await ui?.close();
  http?.close();
});

const open = async () => {
  const ws = new WebSocket(url, { headers: { Cookie: headers.cookie }, origin: headers.origin });
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  return ws;
};

describe('telemetry over the window\'s WebSocket', () => {
  it('a window that reconnects resumes after the last sequence it saw: exactly what it missed, in order', async () => {
    const first = await open();
    const seen = frames(first);
    first.send(JSON.stringify({ t: 'sub', stream: 'telemetry' }));
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 10; i++) bus.publish(control(i));
    await until('10 frames', () => seen.length === 10);
    const last = seen.at(-1)!.seq;
    first.close();
    for (let i = 10; i < 25; i++) bus.publish(control(i)); // while it was away
    const again = await open();
    const resumed = frames(again);
    again.send(JSON.stringify({ t: 'sub', stream: 'telemetry', from: last }));
    await until('the 15 missed frames', () => resumed.length >= 15);
    expect(resumed.map((f) => f.seq)).toEqual(Array.from({ length: 15 }, (_, i) => last + 1 + i));
    expect(resumed.map((f) => (f.data as { name: string }).name)).toEqual(Array.from({ length: 15 }, (_, i) => `f${10 + i}`));
    // From a sequence the bus no longer holds: a gap frame first, then what it holds.
    const late = await open();
    const got = frames(late);
    for (let i = 0; i < 21_000; i++) bus.publish(control(i));
    late.send(JSON.stringify({ t: 'sub', stream: 'telemetry', from: 3 }));
    await until('the replay', () => got.length > 1);
    expect(got[0]!.data).toMatchObject({ type: 'gap', fromSeq: 4, reason: 'resume-too-old' });
    expect(got[1]!.seq).toBe((got[0]!.data as { toSeq: number }).toSeq + 1);
    for (const ws of [again, late]) ws.close();
  });

  it('a window that stops reading: batches dropped past the limit (bounded), then one gap frame naming exactly what it missed', async () => {
    const ws = await open();
    const got = frames(ws);
    ws.send(JSON.stringify({ t: 'sub', stream: 'telemetry' }));
    await new Promise((r) => setTimeout(r, 50));
    ws.pause();
    const line = { id: 0, at: 0, functionName: 'f', envId: 'e', stream: 'stdout' as const, text: 'y'.repeat(1000) };
    let peak = 0;
    for (let i = 0; i < 300; i++) {
      bus.publish({ type: 'logs', lines: Array.from({ length: 100 }, (_, k) => ({ ...line, id: i * 100 + k })) });
      await new Promise((r) => setTimeout(r, 17)); // one delivery batch each
      peak = Math.max(peak, ui.socket.stats().find((s) => s.streams.includes('telemetry'))?.buffered ?? 0);
    }
    const lastSeq = bus.lastSeq;
    expect(peak).toBeLessThanOrEqual(LIMIT + 200 * 1024);
    ws.resume();
    await until('the gap frame', () => got.some((f) => f.data.type === 'gap'), 20_000);
    const gap = got.find((f) => f.data.type === 'gap')!.data as Extract<TelemetryEvent, { type: 'gap' }>;
    expect(gap.reason).toBe('slow-subscriber');
    const delivered = new Set(got.filter((f) => f.data.type === 'logs').map((f) => f.seq));
    // Every sequence of the flood is either delivered or inside the gap, never both, never neither.
    const first = Math.min(...delivered);
    for (let s = first; s <= lastSeq; s++) {
      const inGap = s >= gap.fromSeq && s <= gap.toSeq;
      expect(delivered.has(s) !== inGap, `seq ${s}: delivered ${delivered.has(s)}, in gap ${inGap}`).toBe(true);
    }
    expect(gap.toSeq - gap.fromSeq + 1).toBeGreaterThan(100);
    ws.close();
  });
});
