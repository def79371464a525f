// The window's contract over a real engine: functions made from each runtime
// template run and answer; invoke.run reports what the result card shows (cold
// and its cause, the env, REPORT's figures, the error's parts, the invocation's
// own log lines); the functions stream sees changes made through the REST
// API's path; bad parameters never reach a handler.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvocationResult, RuntimeTemplateId } from '../../main/contract/index.js';
import { makeZip } from '../helpers/zip.js';
import { openWindow, type Window } from './window-contract-harness.js';

let w: Window;
beforeAll(async () => {
  w = await openWindow();
});
afterAll(async () => {
  await w?.close();
});

const json = (r: InvocationResult) => JSON.parse(r.response ?? 'null');

describe('window contract: functions and invocations', () => {
  it('creates a function from each of the five templates and each one answers', async () => {
    const templates = await w.call('functions.templates', {});
    expect(templates.map((t) => t.id)).toEqual(['nodejs-esm', 'nodejs-cjs', 'typescript', 'python', 'provided-bash']);
    for (const t of templates) expect(t.runtimes[0]).toBe(t.runtime);
    const runs = await Promise.all(
      templates.map(async (t) => {
        const created = await w.call('functions.create', { name: `tpl-${t.id}`, template: t.id });
        expect(created).toMatchObject({ name: `tpl-${t.id}`, runtime: t.runtime, handler: t.handler, template: t.id, state: 'Active' });
        return [t.id, await w.call('invoke.run', { name: `tpl-${t.id}`, payload: '{"hello":"window"}' })] as const;
      }),
    );
    const by = Object.fromEntries(runs) as Record<RuntimeTemplateId, InvocationResult>;
    for (const [id, r] of runs) {
      expect(r.functionError, `${id}: ${r.response}`).toBeUndefined();
      expect(r.statusCode).toBe(200);
    }
    for (const id of ['nodejs-esm', 'nodejs-cjs', 'python'] as const) {
      expect(json(by[id])).toMatchObject({ message: 'Hello from Lambda!', invocations: 1, requestId: by[id].requestId });
      expect(json(by[id]).remainingMs).toBeGreaterThan(1000);
    }
    // The TypeScript function was built by esbuild on create: it runs the bundle.
    expect(json(by.typescript)).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(json(by.typescript).body)).toMatchObject({ message: 'Hello from Lambda!', path: '/', invocations: 1, requestId: by.typescript.requestId });
    // The bash custom runtime: bootstrap loop in bash, the handler in function.sh.
    expect(json(by['provided-bash'])).toEqual({ message: 'Hello from bash!', invocations: 1, event: { hello: 'window' } });
    expect(by['provided-bash'].logLines.join('\n')).toContain('event: {"hello":"window"}');
    const again = await w.call('invoke.run', { name: 'tpl-provided-bash', payload: '{}' });
    expect(json(again)).toMatchObject({ invocations: 2 });

    const listed = await w.call('functions.list', {});
    expect(listed.map((f) => f.name)).toEqual(['tpl-nodejs-cjs', 'tpl-nodejs-esm', 'tpl-provided-bash', 'tpl-python', 'tpl-typescript']);
    for (const f of listed) expect(f.envs.warm + f.envs.frozen + f.envs.busy + f.envs.starting).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it('first invoke is cold (first-invoke), the second warm in the same env; the card has REPORT\'s figures and the log block', async () => {
    await w.call('functions.create', { name: 'counter', template: 'nodejs-esm', memorySize: 256 });
    const first = await w.call('invoke.run', { name: 'counter', payload: '{"n":1}' });
    const second = await w.call('invoke.run', { name: 'counter', payload: '{"n":2}', source: 'batch' });
    expect(first).toMatchObject({ cold: true, coldCause: 'first-invoke', statusCode: 200, executedVersion: '$LATEST', qualifier: '$LATEST', type: 'RequestResponse', source: 'ui', memorySizeMb: 256 });
    expect(second).toMatchObject({ cold: false, envId: first.envId, source: 'batch' });
    expect(second.coldCause).toBeUndefined();
    expect(json(first).invocations).toBe(1);
    expect(json(second).invocations).toBe(2);
    expect(first.initDurationMs).toBeGreaterThan(0);
    expect(second.initDurationMs).toBeUndefined();
    for (const r of [first, second]) {
      expect(r.durationMs).toBeGreaterThan(0);
      expect(r.billedDurationMs).toBe(Math.max(1, Math.ceil(r.durationMs!)));
      expect(r.maxMemoryUsedMb).toBeGreaterThan(10);
      expect(r.maxMemoryUsedMb).toBeLessThanOrEqual(256);
      expect(r.responseBytes).toBe(Buffer.byteLength(r.response!));
      expect(r.logLines.find((l) => l.startsWith('START '))).toBe(`START RequestId: ${r.requestId} Version: $LATEST`);
      expect(r.logLines).toContain(`END RequestId: ${r.requestId}`);
      const report = r.logLines.find((l) => l.startsWith('REPORT '))!;
      expect(report).toContain(`REPORT RequestId: ${r.requestId}`);
      expect(report).toContain(`Max Memory Used: ${r.maxMemoryUsedMb} MB`);
      expect(r.logLines.some((l) => l.includes(`"n":${r === first ? 1 : 2}`))).toBe(true);
      // Only this invocation's block: no other request's lines.
      expect(r.logLines.filter((l) => /RequestId: /.test(l)).every((l) => l.includes(r.requestId))).toBe(true);
    }
    expect(first.logLines[0]).toMatch(/^INIT_START /);
    const envs = await w.call('envs.list', { name: 'counter' });
    expect(envs.map((e) => e.id)).toEqual([first.envId]);
  }, 60_000);

  it('a handler that throws: function error with its type, message and stack', async () => {
    await w.call('functions.create', { name: 'thrower', template: 'nodejs-cjs' });
    await w.call('code.save', {
      name: 'thrower',
      ops: [{ op: 'write', path: 'index.js', content: 'class OrderError extends Error { name = "OrderError" }\nexports.handler = async () => { throw new OrderError("order 42 is gone"); };\n' }],
    });
    const r = await w.call('invoke.run', { name: 'thrower', payload: '{}' });
    expect(r).toMatchObject({ statusCode: 200, functionError: 'Unhandled', errorType: 'OrderError', errorMessage: 'order 42 is gone' });
    expect(r.stackTrace![0]).toBe('OrderError: order 42 is gone');
    expect(r.stackTrace!.some((l) => l.includes('/var/task/index.js:2'))).toBe(true);
    expect(r.logLines.some((l) => l.includes('OrderError') && l.includes('order 42 is gone'))).toBe(true);

    await w.call('functions.create', { name: 'py-thrower', template: 'python' });
    await w.call('code.save', { name: 'py-thrower', ops: [{ op: 'write', path: 'lambda_function.py', content: 'def lambda_handler(event, context):\n    raise KeyError("missing")\n' }] });
    const py = await w.call('invoke.run', { name: 'py-thrower', payload: '{}' });
    expect(py).toMatchObject({ functionError: 'Unhandled', errorType: 'KeyError', errorMessage: "'missing'" });
    expect(py.stackTrace!.join('\n')).toContain('lambda_function.py');
  }, 60_000);

  it('outbound settings round-trip through updateConfig; a sealed function\'s network failure comes with the isolation\'s hint', async () => {
    await w.call('functions.create', { name: 'sealed', template: 'nodejs-esm' });
    const d = await w.call('functions.updateConfig', { name: 'sealed', network: { mode: 'none' }, endpoints: { url: 'http://host.lambda.internal:4566' } });
    expect(d.outbound.network).toMatchObject({ mode: 'none', effective: { mode: 'none', internet: false } });
    expect(d.outbound.endpoints.effective).toMatchObject({ AWS_ENDPOINT_URL: 'http://host.lambda.internal:4566' });
    await w.call('code.save', { name: 'sealed', ops: [{ op: 'write', path: 'index.mjs', content: 'export const handler = async () => { await fetch("http://198.51.100.7/"); return "reached"; };\n' }] });
    const r = await w.call('invoke.run', { name: 'sealed', payload: '{}' });
    expect(r.functionError).toBe('Unhandled');
    expect(r.network).toEqual({ mode: 'none', hostPorts: [] });
    expect(r.isolationHint).toMatch(/no network/);
    // null returns the setting to the workbench's default (internet here).
    const back = await w.call('functions.updateConfig', { name: 'sealed', network: null, endpoints: null });
    expect(back.outbound.network.mode).toBe('default');
    expect(back.outbound.network.effective.internet).toBe(true);
    expect(back.outbound.endpoints.effective).toEqual({});
  }, 90_000);

  it('Event goes to the queue (202) and runs; DryRun checks only (204); a bad payload is refused', async () => {
    const ev = await w.call('invoke.run', { name: 'counter', payload: '{"async":true}', type: 'Event' });
    expect(ev).toMatchObject({ statusCode: 202, type: 'Event', logLines: [] });
    expect(ev.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // The queued event ran in the warm env: the next sync invoke sees the counter past it.
    await expect.poll(async () => json(await w.call('invoke.run', { name: 'counter', payload: '{}' })).invocations, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    const dry = await w.call('invoke.run', { name: 'counter', payload: '', type: 'DryRun' });
    expect(dry).toMatchObject({ statusCode: 204, type: 'DryRun' });
    expect(dry.response).toBeUndefined();
    expect((await w.fail('invoke.run', { name: 'nope', payload: '{}', type: 'DryRun' })).code).toBe('ResourceNotFoundException');
    expect((await w.fail('invoke.run', { name: 'counter', payload: '{not json' })).code).toBe('InvalidRequestContentException');
  }, 60_000);

  it('config, versions and aliases go through the registry (RevisionId, history, audit)', async () => {
    const before = await w.call('functions.get', { name: 'counter' });
    const detail = await w.call('functions.updateConfig', { name: 'counter', timeout: 7, environment: { STAGE: 'dev' }, description: 'counts' });
    expect(detail).toMatchObject({ timeout: 7, environment: { STAGE: 'dev' }, description: 'counts' });
    expect(detail.revisionId).not.toBe(before.revisionId);
    expect((await w.fail('functions.updateConfig', { name: 'counter', timeout: 9, expectedRevisionId: before.revisionId })).code).toBe('ResourceConflictException');
    expect((await w.call('functions.get', { name: 'counter' })).timeout).toBe(7);
    expect(await w.call('functions.publishVersion', { name: 'counter', description: 'first' })).toEqual({ version: '1' });
    expect(await w.call('aliases.put', { name: 'counter', alias: 'live', version: '1' })).toEqual({ alias: 'live', functionVersion: '1' });
    const got = await w.call('functions.get', { name: 'counter' });
    expect(got.versions).toEqual([expect.objectContaining({ version: '1', description: 'first' })]);
    expect(got.aliases).toEqual([{ name: 'live', functionVersion: '1', description: '' }]);
    const viaAlias = await w.call('invoke.run', { name: 'counter', qualifier: 'live', payload: '{}' });
    expect(viaAlias).toMatchObject({ executedVersion: '1', qualifier: 'live', cold: true });
    expect(await w.call('aliases.delete', { name: 'counter', alias: 'live' })).toEqual({ deleted: 'live' });
    expect((await w.fail('aliases.delete', { name: 'counter', alias: 'live' })).code).toBe('ResourceNotFoundException');
    const ops = w.engine.audit.list({ functionName: 'counter', limit: 100 }).filter((e) => e.caller.type === 'ui').map((e) => e.operation);
    expect(ops).toEqual(expect.arrayContaining(['CreateFunction', 'UpdateFunctionConfiguration', 'PublishVersion', 'CreateAlias', 'DeleteAlias']));
    expect(w.engine.history.list('counter').map((i) => i.change)).toEqual(expect.arrayContaining(['created', 'updated', 'published']));
  }, 60_000);

  it('the functions stream sees a function created and deleted through the REST API\'s path', async () => {
    const from = w.frames.length;
    await w.engine.createFunction({
      FunctionName: 'from-cli',
      Runtime: 'nodejs22.x',
      Role: 'arn:aws:iam::123456789012:role/r',
      Handler: 'index.handler',
      Code: { ZipFile: (await makeZip({ 'index.js': 'exports.handler = async () => 1;' })).toString('base64') },
    });
    await w.engine.deleteFunction('from-cli');
    const fnFrames = w.frames.slice(from).filter((f) => f.stream === 'functions');
    expect(fnFrames.map((f) => f.data)).toEqual([
      { change: 'created', name: 'from-cli' },
      { change: 'deleted', name: 'from-cli' },
    ]);
    // Numbered per stream, without gaps.
    const seqs = w.frames.filter((f) => f.stream === 'functions').map((f) => f.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const envFrames = w.frames.filter((f) => f.stream === 'envs');
    expect(envFrames.some((f) => f.stream === 'envs' && (f.data as { to: string }).to === 'invoking')).toBe(true);
    expect(w.frames.some((f) => f.stream === 'status')).toBe(true);
    expect((await w.fail('functions.get', { name: 'from-cli' })).code).toBe('ResourceNotFoundException');
  });

  it('status: Docker and its version, the images, endpoints, auth, env counts', async () => {
    const s = await w.call('status.get', {});
    expect(s.docker.ok).toBe(true);
    expect(s.docker.version).toMatch(/^\d+\.\d+/);
    expect(s.images.find((i) => i.runtime === 'nodejs22.x')?.state).toBe('ready');
    expect(s.images.find((i) => i.runtime === 'provided.al2023')?.state).toBe('ready');
    expect(s).toMatchObject({ apiEndpoint: 'http://127.0.0.1:9', functionUrlEndpoint: 'http://127.0.0.1:10', authMode: 'default', region: 'us-east-1', version: '0.1.0' });
    expect(s.envs.warm + s.envs.frozen).toBeGreaterThanOrEqual(5);
  });

  it('invalid parameters never reach a handler', async () => {
    expect((await w.fail('functions.create', { name: 'bad name', template: 'nodejs-esm' })).code).toBe('InvalidParameters');
    expect((await w.fail('functions.create', { name: 'ok', template: 'cobol' })).code).toBe('InvalidParameters');
    expect((await w.fail('code.read', { name: 'counter', path: '../etc/passwd' })).code).toBe('InvalidParameters');
    expect((await w.fail('invoke.run', { name: 'counter', payload: '{}', type: 'Later' })).code).toBe('InvalidParameters');
    expect((await w.fail('no.such' as never, {})).code).toBe('UnknownMethod');
    expect((await w.fail('functions.create', { name: 'py-on-node', template: 'python', runtime: 'nodejs22.x' })).code).toBe('InvalidParameters');
  });
});
