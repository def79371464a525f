// The telemetry store against real SQLite files: what is written reads back
// (with every filter), survives a close and reopen, retention by age and size
// really deletes and keeps the file under its bound, a 200,000-line flood is
// written without stalling the event loop, the queue bound sheds only log
// lines, hostile strings survive, and the writers stay push-cheap.
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { EnvRecord, EnvStateChange, InvocationDetail, LogLine, TmpChange } from '../../main/contract/telemetry.js';
import { LAMBDA_PRICES } from '../../main/engine/telemetry/pricing.js';
import { MAX_QUEUED_ROWS, TelemetryStore, type TelemetryStoreOptions } from '../../main/engine/telemetry/store.js';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const dirs: string[] = [];
const stores: TelemetryStore[] = [];

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lwb-telemetry-'));
  dirs.push(d);
  return d;
}

function openStore(dir: string, opts: TelemetryStoreOptions = {}): TelemetryStore {
  const s = TelemetryStore.open(dir, opts);
  stores.push(s);
  return s;
}

function closeStore(s: TelemetryStore): void {
  s.close();
  stores.splice(stores.indexOf(s), 1);
}

function invocation(i: number, over: Partial<InvocationDetail> = {}): InvocationDetail {
  const startedAt = T0 + i * 1000 + 0.25;
  return {
    seq: 100 + i, requestId: `req-${i}`, functionName: 'orders', version: '$LATEST', source: 'sync', envId: `env-${i % 2}`,
    cold: i < 2, ...(i < 2 ? { coldCause: i === 0 ? 'first-invoke' : 'scale-out', initMs: 120.5 } : {}),
    startedAt, endedAt: startedAt + 50, queuedMs: 0.4, durationMs: 10 + i, billedMs: 11 + i, memorySizeMb: 128, maxMemoryUsedMb: 40 + i,
    architecture: 'x86_64', status: 'success', payloadBytes: 17, responseBytes: 4, logFrom: i * 10 + 1, logTo: i * 10 + 3,
    spans: [{ name: 'invoke', start: startedAt + 0.4, durationMs: 10 + i }], payloadHead: `{"n":${i}}`, responseHead: '"ok"', ...over,
  };
}

function line(id: number, over: Partial<LogLine> = {}): LogLine {
  return { id, at: T0 + id, functionName: 'orders', envId: `env-${id % 2}`, requestId: `req-${Math.floor(id / 10)}`, stream: 'stdout', text: `line ${id}`, ...over };
}

function env(i: number, over: Partial<EnvRecord> = {}): EnvRecord {
  return {
    envId: `env-${i}`, functionName: 'orders', version: '$LATEST', cause: i === 0 ? 'first-invoke' : 'scale-out', initializationType: 'on-demand',
    createdAt: T0 + i * 1000, state: 'idle', stateSince: T0 + i * 1000 + 200, invocations: 3, lastUsedAt: T0 + i * 1000 + 150,
    memoryPeakMb: 44, memorySizeMb: 128, tmpUsedBytes: 4096, tmpSizeBytes: 512 * 1024 * 1024, network: 'internet', ...over,
  };
}

function state(seq: number, envIdx: number, at: number, from: EnvStateChange['from'], to: EnvStateChange['to']): EnvStateChange {
  return { seq, at, envId: `env-${envIdx}`, functionName: 'orders', version: '$LATEST', from, to, cause: 'invoke' };
}

const tmpChange = (requestId: string, at: number): TmpChange => ({
  requestId, at, added: [{ path: 'seen.txt', type: 'file', size: 3, mtimeMs: at }], modified: [], removed: ['old.txt'],
});

/** A little history of one function: 6 invocations on 2 envs, their lines, states and /tmp changes, and one other function. */
function writeHistory(s: TelemetryStore): void {
  s.upsertEnv(env(0, { state: 'starting' }));
  s.upsertEnv(env(0)); // latest wins
  s.upsertEnv(env(1, { state: 'gone', endReason: 'forced', endedAt: T0 + 9000 }));
  s.upsertEnv(env(5, { functionName: 'billing', envId: 'env-b' }));
  for (let i = 0; i < 6; i++) s.addInvocation(invocation(i));
  s.addInvocation(invocation(9, { functionName: 'billing', envId: 'env-b', requestId: 'req-b', status: 'throttled', cold: false }));
  s.addLines(Array.from({ length: 60 }, (_, k) => line(k + 1)));
  s.addLines([line(61, { functionName: 'billing', envId: 'env-b', requestId: undefined, stream: 'platform', level: 'WARN' })]);
  s.addEnvState(state(1, 0, T0, null, 'starting'));
  s.addEnvState(state(2, 0, T0 + 100, 'starting', 'idle'));
  s.addEnvState(state(3, 1, T0 + 1000, null, 'starting'));
  s.addEnvState({ ...state(4, 0, T0 + 150, 'idle', 'frozen'), functionName: 'billing' });
  s.addTmpChange('env-0', 'orders', tmpChange('req-2', T0 + 2000));
  s.addTmpChange('env-0', 'orders', tmpChange('req-0', T0 + 10));
}

describe('TelemetryStore: writes and reads', () => {
  it('reads back what was written, with every filter, newest or ascending as documented', () => {
    const s = openStore(freshDir());
    writeHistory(s);
    // Reads flush first: nothing waited for the timer.
    const all = s.invocations({ limit: 100 });
    expect(all.items.map((r) => r.requestId)).toEqual(['req-b', 'req-5', 'req-4', 'req-3', 'req-2', 'req-1', 'req-0']);
    expect(all.more).toBe(false);
    const { payloadHead: _p, responseHead: _r, ...record0 } = invocation(0);
    expect(all.items.at(-1)).toEqual(record0);
    expect(all.items.at(-1)).not.toHaveProperty('payloadHead');
    expect(s.invocation('req-0')).toEqual(invocation(0));
    expect(s.invocation('nope')).toBeUndefined();

    expect(s.invocations({ name: 'orders', limit: 2 })).toMatchObject({ items: [{ requestId: 'req-5' }, { requestId: 'req-4' }], more: true });
    expect(s.invocations({ envId: 'env-1', limit: 10 }).items.map((r) => r.requestId)).toEqual(['req-5', 'req-3', 'req-1']);
    expect(s.invocations({ name: 'orders', envId: 'env-0', limit: 10 }).items.map((r) => r.requestId)).toEqual(['req-4', 'req-2', 'req-0']);
    expect(s.invocations({ name: 'orders', since: T0 + 2000, until: T0 + 4000, limit: 10 }).items.map((r) => r.requestId)).toEqual(['req-3', 'req-2']);
    expect(s.invocations({ name: 'nobody', limit: 10 })).toEqual({ items: [], more: false });

    // Upsert by request id: a second record for req-3 replaces the first.
    s.addInvocation(invocation(3, { status: 'error', errorType: 'Runtime.Unhandled', responseHead: '{"errorType":"x"}' }));
    expect(s.invocation('req-3')).toMatchObject({ status: 'error', errorType: 'Runtime.Unhandled', responseHead: '{"errorType":"x"}' });
    expect(s.size().invocations).toBe(7);

    // Logs: ascending ids; the newest `limit` without afterId; pages both ways.
    const newest = s.logs({ name: 'orders', limit: 5 });
    expect(newest.items.map((l) => l.id)).toEqual([56, 57, 58, 59, 60]);
    expect(newest.more).toBe(true);
    expect(newest.items[0]).toEqual(line(56));
    expect(s.logs({ name: 'orders', beforeId: 56, limit: 3 }).items.map((l) => l.id)).toEqual([53, 54, 55]);
    expect(s.logs({ name: 'orders', afterId: 57, limit: 10 })).toMatchObject({ items: [{ id: 58 }, { id: 59 }, { id: 60 }], more: false });
    expect(s.logs({ name: 'orders', afterId: 10, beforeId: 14, limit: 10 }).items.map((l) => l.id)).toEqual([11, 12, 13]);
    expect(s.logs({ name: 'orders', afterId: 0, limit: 2 })).toMatchObject({ items: [{ id: 1 }, { id: 2 }], more: true });
    expect(s.logs({ name: 'orders', requestId: 'req-3', limit: 100 }).items.map((l) => l.id)).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
    expect(s.logs({ name: 'orders', envId: 'env-1', requestId: 'req-3', limit: 100 }).items.map((l) => l.id)).toEqual([31, 33, 35, 37, 39]);
    expect(s.logs({ name: 'orders', envId: 'env-0', limit: 3 }).items.map((l) => l.id)).toEqual([56, 58, 60]);
    expect(s.logs({ name: 'orders', envId: 'env-b', limit: 3 }).items).toEqual([]); // that env is billing's
    expect(s.logs({ name: 'orders', envId: 'never-seen', limit: 3 })).toEqual({ items: [], more: false });
    const platform = s.logs({ name: 'billing', limit: 10 }).items;
    expect(platform).toEqual([line(61, { functionName: 'billing', envId: 'env-b', requestId: undefined, stream: 'platform', level: 'WARN' })]);
    expect(platform[0]).not.toHaveProperty('requestId');

    // Envs: newest created first; gone ones only when asked.
    expect(s.envs({ includeGone: true, limit: 10 }).items.map((e) => e.envId)).toEqual(['env-b', 'env-1', 'env-0']);
    expect(s.envs({ name: 'orders', includeGone: false, limit: 10 }).items).toEqual([env(0)]);
    expect(s.envs({ name: 'orders', includeGone: true, limit: 1 })).toMatchObject({ items: [{ envId: 'env-1', state: 'gone', endReason: 'forced' }], more: true });
    expect(s.env('env-1')).toEqual(env(1, { state: 'gone', endReason: 'forced', endedAt: T0 + 9000 }));
    expect(s.env('env-9')).toBeUndefined();

    // State changes: ascending time, by function, from `since`.
    expect(s.envStates({ limit: 10 }).items.map((c) => c.seq)).toEqual([1, 2, 4, 3]);
    expect(s.envStates({ name: 'orders', limit: 10 }).items.map((c) => c.seq)).toEqual([1, 2, 3]);
    expect(s.envStates({ name: 'orders', since: T0 + 100, limit: 1 })).toEqual({ items: [state(2, 0, T0 + 100, 'starting', 'idle')], more: true });
    expect(s.envStates({ limit: 10 }).items[0]).toEqual(state(1, 0, T0, null, 'starting'));

    expect(s.tmpChanges('env-0')).toEqual([tmpChange('req-0', T0 + 10), tmpChange('req-2', T0 + 2000)]);
    expect(s.tmpChanges('env-9')).toEqual([]);

    expect(s.maxLogId()).toBe(61);
    expect(s.maxSeq()).toBe(109);
    expect(s.size()).toMatchObject({ lines: 61, invocations: 7, envs: 3 });
  });

  it('a read during a flood of queued lines finds them in memory instead of writing them all first', () => {
    const s = openStore(freshDir(), { flushMs: 3_600_000 });
    s.addLines(Array.from({ length: 1000 }, (_, k) => line(k + 1)));
    s.flush(); // 1..1000 stored
    s.addInvocation(invocation(0));
    s.addLines(Array.from({ length: 100_000 }, (_, k) => line(1001 + k)));
    const c0 = mainThreadCpuMs();
    const newest = s.logs({ name: 'orders', limit: 3 });
    const readMs = mainThreadCpuMs() - c0;
    expect(newest).toEqual({ items: [line(100_998), line(100_999), line(101_000)], more: true });
    expect(s.queuedRows()).toBe(100_000); // the invocation was written, the lines were not
    expect(readMs).toBeLessThan(500);
    // Pages cross from stored to queued lines and back, in id order, without gaps.
    expect(s.logs({ name: 'orders', afterId: 998, limit: 4 }).items.map((l) => l.id)).toEqual([999, 1000, 1001, 1002]);
    expect(s.logs({ name: 'orders', beforeId: 1003, limit: 4 }).items.map((l) => l.id)).toEqual([999, 1000, 1001, 1002]);
    expect(s.logs({ name: 'orders', requestId: 'req-100', limit: 20 }).items.map((l) => l.id)).toEqual([1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009]);
    expect(s.logs({ name: 'orders', envId: 'env-1', requestId: 'req-100', afterId: 0, limit: 2 })).toMatchObject({ items: [{ id: 1001 }, { id: 1003 }], more: true });
    expect(s.invocations({ limit: 5 }).items.map((r) => r.requestId)).toEqual(['req-0']);
    s.flush();
    expect(s.logs({ name: 'orders', limit: 3 }).items.map((l) => l.id)).toEqual([100_998, 100_999, 101_000]);
  });

  it('writes by itself after flushMs, without a read', async () => {
    const dir = freshDir();
    const s = openStore(dir, { flushMs: 20 });
    s.addInvocation(invocation(0));
    s.addLines([line(1)]);
    expect(s.queuedRows()).toBe(2);
    await waitFor(() => s.queuedRows() === 0);
    // Another connection sees the rows: they are committed, not just queued.
    const other = new Database(join(dir, 'telemetry.db'), { readonly: true });
    try {
      expect(other.prepare('SELECT count(*) AS n FROM invocations').get()).toEqual({ n: 1 });
      expect(other.prepare('SELECT count(*) AS n FROM logs').get()).toEqual({ n: 1 });
    } finally {
      other.close();
    }
  });

  it('uses its own file with WAL and incremental auto-vacuum', () => {
    const dir = freshDir();
    closeStore(openStore(dir));
    const db = new Database(join(dir, 'telemetry.db'));
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
      expect(db.pragma('user_version', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
    expect(readdirSync(dir)).not.toContain('workbench.db');
  });

  it('metrics from stored invocations and env lifetimes match hand-computed values', () => {
    const s = openStore(freshDir());
    writeHistory(s);
    // Buckets of 2 s from T0: [req-0 req-1] [req-2 req-3] [req-4 req-5].
    const m = s.metrics({ name: 'orders', from: T0, to: T0 + 6000, bucketMs: 2000 });
    expect(m.buckets.map((b) => b.invocations)).toEqual([2, 2, 2]);
    // Both cold (10 ms and 11 ms): p50 = 1st = 10, p99 = 2nd = 11; no warm ones.
    expect(m.buckets[0]).toMatchObject({ p50: 10, p99: 11, coldStarts: 2, coldByCause: { 'first-invoke': 1, 'scale-out': 1 }, maxMemoryMb: 41, billedMs: 23 });
    expect(m.buckets[0]!.warmP50).toBeUndefined();
    expect(m.buckets[1]).toMatchObject({ p50: 12, p90: 13, warmP50: 12, warmP99: 13, coldStarts: 0, billedMs: 27 });
    // env-0 lives on (idle), env-1 from T0+1000 until T0+9000: 2 at once from the second second.
    expect(m.buckets.map((b) => b.concurrentEnvs)).toEqual([2, 2, 2]);
    const billed = 11 + 12 + 13 + 14 + 15 + 16;
    expect(m.totals).toMatchObject({ invocations: 6, errors: 0, throttles: 0, coldStarts: 2, billedMs: billed, maxMemoryMb: 45 });
    expect(m.totals.costUsd).toBeCloseTo(6 * 0.0000002 + (billed / 1000) * (128 / 1024) * 0.0000166667, 15);
    expect(m.pricing).toEqual(LAMBDA_PRICES);
    // billing's only request was throttled.
    expect(s.metrics({ name: 'billing', from: T0, to: T0 + 20_000, bucketMs: 10_000 }).totals).toMatchObject({ invocations: 0, throttles: 1, costUsd: 0 });
    expect(() => s.metrics({ name: 'orders', from: T0, to: T0 + 10_000_000, bucketMs: 1 })).toThrow(expect.objectContaining({ code: 'InvalidParameters' }));
  });
});

describe('TelemetryStore: restarts', () => {
  it('history, logs, envs and metrics are the same after close and reopen; live envs end as workbench-restart', () => {
    const dir = freshDir();
    const a = openStore(dir);
    writeHistory(a);
    a.addEnvState(state(5, 0, T0 + 7000, 'idle', 'frozen')); // env-0's last state change
    const read = (s: TelemetryStore) => ({
      invocations: s.invocations({ limit: 100 }),
      details: ['req-0', 'req-3', 'req-b'].map((id) => s.invocation(id)),
      logs: s.logs({ name: 'orders', afterId: 0, limit: 1000 }),
      billingLogs: s.logs({ name: 'billing', limit: 10 }),
      tmp: s.tmpChanges('env-0'),
      metrics: s.metrics({ name: 'orders', from: T0, to: T0 + 6000, bucketMs: 1000 }),
      goneEnv: s.envs({ name: 'orders', includeGone: true, limit: 10 }).items.find((e) => e.envId === 'env-1'),
      maxLogId: s.maxLogId(),
    });
    const before = read(a);
    closeStore(a);

    const b = openStore(dir);
    const after = read(b);
    expect(after).toEqual(before);
    // env-0 and env-b were alive when the workbench stopped: now gone, at their last state's time.
    const env0 = b.envs({ name: 'orders', includeGone: true, limit: 10 }).items.find((e) => e.envId === 'env-0');
    expect(env0).toEqual({ ...env(0), state: 'gone', stateSince: T0 + 7000, endReason: 'workbench-restart', endedAt: T0 + 7000 });
    expect(b.envs({ includeGone: false, limit: 10 }).items).toEqual([]);
    // Each gets a closing state change, sequenced after everything before.
    const closing = b.envStates({ limit: 100 }).items.filter((c) => c.to === 'gone');
    expect(closing.map((c) => [c.envId, c.from, c.cause]).sort()).toEqual([['env-0', 'frozen', 'workbench-restart'], ['env-b', 'idle', 'workbench-restart']]);
    expect(Math.min(...closing.map((c) => c.seq))).toBeGreaterThan(109);
    expect(b.maxSeq()).toBe(Math.max(...closing.map((c) => c.seq)));
    closeStore(b);

    // A third open has nothing left to end.
    const c = openStore(dir);
    expect(c.envStates({ limit: 100 }).items.filter((x) => x.to === 'gone')).toHaveLength(2);
  });

  it('a damaged file is set aside and the store starts empty', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'telemetry.db'), Buffer.alloc(8192, 0x5a));
    const s = openStore(dir);
    expect(s.size()).toMatchObject({ lines: 0, invocations: 0 });
    s.addLines([line(1)]);
    expect(s.logs({ name: 'orders', limit: 1 }).items).toHaveLength(1);
    expect(readdirSync(dir).some((f) => /^telemetry\.db\.corrupt-\d+$/.test(f))).toBe(true);
  });
});

describe('TelemetryStore: retention', () => {
  it('by age deletes old lines, invocations, states, /tmp changes and gone envs, keeps live envs and recent rows', () => {
    let now = T0;
    const dir = freshDir();
    const s = openStore(dir, { now: () => now, retention: { maxAgeMs: 3600_000 } });
    writeHistory(s); // all at T0 .. T0+10 s
    // An hour and a half later: a second burst.
    const later = T0 + 90 * 60_000;
    s.addInvocation(invocation(50, { startedAt: later, endedAt: later + 5, requestId: 'req-late' }));
    s.addLines([line(1000, { at: later }), line(1001, { at: later + 1 })]);
    s.addEnvState(state(200, 0, later, 'frozen', 'idle'));
    s.addTmpChange('env-0', 'orders', tmpChange('req-late', later));
    s.upsertEnv(env(7, { envId: 'env-old-gone', state: 'gone', endedAt: T0 + 500 }));
    expect(s.enforceRetention()).toEqual({ deletedRows: 0 }); // nothing is an hour old yet

    now = later + 30 * 60_000; // T0-era rows are 2 h old, the burst 30 min
    const { deletedRows } = s.enforceRetention();
    expect(s.invocations({ limit: 100 }).items.map((r) => r.requestId)).toEqual(['req-late']);
    expect(s.logs({ name: 'orders', afterId: 0, limit: 100 }).items.map((l) => l.id)).toEqual([1000, 1001]);
    expect(s.logs({ name: 'billing', limit: 100 }).items).toEqual([]);
    expect(s.envStates({ limit: 100 }).items.map((c) => c.seq)).toEqual([200]);
    expect(s.tmpChanges('env-0').map((c) => c.requestId)).toEqual(['req-late']);
    // Gone envs that ended over an hour ago go; live ones stay however old.
    expect(s.envs({ includeGone: true, limit: 100 }).items.map((e) => e.envId).sort()).toEqual(['env-0', 'env-b']);
    expect(deletedRows).toBe(7 + 61 + 4 + 2 + 2);
    expect(s.size()).toMatchObject({ lines: 2, invocations: 1 });
    // Continuity survives deleting the highest rows of the past.
    expect(s.maxLogId()).toBe(1001);
  });

  it('by size deletes the oldest history until telemetry.db and its WAL fit, and the file shrinks', () => {
    const dir = freshDir();
    const maxBytes = 1024 * 1024;
    const s = openStore(dir, { retention: { maxBytes } });
    const text = 'x'.repeat(180);
    for (let i = 0; i < 40; i++) s.addInvocation(invocation(i));
    s.addLines(Array.from({ length: 40_000 }, (_, k) => line(k + 1, { text: `${k} ${text}` })));
    s.flush();
    const big = s.size().bytes;
    expect(big).toBeGreaterThan(8 * maxBytes);

    const { deletedRows } = s.enforceRetention();
    const after = s.size();
    expect(after.bytes).toBeLessThanOrEqual(maxBytes);
    let onDisk = statSync(join(dir, 'telemetry.db')).size;
    try {
      onDisk += statSync(join(dir, 'telemetry.db-wal')).size;
    } catch {
      // no WAL
    }
    expect(onDisk).toBe(after.bytes);
    expect(deletedRows).toBe(40_000 - after.lines + 40 - after.invocations);
    expect(after.lines).toBeGreaterThan(1000);
    // What is left is the newest: the oldest went first.
    const kept = s.logs({ name: 'orders', afterId: 0, limit: 1 }).items[0]!.id;
    expect(kept).toBe(40_000 - after.lines + 1);
    expect(s.logs({ name: 'orders', limit: 1 }).items[0]!.id).toBe(40_000);
    expect(s.invocations({ limit: 1 }).items[0]!.requestId).toBe('req-39');
  });

  it('runs on its own timer, a few milliseconds per turn', async () => {
    let now = T0;
    const s = openStore(freshDir(), { now: () => now, retention: { maxAgeMs: 1000 }, retentionEveryMs: 30 });
    s.addLines(Array.from({ length: 5000 }, (_, k) => line(k + 1)));
    s.flush();
    now = T0 + 3_600_000;
    await waitFor(() => s.size().lines === 0);
  });
});

describe('TelemetryStore: load', () => {
  it('flushes 200,000 lines in chunks without a stall over 50 ms; adding them only queues', async () => {
    const s = openStore(freshDir(), { flushMs: 5 });
    // Warm the writer (statements prepared, code compiled), as a running engine's would be.
    s.addLines(Array.from({ length: 2000 }, (_, k) => line(1_000_000 + k)));
    s.flush();
    const lines = Array.from({ length: 200_000 }, (_, k) =>
      line(k + 1, { envId: `env-${k % 8}-4f1c2a9e8b7d6c5f`, requestId: `5f0c2a1e-${Math.floor(k / 20)}-4b3c-9d8e-7f6a5b4c3d2e`, text: `[INFO] handled item ${k} of the batch in 0.42 ms` }),
    );
    const t0 = performance.now();
    const c0 = mainThreadCpuMs();
    s.addLines(lines);
    const addMs = performance.now() - t0;
    const addCpuMs = mainThreadCpuMs() - c0;
    expect(s.queuedRows()).toBe(200_000);

    // A ticker between the store's chunks: each gap between two ticks is one chunk (plus whatever
    // else ran). Wall time includes the time the OS gave other processes on a busy machine; the
    // main thread's own CPU time is what the chunk cost the loop, so the bound is checked on that
    // (GC pauses on the main thread included), and wall time is reported beside it.
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const gcs: { start: number; end: number }[] = [];
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration });
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    const turns: { start: number; end: number }[] = [];
    const wall: number[] = [];
    const cpu: number[] = [];
    let last = performance.now();
    let lastCpu = mainThreadCpuMs();
    const started = last;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const t = performance.now();
        const c = mainThreadCpuMs();
        wall.push(t - last);
        turns.push({ start: last, end: t });
        cpu.push(c - lastCpu);
        last = t;
        lastCpu = c;
        if (s.queuedRows() === 0) resolve();
        else setImmediate(tick);
      };
      setImmediate(tick);
    });
    delay.disable();
    const drainMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 50)); // gc entries arrive asynchronously
    gcObserver.disconnect();
    const gcIn = (turn: { start: number; end: number }) => gcs.reduce((sum, g) => sum + Math.max(0, Math.min(g.end, turn.end) - Math.max(g.start, turn.start)), 0);
    const worstTurns = cpu.map((c, i) => ({ cpu: c, wall: wall[i]!, gc: gcIn(turns[i]!) })).sort((a, b) => b.cpu - a.cpu).slice(0, 3);
    console.log('worst turns by cpu (ms):', worstTurns.map((t) => `cpu ${t.cpu.toFixed(1)} wall ${t.wall.toFixed(1)} gc ${t.gc.toFixed(1)}`).join('; '));
    const stats = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return { p50: sorted[Math.floor(sorted.length / 2)]!, p99: sorted[Math.floor(sorted.length * 0.99)]!, max: sorted.at(-1)! };
    };
    const w = stats(wall);
    const c = stats(cpu);
    console.log(
      `200,000 lines: addLines ${addMs.toFixed(1)} ms (cpu ${addCpuMs.toFixed(1)}); drained in ${drainMs.toFixed(0)} ms over ${wall.length} turns; ` +
        `per turn wall p50 ${w.p50.toFixed(1)} / p99 ${w.p99.toFixed(1)} / max ${w.max.toFixed(1)} ms, cpu p50 ${c.p50.toFixed(1)} / p99 ${c.p99.toFixed(1)} / max ${c.max.toFixed(1)} ms; ` +
        `event-loop delay max ${(delay.max / 1e6).toFixed(1)} ms; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
    );
    expect(c.max).toBeLessThan(50);
    expect(w.p50).toBeLessThan(50);
    expect(addCpuMs).toBeLessThan(200);
    expect(s.size().lines).toBe(202_000);
    expect(s.logs({ name: 'orders', beforeId: 1_000_000, limit: 1 }).items[0]).toEqual(lines.at(-1));
  }, 120_000);

  it('past the queue bound drops the oldest queued lines, never invocations or envs, and counts them', () => {
    const s = openStore(freshDir(), { flushMs: 60_000 });
    for (let i = 0; i < 10; i++) s.addInvocation(invocation(i));
    s.upsertEnv(env(0));
    const extra = 100_000;
    const total = MAX_QUEUED_ROWS + extra;
    for (let start = 1; start <= total; start += 50_000) s.addLines(Array.from({ length: 50_000 }, (_, k) => line(start + k)));
    for (let i = 10; i < 20; i++) s.addInvocation(invocation(i)); // at the bound: each one sheds a line
    expect(s.queuedRows()).toBe(MAX_QUEUED_ROWS);
    const dropped = extra + 11 + 10;
    expect(s.droppedLines()).toBe(dropped);
    s.flush();
    expect(s.size()).toMatchObject({ invocations: 20, envs: 1, lines: total - dropped });
    expect(s.logs({ name: 'orders', afterId: 0, limit: 1 }).items[0]!.id).toBe(dropped + 1);
    expect(s.logs({ name: 'orders', limit: 1 }).items[0]!.id).toBe(total);
  }, 120_000);

  it('addInvocation only pushes: 1,000,000 calls cost about what pushing to a plain array does', () => {
    // flushMs beyond the test: the queue is never written (this store is left unclosed on purpose).
    const s = TelemetryStore.open(freshDir(), { flushMs: 3_600_000 });
    const rec = invocation(1);
    const perCall = (f: () => void, n: number) => {
      const c0 = process.cpuUsage();
      f();
      const c = process.cpuUsage(c0);
      return ((c.user + c.system) * 1e3) / n;
    };
    const store: number[] = [];
    const plain: number[] = [];
    for (let round = 0; round < 5; round++) {
      // The same growth from empty for both: a fresh array, and the store's queue growing by 200,000.
      plain.push(perCall(() => {
        const a: InvocationDetail[] = [];
        for (let i = 0; i < 200_000; i++) a.push(rec);
      }, 200_000));
      store.push(perCall(() => {
        for (let i = 0; i < 200_000; i++) s.addInvocation(rec);
      }, 200_000));
    }
    expect(s.queuedRows()).toBe(1_000_000);
    const best = (xs: number[]) => Math.min(...xs);
    console.log(`1,000,000 addInvocation calls: cpu ns per call by round ${store.map((x) => x.toFixed(0)).join(' ')} (best ${best(store).toFixed(1)}); plain array push ${plain.map((x) => x.toFixed(0)).join(' ')} (best ${best(plain).toFixed(1)})`);
    // Serialising a record (JSON.stringify) alone costs over 1 µs: a writer doing real work fails this.
    expect(best(store)).toBeLessThan(3 * best(plain) + 100);
  });
});

describe('TelemetryStore: hostile strings', () => {
  it('stores NUL, a 1 MB line, lone surrogates and emoji, and reads them back without crashing', () => {
    const dir = freshDir();
    const s = openStore(dir);
    const nul = 'before\u0000after\u0000';
    const huge = 'y'.repeat(1024 * 1024 - 1) + '\u00e9';
    const lone = 'a\ud800b\udfffc';
    const emoji = 'ok \u{1f680} \u202e reversed';
    s.addLines([line(1, { text: nul }), line(2, { text: huge }), line(3, { text: lone }), line(4, { text: emoji, level: '\u0000' }), line(5, { functionName: 'f\u0000n', envId: 'e\ud800', text: '' })]);
    s.addInvocation(invocation(1, { payloadHead: nul + lone, responseHead: huge, errorType: emoji, spans: [] }));
    s.upsertEnv(env(0, { cause: lone, state: 'gone', endReason: nul, endedAt: T0 }));
    s.addTmpChange('env-0', 'orders', { ...tmpChange('req-1', T0), removed: [lone, nul] });

    const check = (store: TelemetryStore) => {
      const got = store.logs({ name: 'orders', afterId: 0, limit: 10 }).items;
      expect(got.map((l) => l.id)).toEqual([1, 2, 3, 4]);
      expect(got[0]!.text).toBe(nul);
      expect(got[1]!.text).toBe(huge);
      // SQLite keeps UTF-8: an unpaired surrogate cannot be encoded and reads back as U+FFFD, the rest intact.
      expect(got[2]!.text.replace(/\ufffd+/g, '?')).toBe('a?b?c');
      expect(got[3]).toMatchObject({ text: emoji, level: '\u0000' });
      expect(store.logs({ name: 'f\u0000n', limit: 10 }).items).toMatchObject([{ id: 5, text: '' }]);
      const detail = store.invocation('req-1')!;
      expect(detail.payloadHead.startsWith(nul + 'a')).toBe(true);
      expect(detail.responseHead).toBe(huge);
      expect(detail.errorType).toBe(emoji);
      // JSON columns escape lone surrogates, so those come back exactly.
      expect(store.envs({ includeGone: true, limit: 1 }).items[0]).toMatchObject({ cause: lone, endReason: nul });
      expect(store.tmpChanges('env-0')[0]!.removed).toEqual([lone, nul]);
    };
    s.flush(); // read back from SQLite, not from the queue
    check(s);
    closeStore(s);
    check(openStore(dir));
  });
});

/**
 * CPU time of this thread (the event loop's) in ms: Linux's schedstat counts it in ns, apart from
 * the time spent waiting for a CPU; elsewhere the process's CPU time (all threads) stands in.
 */
function mainThreadCpuMs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  }
}

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
