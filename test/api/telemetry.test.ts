// Telemetry the window can trust (issue 11, item 1), over a real engine and
// real Docker: log lines arrive one by one as they are printed (attributed to
// their invocation, levelled, stdout/stderr/platform), every invocation has a
// record with its spans, envs have records and state changes, metrics count
// them, the bus numbers every event and resumes (or says what was missed), the
// window's kill / pre-warm act on envs, and all of it survives a restart.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractError, Method, ParamsOf, ResultOf, StreamFrame, TelemetryEvent } from '../../main/contract/index.js';
import { createHandlers } from '../../main/app/handlers.js';
import { createStreams } from '../../main/app/streams.js';
import { dispatch } from '../../main/app/dispatch.js';
import { Engine } from '../../main/engine/engine.js';
import { tempDataDir } from '../helpers/server.js';
import { waitFor } from '../helpers/workbench.js';

const ctx = { apiEndpoint: () => 'http://127.0.0.1:9', functionUrlEndpoint: () => 'http://127.0.0.1:10', authMode: () => 'default' as const };

interface Opened {
  engine: Engine;
  call<M extends Method>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  fail(method: Method, params: unknown): Promise<ContractError>;
  frames: StreamFrame<'telemetry'>[];
  streams: ReturnType<typeof createStreams>;
  close(): Promise<void>;
}

async function open(dataDir: string): Promise<Opened> {
  const engine = await Engine.open({ dataDir, freezeAfterMs: 50 });
  const handlers = createHandlers(engine, ctx);
  const streams = createStreams(engine, ctx);
  const frames: StreamFrame<'telemetry'>[] = [];
  streams.onTelemetryBatch!((batch) => frames.push(...batch));
  return {
    engine,
    frames,
    streams,
    async call(method, params) {
      const r = await dispatch(handlers, method, params);
      if (!r.ok) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`);
      return r.value as never;
    },
    async fail(method, params) {
      const r = await dispatch(handlers, method, params);
      if (r.ok) throw new Error(`${method} succeeded, a failure was expected`);
      return r.error;
    },
    async close() {
      streams.close();
      await engine.close();
    },
  };
}

const HANDLER = `
import { writeFileSync, symlinkSync } from 'node:fs';
let n = 0;
export const handler = async (event) => {
  n += 1;
  writeFileSync('/tmp/seen.txt', 'x'.repeat(n * 10));
  if (n === 1) symlinkSync('/etc/shadow', '/tmp/shadow-link');
  console.log('hello from invocation', n);
  console.error('console.error', n);
  process.stderr.write('raw stderr ' + n + '\\n');
  process.stdout.write(JSON.stringify({ level: 'warn', message: 'structured', n }) + '\\n');
  process.stdout.write('half a line ');
  await new Promise((r) => setTimeout(r, 5));
  process.stdout.write('and the rest\\n');
  return { n };
};
`;

const dataDir = tempDataDir('lwb-telemetry-');
let w: Opened;
const events = (type: TelemetryEvent['type']) => w.frames.filter((f) => f.data.type === type).map((f) => f.data);

beforeAll(async () => {
  w = await open(dataDir);
  await w.call('functions.create', { name: 'tele', template: 'nodejs-esm' });
  await w.call('code.save', { name: 'tele', ops: [{ op: 'write', path: 'index.mjs', content: HANDLER }] });
}, 120_000);
afterAll(async () => {
  await w?.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('telemetry: records, lines, spans, metrics', () => {
  let first: string;
  let second: string;

  it('two invocations: each has a record with its spans; the first is cold, the second warm in the same env', async () => {
    const a = await w.call('invoke.run', { name: 'tele', payload: '{"a":1}' });
    const b = await w.call('invoke.run', { name: 'tele', payload: '{"a":2}' });
    first = a.requestId;
    second = b.requestId;
    const page = await w.call('telemetry.invocations', { name: 'tele' });
    expect(page.items.map((r) => r.requestId)).toEqual([second, first]); // newest first
    const [rb, ra] = page.items;
    expect(ra).toMatchObject({ functionName: 'tele', version: '$LATEST', source: 'ui', cold: true, coldCause: 'first-invoke', status: 'success', envId: a.envId, memorySizeMb: 128, architecture: 'x86_64' });
    expect(rb).toMatchObject({ cold: false, envId: a.envId, status: 'success' });
    expect(ra!.spans.map((s) => s.name)).toEqual(expect.arrayContaining(['init', 'invoke', 'postResponse']));
    expect(rb!.spans.map((s) => s.name)).not.toContain('init');
    // Spans are in wall-clock time, in order, inside the invocation's own interval.
    const init = ra!.spans.find((s) => s.name === 'init')!;
    const inv = ra!.spans.find((s) => s.name === 'invoke')!;
    expect(init.start + init.durationMs).toBeLessThanOrEqual(inv.start + 0.01);
    expect(inv.start).toBeGreaterThanOrEqual(ra!.startedAt - 0.01);
    expect(inv.start + inv.durationMs).toBeLessThanOrEqual(ra!.endedAt + 0.01);
    expect(inv.durationMs).toBeGreaterThanOrEqual(5);
    expect(Math.abs(ra!.durationMs - inv.durationMs)).toBeLessThan(1);
    expect(ra!.initMs).toBeGreaterThan(0);
    // The detail keeps heads of payload and response.
    const detail = await w.call('telemetry.invocation', { requestId: first });
    expect(detail.payloadHead).toBe('{"a":1}');
    expect(JSON.parse(detail.responseHead)).toEqual({ n: 1 });
  });

  it('log lines are recorded one by one, attributed to their invocation, with stream and level; START…REPORT per invocation', async () => {
    const page = await w.call('telemetry.logs', { name: 'tele' });
    const of = (id: string) => page.items.filter((l) => l.requestId === id);
    for (const [id, n] of [[first, 1], [second, 2]] as const) {
      const lines = of(id);
      const texts = lines.map((l) => l.text);
      expect(texts.find((t) => t.startsWith('START RequestId: ' + id))).toBeTruthy();
      expect(texts.find((t) => t.startsWith('END RequestId: ' + id))).toBeTruthy();
      expect(texts.find((t) => t.startsWith('REPORT RequestId: ' + id))).toBeTruthy();
      const hello = lines.find((l) => l.text.includes(`hello from invocation ${n}`))!;
      expect(hello).toMatchObject({ stream: 'stdout', level: 'INFO', envId: lines[0]!.envId });
      // Lambda's Node.js runtime writes console.* to stdout with the level in its prefix; stderr is stderr.
      expect(lines.find((l) => l.text.includes(`console.error ${n}`))).toMatchObject({ stream: 'stdout', level: 'ERROR' });
      expect(lines.find((l) => l.text === `raw stderr ${n}`)).toMatchObject({ stream: 'stderr' });
      expect(lines.find((l) => l.text.includes('"structured"'))!.level).toBe('WARN');
      // A line written in two pieces is one line.
      expect(texts.filter((t) => t.includes('half a line and the rest'))).toHaveLength(1);
      // Platform lines are platform's; START comes before the function's output, REPORT last.
      expect(lines[0]!.stream).toBe('platform');
      expect(lines.at(-1)!.text).toMatch(/^REPORT RequestId/);
      // The record's range covers exactly its lines.
      const rec = (await w.call('telemetry.invocations', { name: 'tele' })).items.find((r) => r.requestId === id)!;
      expect(rec.logFrom).toBe(lines[0]!.id);
      expect(rec.logTo).toBe(lines.at(-1)!.id);
    }
    // Ids increase in the order lines happened.
    const ids = page.items.map((l) => l.id);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
  });

  it('the env has a record (2 invocations, memory peak, cause) and state changes through frozen', async () => {
    await waitFor('the env to freeze', async () => (await w.call('telemetry.envs', { name: 'tele' })).items[0]?.state === 'frozen');
    const env = (await w.call('telemetry.envs', { name: 'tele' })).items[0]!;
    expect(env).toMatchObject({ functionName: 'tele', cause: 'first-invoke', invocations: 2, memorySizeMb: 128, state: 'frozen' });
    expect(env.memoryPeakMb).toBeGreaterThan(10);
    const states = (await w.call('telemetry.envStates', { name: 'tele' })).items.filter((c) => c.envId === env.envId).map((c) => c.to);
    expect(states.slice(0, 3)).toEqual(['starting', 'initializing', 'invoking']);
    expect(states).toContain('frozen');
    // Idle → invoking → idle, what every warm invoke does, is no event of its own (its record says when it ran).
    expect(states.filter((s) => s === 'invoking').length).toBeGreaterThanOrEqual(1);
  });

  it('/tmp: the env\'s listing (a link shown as a link), what each invocation changed, a file read from the env\'s own disk', async () => {
    const env = (await w.call('telemetry.envs', { name: 'tele' })).items[0]!;
    const view = await w.call('envs.tmp', { envId: env.envId });
    expect(view).toMatchObject({ available: true, requestId: second, truncated: false });
    const by = Object.fromEntries(view.entries.map((e) => [e.path, e]));
    expect(by['seen.txt']).toMatchObject({ type: 'file', size: 20 });
    expect(by['shadow-link']).toMatchObject({ type: 'link', target: '/etc/shadow' });
    expect(view.usedBytes).toBeGreaterThan(0);
    expect(view.sizeBytes).toBeGreaterThan(400 * 1024 * 1024);
    const changes = await w.call('envs.tmpChanges', { envId: env.envId });
    expect(changes.map((c) => c.requestId)).toEqual([first, second]);
    expect(changes[0]!.added.map((e) => e.path).sort()).toEqual(['seen.txt', 'shadow-link']);
    expect(changes[1]!.modified.map((e) => e.path)).toEqual(['seen.txt']);
    expect(changes[1]!.added).toEqual([]);
    const file = await w.call('envs.tmpRead', { envId: env.envId, path: 'seen.txt' });
    expect(Buffer.from(file.base64, 'base64').toString()).toBe('x'.repeat(20));
    expect((await w.fail('envs.tmpRead', { envId: env.envId, path: 'shadow-link' })).code).toBe('TmpNotAFile');
    expect((await w.fail('envs.tmpRead', { envId: env.envId, path: '../etc/passwd' })).code).toBe('InvalidParameters');
    // The env record follows /tmp's use; a live tmp event carried each change.
    expect(env.tmpUsedBytes).toBeGreaterThan(0);
    expect(events('tmp').length).toBeGreaterThanOrEqual(2);
  });

  it('metrics: 2 invocations, one cold start (50%), cost at the public price', async () => {
    const to = Date.now() + 1000;
    const m = await w.call('telemetry.metrics', { name: 'tele', from: to - 600_000, to, bucketMs: 60_000 });
    expect(m.totals.invocations).toBe(2);
    expect(m.totals.coldStarts).toBe(1);
    expect(m.totals.errors).toBe(0);
    expect(m.totals.coldByCause).toEqual({ 'first-invoke': 1 });
    expect(m.totals.costUsd).toBeGreaterThan(0);
    expect(m.pricing.perRequestUsd).toBeGreaterThan(0);
  });

  it('the bus: every event numbered in order; lines reach subscribers before their invocation record', async () => {
    const seqs = w.frames.map((f) => f.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);
    const recIndex = w.frames.findIndex((f) => f.data.type === 'invocation' && f.data.record.requestId === second);
    const reportIndex = w.frames.findIndex((f) => f.data.type === 'logs' && f.data.lines.some((l) => l.text.startsWith(`REPORT RequestId: ${second}`)));
    expect(reportIndex).toBeGreaterThanOrEqual(0);
    expect(recIndex).toBeGreaterThan(reportIndex);
    const platform = events('platform').map((e) => (e.type === 'platform' ? e.event.type : ''));
    expect(platform).toEqual(expect.arrayContaining(['platform.initStart', 'platform.initRuntimeDone', 'platform.initReport', 'platform.start', 'platform.runtimeDone', 'platform.report']));
    // Resume: a subscriber that saw up to seq s gets exactly what came after; one too far behind gets a gap first.
    const mid = w.frames[Math.floor(w.frames.length / 2)]!.seq;
    const resumed = w.streams.telemetrySince!(mid);
    expect(resumed[0]!.seq).toBe(mid + 1);
    expect(resumed.at(-1)!.seq).toBe(w.engine.bus.lastSeq);
    const old = w.streams.telemetrySince!(1);
    expect(old[0]!.data).toMatchObject({ type: 'gap', fromSeq: 2, reason: 'resume-too-old' });
  });

  it('kill an env from the window: the next invoke is cold with the cause "forced"', async () => {
    const env = (await w.call('telemetry.envs', { name: 'tele', includeGone: false })).items[0]!;
    await w.call('envs.kill', { envId: env.envId });
    await waitFor('the env to be gone', async () => (await w.call('telemetry.envs', { name: 'tele' })).items.find((e) => e.envId === env.envId)?.state === 'gone');
    const gone = (await w.call('telemetry.envs', { name: 'tele' })).items.find((e) => e.envId === env.envId)!;
    expect(gone.endReason).toBe('forced');
    const next = await w.call('invoke.run', { name: 'tele', payload: '{}' });
    expect(next.cold).toBe(true);
    expect(next.coldCause).toBe('forced');
    expect((await w.fail('envs.kill', { envId: env.envId })).code).toBe('ResourceNotFoundException');
  });

  it('pre-warm 2: two envs run INIT with no invocation and wait idle; the next invoke is warm', async () => {
    const before = (await w.call('telemetry.envs', { name: 'tele', includeGone: false })).items.length;
    const { started } = await w.call('envs.prewarm', { name: 'tele', count: 2 });
    expect(started).toBe(2);
    const live = (await w.call('telemetry.envs', { name: 'tele', includeGone: false })).items;
    expect(live.filter((e) => e.cause === 'prewarm')).toHaveLength(2);
    expect(live.length).toBe(before + 2);
    const r = await w.call('invoke.run', { name: 'tele', payload: '{}' });
    expect(r.cold, `cold: ${r.coldCause}, env ${r.envId}, live: ${JSON.stringify(live.map((e) => [e.envId, e.cause, e.state]))}`).toBe(false);
  });

  it('kill all: every env of the function goes; the next invoke is cold "forced"', async () => {
    const { killed } = await w.call('envs.killAll', { name: 'tele' });
    expect(killed).toBeGreaterThanOrEqual(3);
    await waitFor('all gone', async () => (await w.call('telemetry.envs', { name: 'tele', includeGone: false })).items.length === 0);
    const r = await w.call('invoke.run', { name: 'tele', payload: '{}' });
    expect([r.cold, r.coldCause]).toEqual([true, 'forced']);
  });

  it('a throttled invocation is recorded and counted', async () => {
    w.engine.setReservedConcurrency('tele', 0);
    const err = await w.fail('invoke.run', { name: 'tele', payload: '{}' });
    expect(err.code).toBe('TooManyRequestsException');
    w.engine.functions.setReservedConcurrency('tele', undefined);
    const recs = (await w.call('telemetry.invocations', { name: 'tele' })).items;
    expect(recs[0]).toMatchObject({ status: 'throttled', errorType: 'TooManyRequestsException' });
    const to = Date.now() + 1000;
    expect((await w.call('telemetry.metrics', { name: 'tele', from: to - 600_000, to, bucketMs: 60_000 })).totals.throttles).toBe(1);
  });

  it('survives a restart: invocations, lines, envs (ended) and metrics are all still there; sequences keep increasing', async () => {
    const before = {
      invocations: (await w.call('telemetry.invocations', { name: 'tele' })).items,
      logs: (await w.call('telemetry.logs', { name: 'tele' })).items,
      envs: (await w.call('telemetry.envs', { name: 'tele' })).items.map((e) => e.envId),
    };
    const lastSeq = w.engine.bus.lastSeq;
    await w.close();
    w = await open(dataDir);
    const after = await w.call('telemetry.invocations', { name: 'tele' });
    expect(after.items).toEqual(before.invocations);
    const logs = (await w.call('telemetry.logs', { name: 'tele' })).items;
    expect(logs.map((l) => l.id)).toEqual(before.logs.map((l) => l.id));
    const envs = (await w.call('telemetry.envs', { name: 'tele' })).items;
    expect(envs.map((e) => e.envId)).toEqual(before.envs);
    for (const e of envs) expect(e.state).toBe('gone');
    expect(after.seq).toBeGreaterThan(lastSeq);
    // New lines continue the ids.
    const r = await w.call('invoke.run', { name: 'tele', payload: '{}' });
    const lines = (await w.call('telemetry.logs', { name: 'tele', requestId: r.requestId })).items;
    expect(lines[0]!.id).toBeGreaterThan(before.logs.at(-1)!.id);
  });
});
