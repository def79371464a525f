import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../main/contract/telemetry.js';
import { LogBuffer } from './buffer.js';
import { LogView } from './view.js';

function line(id: number, over: Partial<LogLine> = {}): LogLine {
  return { id, at: 1_700_000_000_000 + id, functionName: 'orders', envId: 'env-a', requestId: 'req-1', stream: 'stdout', text: `line ${id}`, ...over };
}
const range = (from: number, to: number, over: Partial<LogLine> = {}) => Array.from({ length: to - from }, (_, i) => line(from + i, over));
const ids = (b: LogBuffer, v: LogView) => Array.from({ length: v.length }, (_, i) => b.idAt(v.posAt(i)));

describe('LogBuffer', () => {
  it('keeps lines in id order, dedupes by id, and reads them back whole', () => {
    const b = new LogBuffer(100);
    b.add(range(10, 20));
    b.add(range(15, 25)); // overlaps: only 20..24 are new
    b.add([line(5, { stream: 'stderr', level: 'ERROR', requestId: undefined, envId: 'env-b', text: 'boom' })]);
    expect(b.size).toBe(16);
    expect(b.firstId).toBe(5);
    expect(b.lastId).toBe(24);
    const first = b.line(b.base)!;
    expect(first).toMatchObject({ id: 5, stream: 'stderr', level: 'ERROR', requestId: undefined, envId: 'env-b', text: 'boom', functionName: 'orders' });
    expect(b.posOfId(24)).toBe(b.end - 1);
    expect(b.posOfId(4)).toBe(-1);
  });

  it('drops the oldest past capacity and counts what fell off per function', () => {
    const b = new LogBuffer(1000);
    b.add(range(0, 600, { functionName: 'a' }));
    b.add(range(600, 1500, { functionName: 'b' }));
    expect(b.size).toBe(1000);
    expect(b.firstId).toBe(500);
    expect(b.dropped[b.functions.find('a')]).toBe(500);
    expect(b.droppedTotal).toBe(500);
    expect(b.firstIdOf('a')).toBe(500);
    expect(b.firstIdOf('b')).toBe(600);
  });

  it('merges interleaving history (after a gap) by id and renumbers once', () => {
    const b = new LogBuffer(100);
    b.add(range(0, 50).filter((l) => l.id % 2 === 0));
    const gen = b.generation;
    b.add(range(0, 50)); // fills the odd ids in between
    expect(b.size).toBe(50);
    expect(b.generation).toBe(gen + 1);
    expect(Array.from({ length: 50 }, (_, i) => b.idAt(b.base + i))).toEqual(range(0, 50).map((l) => l.id));
  });

  it('a merge past capacity keeps the newest', () => {
    const b = new LogBuffer(10);
    b.add(range(0, 20).filter((l) => l.id % 2 === 0)); // 10 lines: 0,2,..,18
    b.add([line(11), line(13)]);
    expect(b.size).toBe(10);
    expect(b.firstId).toBe(4);
    expect(b.lastId).toBe(18);
    expect(b.droppedTotal).toBe(2);
  });
});

describe('LogView', () => {
  it('follows appends, trims evictions and puts older pages in front without refiltering', () => {
    const b = new LogBuffer(100);
    const v = new LogView(b);
    v.setFilter({ functionName: 'orders' });
    b.add(range(100, 150));
    expect(v.sync()).toMatchObject({ refiltered: true });
    expect(v.length).toBe(50);
    b.add(range(150, 160));
    expect(v.sync()).toMatchObject({ appended: 10, refiltered: false });
    b.add(range(60, 100)); // an older page, with room for it
    expect(v.sync()).toMatchObject({ prepended: 40, refiltered: false });
    expect(ids(b, v)[0]).toBe(60);
    b.add(range(160, 190)); // 30 more: 30 of the oldest fall off
    expect(v.sync()).toMatchObject({ appended: 30, trimmed: 30 });
    expect(ids(b, v)).toEqual(range(90, 190).map((l) => l.id));
  });

  it('filters by function, env, request, level, stream and text (also matching request ids)', () => {
    const b = new LogBuffer(1000);
    b.add([
      line(1, { text: 'Hello World' }),
      line(2, { functionName: 'thumbs', text: 'hello from another function' }),
      line(3, { envId: 'env-b', text: 'hello b' }),
      line(4, { stream: 'stderr', text: 'oops' }),
      line(5, { level: 'ERROR', text: '{"level":"ERROR","msg":"bad"}' }),
      line(6, { stream: 'platform', requestId: 'abc-123', text: 'START RequestId: abc-123' }),
      line(7, { requestId: 'zzz-999', text: 'no match in text' }),
    ]);
    const v = new LogView(b);
    const q = (spec: Parameters<LogView['setFilter']>[0]) => {
      v.setFilter({ functionName: 'orders', ...spec });
      v.sync();
      return ids(b, v);
    };
    expect(q({})).toEqual([1, 3, 4, 5, 6, 7]);
    expect(q({ text: 'HELLO' })).toEqual([1, 3]);
    expect(q({ text: 'zzz-9' })).toEqual([7]); // the request id matches
    expect(q({ envIds: ['env-b'] })).toEqual([3]);
    expect(q({ requestId: 'abc-123' })).toEqual([6]);
    expect(q({ levels: ['ERROR'] })).toEqual([5]);
    expect(q({ streams: ['stderr', 'platform'] })).toEqual([4, 6]);
    expect(q({ functionName: 'nobody' })).toEqual([]);
    expect(q({ text: 'a.b' })).toEqual([]); // a substring, not a pattern
  });

  it('folds START and END away (REPORT stays as the summary) when asked', () => {
    const b = new LogBuffer(100);
    b.add([
      line(1, { stream: 'platform', text: 'START RequestId: req-1 Version: $LATEST' }),
      line(2, { text: 'work' }),
      line(3, { stream: 'platform', text: 'END RequestId: req-1' }),
      line(4, { stream: 'platform', text: 'REPORT RequestId: req-1\tDuration: 1.00 ms' }),
      line(5, { text: 'END RequestId: printed by the function itself' }),
    ]);
    const v = new LogView(b);
    v.setFilter({ functionName: 'orders', foldPlatform: true });
    v.sync();
    expect(ids(b, v)).toEqual([2, 4, 5]);
  });

  it('picks up a function whose first lines arrive after the filter was set', () => {
    const b = new LogBuffer(100);
    const v = new LogView(b);
    v.setFilter({ functionName: 'late' });
    v.sync();
    expect(v.length).toBe(0);
    b.add(range(1, 4, { functionName: 'late' }));
    v.sync();
    expect(v.length).toBe(3);
  });

  it('filters 300,000 lines in under 100 ms (text filter over the whole ring)', () => {
    const b = new LogBuffer(300_000);
    const envs = ['e0', 'e1', 'e2', 'e3'];
    const batch: LogLine[] = [];
    for (let i = 0; i < 300_000; i++) {
      batch.push({ id: i, at: 1_700_000_000_000 + i, functionName: i % 10 === 0 ? 'other' : 'orders', envId: envs[i % 4]!, requestId: `req-${Math.floor(i / 1000)}`, stream: i % 7 === 0 ? 'stderr' : 'stdout', text: i % 5000 === 1 ? `{"level":"INFO","msg":"Needle ${i}"}` : `processing item ${i} of the batch, status=ok elapsed=${i % 97}ms` });
      // Through JSON as the stream delivers them (flat strings, as the window gets them).
      if (batch.length === 5000) b.add(JSON.parse(JSON.stringify(batch.splice(0))) as LogLine[]);
    }
    const v = new LogView(b);
    v.setFilter({ functionName: 'orders' });
    v.sync();
    expect(v.length).toBe(270_000);
    const times: number[] = [];
    for (const text of ['needle', 'status=OK elapsed=42ms', 'no such text anywhere']) {
      v.setFilter({ functionName: 'orders', text });
      const t0 = performance.now();
      v.sync();
      times.push(performance.now() - t0);
    }
    v.setFilter({ functionName: 'orders', text: 'needle' });
    v.sync();
    expect(v.length).toBe(60); // every 5000th
    process.stderr.write(`[logs] 300k-line filter: ${times.map((t) => t.toFixed(1)).join(' / ')} ms\n`);
    for (const t of times) expect(t).toBeLessThan(100);
  });
});
