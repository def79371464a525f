import { describe, expect, it } from 'vitest';
import { CpuAwareLimit, eventLoopUtilisation, machineCpuTimes } from '../../main/engine/data/delivery-limit.js';

/** A machine whose idle share and event-loop utilisation the test sets for each interval. */
function machine(max = 10) {
  const m = { t: 0, idle: 0, total: 0, idleShare: 0.5, loop: 0.2 };
  const limit = new CpuAwareLimit({
    max,
    intervalMs: 100,
    now: () => m.t,
    sample: () => ({ idle: m.idle, total: m.total }),
    loopUtilisation: () => m.loop,
  });
  /** One interval passes with the given idle share; every tick of it saw full slots or not. */
  const interval = (idleShare: number, slotsFull: boolean, loop = 0.2) => {
    m.t += 100;
    m.total += 200;
    m.idle += 200 * idleShare;
    m.loop = loop;
    limit.observe(slotsFull);
    return limit.current();
  };
  return { limit, interval };
}

describe('delivery limit', () => {
  it('starts at the maximum and keeps it while the cores are idle', () => {
    const { limit, interval } = machine(10);
    expect(limit.current()).toBe(10);
    for (let i = 0; i < 5; i++) expect(interval(0.8, true)).toBe(10);
  });

  it('cuts by 30% per interval while the cores are saturated, never below 1', () => {
    const { interval } = machine(10);
    expect([interval(0.02, true), interval(0.02, true), interval(0.02, true), interval(0.02, true), interval(0.02, true)]).toEqual([7, 4, 2, 1, 1]);
  });

  it('cuts when this process\'s event loop is saturated even with idle cores (accepts keep priority)', () => {
    const { interval } = machine(10);
    expect(interval(0.6, true, 0.97)).toBe(7);
    expect(interval(0.6, true, 0.5)).toBe(8);
  });

  it('grows by one per interval only while every slot was in use and cores were idle', () => {
    const { interval } = machine(10);
    interval(0, true);
    interval(0, true); // 4
    expect(interval(0.5, false)).toBe(4); // no backlog: no reason to grow
    expect(interval(0.1, true)).toBe(4); // between the thresholds: hold
    expect(interval(0.5, true)).toBe(5);
    expect(interval(0.5, true)).toBe(6);
  });

  it('adjusts at most once per interval however often it is asked', () => {
    const { limit, interval } = machine(10);
    interval(0, true);
    for (let i = 0; i < 100; i++) limit.observe(true);
    expect(limit.current()).toBe(7);
  });

  it('reads real CPU times and event-loop utilisation from this machine', async () => {
    const a = machineCpuTimes();
    const elu = eventLoopUtilisation();
    const until = Date.now() + 60;
    while (Date.now() < until); // busy: the loop is fully used
    const b = machineCpuTimes();
    expect(b.total).toBeGreaterThan(a.total);
    expect(b.idle).toBeGreaterThanOrEqual(a.idle);
    expect(elu()).toBeGreaterThan(0.9);
    await new Promise((r) => setTimeout(r, 60));
    expect(elu()).toBeLessThan(0.5);
  });
});
