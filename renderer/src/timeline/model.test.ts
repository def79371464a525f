import { describe, expect, it } from 'vitest';
import { env, invocation, stateChange, storyOne } from './fixtures.js';
import { firstReaching, TimelineModel } from './model.js';
import { applyEvent } from './apply-event.js';

describe('timeline model', () => {
  it('story 1: one lane with a cold and a warm invocation in start order, and the frozen span between them', () => {
    const m = new TimelineModel();
    const s = storyOne();
    // Live order is not history order: the warm record and the states arrive before the env record.
    m.addInvocation(s.warm);
    for (const c of s.states) m.addStateChange(c);
    m.addInvocation(s.cold);
    m.upsertEnv(s.env);
    expect(m.laneCount).toBe(1);
    const lane = m.lane('e1')!;
    expect(lane.items.map((i) => i.requestId)).toEqual(['r1', 'r2']);
    expect(lane.items[0]!.start).toBe(1000);
    expect(lane.items[0]!.end).toBe(1400);
    expect(lane.cause).toBe('first-invoke');
    expect(lane.state).toBe('idle');
    expect(m.frozenSpans(lane)).toEqual([{ from: 1500, to: 5000 }]);
    expect(m.rows().map((r) => r.kind)).toEqual(['group', 'lane']);
  });

  it('merges by id: a replayed record, state change or older env record changes nothing', () => {
    const m = new TimelineModel();
    const s = storyOne();
    m.addInvocation(s.cold);
    m.addInvocation(s.cold);
    for (const c of [...s.states, ...s.states]) m.addStateChange(c);
    m.upsertEnv(s.env);
    m.upsertEnv({ ...s.env, state: 'invoking', stateSince: 1300 });
    expect(m.invocationCount).toBe(1);
    expect(m.lane('e1')!.states).toHaveLength(s.states.length);
    expect(m.lane('e1')!.state).toBe('idle');
  });

  it('an invocation in progress (platform.start) is replaced by its record', () => {
    const m = new TimelineModel();
    applyEvent(m, { type: 'platform', event: { type: 'platform.start', time: new Date(5002).toISOString(), functionName: 'counter', envId: 'e1', record: { requestId: 'r2', version: '$LATEST' } } });
    expect(m.invocation('r2')?.record).toBeUndefined();
    expect(m.invocation('r2')?.end).toBe(Infinity);
    expect(m.inProgressCount).toBe(1);
    applyEvent(m, { type: 'invocation', record: storyOne().warm });
    expect(m.invocation('r2')?.record?.status).toBe('success');
    expect(m.inProgressCount).toBe(0);
    expect(m.lane('e1')!.items).toHaveLength(1);
  });

  it('keeps only the selected function when scoped', () => {
    const m = new TimelineModel();
    m.clear('counter');
    m.addInvocation(invocation({ requestId: 'x', functionName: 'other', envId: 'o1', spans: [{ name: 'invoke', start: 1, durationMs: 1 }] }));
    m.upsertEnv(env({ envId: 'o1', functionName: 'other' }));
    expect(m.laneCount).toBe(0);
    m.addInvocation(storyOne().cold);
    expect(m.laneCount).toBe(1);
  });

  it('finds what reaches a time with one binary search, long spans included', () => {
    const m = new TimelineModel();
    // A long invocation first, then short ones: a search by start alone would miss the long one.
    m.addInvocation(invocation({ requestId: 'long', spans: [{ name: 'invoke', start: 0, durationMs: 10_000 }] }));
    for (let i = 1; i <= 100; i++) m.addInvocation(invocation({ requestId: `s${i}`, spans: [{ name: 'invoke', start: i * 100, durationMs: 10 }] }));
    const lane = m.lane('e1')!;
    expect(firstReaching(lane, 5000)).toBe(0); // the long one still runs at 5 s
    m.addInvocation(invocation({ requestId: 'long', spans: [{ name: 'invoke', start: 0, durationMs: 5 }] })); // its record replaced: now short
    expect(lane.items[firstReaching(lane, 5000)]!.requestId).toBe('s50');
  });

  it('inserts out of order and keeps starts sorted', () => {
    const m = new TimelineModel();
    for (const t of [500, 100, 300, 200, 400]) m.addInvocation(invocation({ requestId: `r${t}`, spans: [{ name: 'invoke', start: t, durationMs: 10 }] }));
    const lane = m.lane('e1')!;
    expect(lane.items.map((i) => i.start)).toEqual([100, 200, 300, 400, 500]);
    expect(lane.endMax).toEqual([110, 210, 310, 410, 510]);
  });

  it('keeps the newest invocations past its bound, and drops lanes that ended before them', () => {
    const m = new TimelineModel(100);
    m.upsertEnv(env({ envId: 'old', createdAt: 0, state: 'gone', stateSince: 50, endedAt: 50 }));
    m.addInvocation(invocation({ requestId: 'o', envId: 'old', spans: [{ name: 'invoke', start: 0, durationMs: 5 }] }));
    for (let i = 0; i < 500; i++) m.addInvocation(invocation({ requestId: `r${i}`, envId: `e${i % 5}`, spans: [{ name: 'invoke', start: 1000 + i, durationMs: 1 }] }));
    expect(m.invocationCount).toBeLessThanOrEqual(110);
    expect(m.invocationCount).toBeGreaterThanOrEqual(100);
    expect(m.invocation('r499')).toBeDefined();
    expect(m.invocation('r0')).toBeUndefined();
    expect(m.lane('old')).toBeUndefined();
    for (const l of m.allLanes()) expect(l.endMax).toHaveLength(l.items.length);
    // States are bounded with them: each lane keeps the last one before the oldest invocation kept.
    const lane = m.lane('e1')!;
    const m2 = new TimelineModel(100);
    for (let i = 0; i < 500; i++) {
      m2.addStateChange(stateChange('s', 1000 + i, 'frozen', 'invoking'));
      m2.addInvocation(invocation({ requestId: `q${i}`, envId: 's', spans: [{ name: 'invoke', start: 1000 + i, durationMs: 0.5 }] }));
    }
    expect(m2.lane('s')!.states.length).toBeLessThanOrEqual(111);
    expect(lane.items.length).toBeGreaterThan(0);
  });

  it('orders rows newest first: newest version group on top, newest env first, throttled last', () => {
    const m = new TimelineModel();
    m.upsertEnv(env({ envId: 'a', version: '1', createdAt: 100 }));
    m.upsertEnv(env({ envId: 'b', version: '1', createdAt: 200 }));
    m.upsertEnv(env({ envId: 'c', version: '$LATEST', createdAt: 300 }));
    m.addInvocation(invocation({ requestId: 't', envId: undefined, version: '1', status: 'throttled', spans: [{ name: 'queued', start: 250, durationMs: 1 }] }));
    const rows = m.rows();
    expect(rows.map((r) => (r.kind === 'group' ? `[${r.version}]` : r.lane.id))).toEqual(['[$LATEST]', 'c', '[1]', 'b', 'a', 'throttled:counter:1']);
    expect(rows.map((r) => r.y)).toEqual([0, 18, 40, 58, 80, 102]);
    expect(m.height).toBe(124);
  });

  it('an env that went: its lane ends when it did', () => {
    const m = new TimelineModel();
    m.addStateChange(stateChange('g', 10, null, 'starting', 'prewarm'));
    m.addStateChange(stateChange('g', 90, 'idle', 'gone', 'forced'));
    const lane = m.lane('g')!;
    expect(lane.cause).toBe('prewarm');
    expect(lane.state).toBe('gone');
    expect(lane.endedAt).toBe(90);
    expect(m.bounds()).toEqual({ min: 10, max: 90 });
  });
});
