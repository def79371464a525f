// A frame the host cannot decode fails the invocation at once and retires the
// env (issue 9 G): before, it was dropped and the invocation waited for its
// timeout. The env runs over a fake sandbox whose channel we drive.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ExecutionEnvironment } from '../../main/engine/data/environment.js';
import type { FunctionVersion } from '../../main/engine/data/model.js';
import { findRuntime } from '../../main/engine/runtimes.js';
import { EventLog } from '../../main/engine/telemetry/events.js';

function fakeSandbox(opts: { freezeFails?: boolean } = {}) {
  const channel = Object.assign(new EventEmitter(), { sent: [] as Buffer[], send(b: Buffer) { this.sent.push(b); }, close() {}, isClosed: false });
  let destroyed = false;
  const sandbox = {
    id: 'fake',
    taskDir: '/nonexistent',
    optDir: '/nonexistent',
    channel,
    setCpus: () => true,
    oomKills: () => 0,
    freeze: async () => {
      if (opts.freezeFails) throw new Error('freezer.state: Device or resource busy');
    },
    thaw: async () => {},
    destroy: async () => {
      destroyed = true;
      channel.emit('close');
    },
  };
  return { sandbox, channel, destroyed: () => destroyed };
}

const fv: FunctionVersion = {
  functionName: 'f',
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
  version: '$LATEST',
  runtime: findRuntime('nodejs20.x')!,
  handler: 'index.handler',
  memorySize: 128,
  timeout: 30,
  ephemeralStorage: 512,
  environment: {},
  codeKey: 'k',
  layerKeys: [],
  runKey: 'f:$LATEST:k',
  region: 'us-east-1',
  logGroup: '/aws/lambda/f',
  logFormat: 'Text',
  tracingActive: false,
};

describe('an env whose init sends an undecodable frame', () => {
  it('fails the running invocation at once with a Sandbox error and goes away', async () => {
    const { sandbox, channel, destroyed } = fakeSandbox();
    const env = new ExecutionEnvironment(sandbox as never, fv, new EventLog(), { freezeAfterMs: 100, keepAliveMs: 60_000, platformEnv: {} }, 'first-invoke', () => {});
    const t0 = Date.now();
    const outcome = env.invoke({ requestId: 'r1', payload: Buffer.from('{}'), invokedArn: fv.functionArn, traceId: 't', tail: true });
    await new Promise((r) => setImmediate(r));
    channel.emit('message', { type: 'initDone', ts: process.hrtime.bigint() });
    channel.emit('protocolError', new Error('unterminated string in frame'));
    const out = await outcome;
    expect(Date.now() - t0).toBeLessThan(2000); // not the 30 s timeout
    expect(out.functionError).toBe('Unhandled');
    expect(JSON.parse(out.payload.toString()).errorType).toBe('Sandbox.Failure');
    expect(JSON.parse(out.payload.toString()).errorMessage).toContain('could not decode');
    await new Promise((r) => setTimeout(r, 400));
    expect(destroyed()).toBe(true);
    expect(env.state).toBe('gone');
  });
});

describe('an env whose freeze fails', () => {
  it('says so in its log and is shown idle, never frozen', async () => {
    const { sandbox, channel } = fakeSandbox({ freezeFails: true });
    const events = new EventLog();
    const env = new ExecutionEnvironment(sandbox as never, fv, events, { freezeAfterMs: 20, keepAliveMs: 60_000, platformEnv: {} }, 'first-invoke', () => {});
    const outcome = env.invoke({ requestId: 'r1', payload: Buffer.from('{}'), invokedArn: fv.functionArn, traceId: 't', tail: false });
    await new Promise((r) => setImmediate(r));
    channel.emit('message', { type: 'initDone', ts: process.hrtime.bigint() });
    const t = process.hrtime.bigint();
    channel.emit('message', { type: 'response', times: { next: t, delivered: t, done: t }, requestId: 'r1', body: Buffer.from('"ok"') });
    channel.emit('message', { type: 'memory', requestId: 'r1', maxKb: 1024 });
    expect((await outcome).payload.toString()).toBe('"ok"');
    await new Promise((r) => setTimeout(r, 200));
    expect(env.state).toBe('idle');
    expect(env.log.text()).toContain('[workbench] could not freeze this environment: freezer.state: Device or resource busy');
    const states = events.recent().filter((e) => e.kind === 'env.state').map((e) => (e as { to: string; cause: string }).to + ':' + (e as { cause: string }).cause);
    expect(states).toContain('idle:freeze-failed');
    void env.shutdown('shutdown');
  });
});
