// The telemetry bus: numbered events, batched delivery off the caller's path,
// resume from a sequence with a gap when frames are no longer held, and a ring
// bounded by the log text it holds as well as by frames.
import { describe, expect, it } from 'vitest';
import { RING_TEXT_CHARS, TelemetryBus, type BusFrame } from '../../main/engine/telemetry/bus.js';
import type { LogLine } from '../../main/contract/telemetry.js';

const control = (name: string) => ({ type: 'control' as const, change: 'updated' as const, name });
const lines = (n: number, chars: number): LogLine[] =>
  Array.from({ length: n }, (_, i) => ({ id: i, at: 0, functionName: 'f', envId: 'e', stream: 'stdout' as const, text: 'x'.repeat(chars) }));

describe('telemetry bus', () => {
  it('numbers events from above the persisted sequence and the clock, and delivers them in batches, later', async () => {
    const bus = new TelemetryBus(5, 0);
    const got: BusFrame[][] = [];
    bus.subscribe((b) => got.push(b));
    const s1 = bus.publish(control('a'));
    const s2 = bus.publish(control('b'));
    expect([s1, s2]).toEqual([6, 7]);
    expect(got).toEqual([]); // not on the publisher's path
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toHaveLength(1);
    expect(got[0]!.map((f) => f.seq)).toEqual([6, 7]);
    expect(new TelemetryBus(0, 1_000).lastSeq).toBe(1_000_000); // wall clock in µs: above any earlier run's
  });

  it('resumes after a sequence, and says when frames are no longer held', () => {
    const bus = new TelemetryBus(0, 0);
    for (let i = 0; i < 25_000; i++) bus.publish(control(String(i)));
    const r = bus.since(24_990);
    expect(r.frames.map((f) => f.seq)).toEqual([24_991, 24_992, 24_993, 24_994, 24_995, 24_996, 24_997, 24_998, 24_999, 25_000]);
    expect(r.gap).toBeUndefined();
    const old = bus.since(10);
    expect(old.gap).toEqual({ fromSeq: 11, toSeq: 5_000 });
    expect(old.frames[0]!.seq).toBe(5_001);
    expect(bus.since(25_000).frames).toEqual([]);
  });

  it('lets the oldest log frames go past its text bound, and resumes say so', () => {
    const bus = new TelemetryBus(0, 0);
    // 100 frames of 2,000 lines of 1 KB: ~200 MB of text if all were kept.
    for (let i = 0; i < 100; i++) bus.publish({ type: 'logs', lines: lines(2000, 1024) });
    const r = bus.since(0);
    expect(r.gap).toBeDefined();
    const held = r.frames.reduce((n, f) => n + (f.event.type === 'logs' ? f.event.lines.length * 1088 : 0), 0);
    expect(held).toBeLessThanOrEqual(RING_TEXT_CHARS);
    expect(r.frames.length).toBeGreaterThan(5);
    expect(r.frames.at(-1)!.seq).toBe(100);
  });
});
