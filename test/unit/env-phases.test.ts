// The env's phase table (issue 9 item 1): every legal move, the illegal ones refused, timers that
// can only cause legal moves, and the two bugs the table exists to rule out: a suppressed init
// whose retry times out again (A) must end in a reset, never loop; an env must freeze after
// every invocation, not only the first (B). Then the same two, driven through a real
// ExecutionEnvironment over a fake sandbox with fake timers.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExecutionEnvironment } from '../../main/engine/data/environment.js';
import {
  IllegalTransition,
  PHASES,
  PhaseMachine,
  TIMERS,
  setPhaseDebug,
  type EnvEvent,
  type EnvPhase,
} from '../../main/engine/data/env-phases.js';
import type { FunctionVersion } from '../../main/engine/data/model.js';
import { findRuntime } from '../../main/engine/runtimes.js';
import { EventLog, type EnvState } from '../../main/engine/telemetry/events.js';

const ALL_PHASES = Object.keys(PHASES) as EnvPhase[];
const ALL_EVENTS: EnvEvent[] = [
  'provision', 'coldStart', 'restart', 'dispatch', 'claim', 'initDone', 'initError', 'response', 'reported', 'exited', 'freezeError',
  'initTimeout', 'invokeTimeout', 'killTimeout', 'freezeDue', 'keepaliveExpired', 'shutdown', 'destroyed', 'lost',
];
/** Events only an invocation (or the provisioning API) causes; everything else happens on its own. */
const BY_INVOCATION: EnvEvent[] = ['provision', 'coldStart', 'dispatch', 'claim'];

function reachable(from: EnvPhase, allowed: (e: EnvEvent) => boolean): Set<EnvPhase> {
  const seen = new Set<EnvPhase>([from]);
  const todo = [from];
  while (todo.length) {
    const p = todo.pop()!;
    for (const [e, to] of Object.entries(PHASES[p].on) as [EnvEvent, EnvPhase][]) {
      if (allowed(e) && !seen.has(to)) (seen.add(to), todo.push(to));
    }
  }
  return seen;
}

afterEach(() => {
  vi.useRealTimers();
  setPhaseDebug(undefined);
});

describe('the phase table', () => {
  it('knows every event it uses', () => {
    for (const p of ALL_PHASES) for (const e of Object.keys(PHASES[p].on)) expect(ALL_EVENTS).toContain(e);
  });

  it('makes every legal move, tells listeners and keeps it in the history', () => {
    let count = 0;
    for (const from of ALL_PHASES) {
      for (const [event, to] of Object.entries(PHASES[from].on) as [EnvEvent, EnvPhase][]) {
        const m = new PhaseMachine('t', from);
        const seen: string[] = [];
        m.onMove((mv) => seen.push(`${mv.from}-${mv.event}->${mv.to}:${mv.cause}`));
        expect(m.move(event, 'invoke')).toBe(to);
        expect(m.phase).toBe(to);
        expect(m.state).toBe(PHASES[to].state);
        expect(seen).toEqual([`${from}-${event}->${to}:invoke`]);
        expect(m.history().map((h) => [h.from, h.event, h.to])).toEqual([[from, event, to]]);
        count++;
      }
    }
    expect(count).toBeGreaterThan(60);
  });

  it('refuses every other move with a typed error and stays put', () => {
    const debug: string[] = [];
    setPhaseDebug((msg) => debug.push(msg));
    let refused = 0;
    for (const from of ALL_PHASES) {
      for (const event of ALL_EVENTS) {
        if (PHASES[from].on[event] !== undefined) continue;
        const m = new PhaseMachine('t', from, (msg) => debug.push(msg));
        let err: unknown;
        try {
          m.move(event);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(IllegalTransition);
        expect((err as IllegalTransition).code).toBe('EnvIllegalTransition');
        expect((err as IllegalTransition).from).toBe(from);
        expect((err as IllegalTransition).event).toBe(event);
        expect(m.phase).toBe(from);
        expect(m.history().at(-1)).toMatchObject({ from, event, to: null });
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(150);
    expect(debug).toHaveLength(refused);
    expect(debug[0]).toMatch(/is not allowed in phase/);
  });

  it('refuses, among others: a second invocation of a busy env, anything once gone, a shutdown of one shutting down, a freeze while a report or a reset is pending', () => {
    const cases: [EnvPhase, EnvEvent][] = [
      ['invoking', 'dispatch'],
      ['init', 'coldStart'],
      ['thawing', 'claim'],
      ['awaitingReset', 'claim'],
      ['gone', 'shutdown'],
      ['gone', 'lost'],
      ['shuttingDown', 'shutdown'],
      ['reporting', 'freezeDue'],
      ['resetting', 'freezeDue'],
      ['freezeFailed', 'freezeDue'],
      ['initKill', 'initDone'],
      ['idle', 'response'],
      ['new', 'dispatch'],
    ];
    for (const [from, event] of cases) expect(() => new PhaseMachine('t', from).move(event), `${from} ${event}`).toThrow(IllegalTransition);
  });

  it('reaches every phase from new, and gone from every phase', () => {
    expect([...reachable('new', () => true)].sort()).toEqual([...ALL_PHASES].sort());
    for (const p of ALL_PHASES) expect(reachable(p, () => true).has('gone'), p).toBe(true);
  });

  it('never lets a timer event leave the env where it was (a timer that fires always moves it on)', () => {
    for (const p of ALL_PHASES) for (const e of Object.values(TIMERS)) if (PHASES[p].on[e]) expect(PHASES[p].on[e], `${p} ${e}`).not.toBe(p);
  });

  it('shows only the state changes the workbench always allowed', () => {
    const allowed: Record<EnvState, EnvState[]> = {
      starting: ['initializing', 'shuttingDown', 'gone'],
      initializing: ['invoking', 'idle', 'shuttingDown', 'gone'],
      invoking: ['idle', 'initializing', 'shuttingDown', 'gone'],
      idle: ['invoking', 'initializing', 'frozen', 'shuttingDown', 'gone'],
      frozen: ['invoking', 'initializing', 'idle', 'shuttingDown', 'gone'],
      shuttingDown: ['gone'],
      gone: [],
    };
    for (const from of ALL_PHASES) {
      for (const to of Object.values(PHASES[from].on) as EnvPhase[]) {
        const [a, b] = [PHASES[from].state, PHASES[to].state];
        if (a !== b) expect(allowed[a], `${from}→${to}`).toContain(b);
      }
    }
  });

  it('takes a new invocation only where no invocation holds the env (thawing goes on with the one it holds)', () => {
    for (const p of ALL_PHASES) {
      if (!PHASES[p].busy) continue;
      for (const e of BY_INVOCATION) {
        if (p === 'thawing' && (e === 'dispatch' || e === 'coldStart')) continue;
        expect(PHASES[p].on[e], `${p} ${e}`).toBeUndefined();
      }
    }
  });
});

describe('timers in the machine', () => {
  it('refuses to arm a timer whose event cannot happen now, and says why', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const debug: string[] = [];
    const m = new PhaseMachine('t', 'invoking', (msg) => debug.push(msg));
    const fired = vi.fn();
    expect(m.arm('freezeAfter', 10, fired)).toBe(false);
    expect(m.armed('freezeAfter')).toBe(false);
    vi.advanceTimersByTime(100);
    expect(fired).not.toHaveBeenCalled();
    expect(debug).toEqual([`env t: arming freezeAfter: 'freezeDue' is not allowed in phase 'invoking'; ignored`]);
  });

  it('disarms a timer as soon as the env reaches a phase where its event is illegal', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const m = new PhaseMachine('t', 'idle');
    const freeze = vi.fn();
    const reclaim = vi.fn();
    m.arm('freezeAfter', 100, freeze);
    m.arm('keepalive', 1000, reclaim);
    m.move('freezeDue'); // frozen: the keepalive still applies, the freeze timer is spent
    expect(m.armed('keepalive')).toBe(true);
    m.move('claim'); // thawing: an invocation holds it, neither timer can act
    expect(m.armed('keepalive')).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(freeze).not.toHaveBeenCalled();
    expect(reclaim).not.toHaveBeenCalled();
  });

  it('runs a timer whose event is legal when it fires, once', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const m = new PhaseMachine('t', 'idle');
    const fired = vi.fn(() => m.move('freezeDue'));
    m.arm('freezeAfter', 100, fired);
    m.arm('freezeAfter', 100, fired); // re-arming replaces, never doubles
    vi.advanceTimersByTime(1000);
    expect(fired).toHaveBeenCalledTimes(1);
    expect(m.phase).toBe('frozen');
  });

  it('re-arms a timer that fired or was disarmed (same duration: the Node timer is reused) and it fires on time, once', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const m = new PhaseMachine('t', 'idle');
    const fired = vi.fn(() => m.move('freezeDue'));
    m.arm('freezeAfter', 100, fired);
    m.move('dispatch'); // disarmed: an invocation came first
    vi.advanceTimersByTime(500);
    expect(fired).not.toHaveBeenCalled();
    m.move('response');
    m.move('reported');
    m.arm('freezeAfter', 100, fired);
    vi.advanceTimersByTime(99);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    m.move('claim');
    m.move('dispatch');
    m.move('response');
    m.move('reported');
    m.arm('freezeAfter', 100, fired); // after it fired: reactivated
    vi.advanceTimersByTime(1000);
    expect(fired).toHaveBeenCalledTimes(2);
  });

  it('lets a disarmed deadline no longer hold the process open, and keeps no timer once shutting down', () => {
    const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timeouts();
    const m = new PhaseMachine('t', 'idle');
    m.move('dispatch');
    m.arm('invokeDeadline', 60_000, () => {});
    expect(timeouts()).toBe(before + 1);
    m.move('response'); // the deadline is disarmed: dormant, unref'd
    expect(m.armed('invokeDeadline')).toBe(false);
    expect(timeouts()).toBe(before);
    m.arm('keepalive', 60_000, () => {});
    m.move('dispatch');
    m.arm('invokeDeadline', 60_000, () => {}); // same duration: the dormant one is reused and held again
    expect(timeouts()).toBe(before + 1);
    m.move('shutdown');
    expect(timeouts()).toBe(before);
    for (const k of Object.keys(TIMERS) as (keyof typeof TIMERS)[]) expect(m.armed(k)).toBe(false);
  });

  it('keeps a bounded history', () => {
    const m = new PhaseMachine('t', 'idle');
    for (let i = 0; i < 100; i++) (m.move('dispatch'), m.move('response'), m.move('reported'));
    expect(m.history().length).toBeLessThanOrEqual(32);
    expect(m.history().at(-1)).toMatchObject({ from: 'reporting', event: 'reported', to: 'idle' });
  });
});

describe('bug A at the machine level: a suppressed init whose retry times out again', () => {
  it('ends in a reset, and nothing but a new invocation can start an INIT again', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const m = new PhaseMachine('t', 'new');
    // A driver that does what the env does: each INIT phase arms its deadline, which fires initTimeout.
    const armInit = () => m.arm('initDeadline', m.phase === 'init' ? 10_000 : 3_000, () => m.move('initTimeout'));
    m.move('coldStart');
    armInit();
    vi.advanceTimersByTime(10_000);
    expect(m.phase).toBe('initKill');
    m.move('exited'); // the KILL's EXIT: the retry starts
    expect(m.phase).toBe('initRetry');
    armInit();
    vi.advanceTimersByTime(3_000);
    expect(m.phase).toBe('resetting');
    m.move('exited');
    expect(m.phase).toBe('idle');
    const moves = m.history().length;
    vi.advanceTimersByTime(10 * 60_000);
    expect(m.history().length).toBe(moves); // nothing re-armed itself
    // Whatever happens on its own from the retry (frames, timers), no INIT phase comes back. (A
    // successful retry may still see its runtime die before taking the event: 'restart', which
    // the env allows once per invocation; see "a runtime that dies before taking its event" below.)
    const onItsOwn = reachable('initRetry', (e) => !BY_INVOCATION.includes(e) && e !== 'restart');
    for (const p of ['init', 'initKill'] as EnvPhase[]) expect(onItsOwn.has(p)).toBe(false);
    expect(PHASES.initRetry.on.initTimeout).toBe('resetting');
  });
});

describe('bug B at the machine level: freeze after every invocation', () => {
  it('idle → frozen → thawing → invoking → reporting → idle → frozen, ten times over, with the keepalive armed all along', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const m = new PhaseMachine('t', 'idle');
    const reclaimed = vi.fn();
    const idleAgain = () => {
      m.arm('keepalive', 60_000, reclaimed);
      m.arm('freezeAfter', 100, () => m.move('freezeDue'));
    };
    idleAgain();
    for (let cycle = 0; cycle < 10; cycle++) {
      vi.advanceTimersByTime(100);
      expect(m.phase, `cycle ${cycle}`).toBe('frozen');
      vi.advanceTimersByTime(1_400);
      m.move('claim');
      m.move('dispatch');
      m.move('response');
      m.move('reported');
      idleAgain();
      expect(m.phase).toBe('idle');
    }
    vi.advanceTimersByTime(100);
    expect(m.phase).toBe('frozen');
    expect(reclaimed).not.toHaveBeenCalled();
  });
});

// ---- the same through a real ExecutionEnvironment over a fake sandbox ----

function fakeSandbox() {
  const sent: string[] = [];
  const channel = Object.assign(new EventEmitter(), {
    send(b: Buffer) {
      sent.push(frameName(b));
    },
    close() {},
    isClosed: false,
  });
  let frozen = 0;
  const sandbox = {
    id: 'fake',
    taskDir: '/nonexistent',
    optDir: '/nonexistent',
    channel,
    setCpus: () => true,
    oomKills: () => 0,
    freeze: async () => void frozen++,
    thaw: async () => {},
    destroy: async () => void channel.emit('close'),
  };
  return { sandbox, channel, sent, frozen: () => frozen };
}

/** START, INVOKE, KILL or SHUTDOWN, from a host → init frame's type byte. */
function frameName(b: Buffer): string {
  return ({ 1: 'START', 2: 'INVOKE', 3: 'KILL', 4: 'SHUTDOWN' } as Record<number, string>)[b[4]!] ?? `0x${b[4]!.toString(16)}`;
}

const fv: FunctionVersion = {
  functionName: 'f',
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
  version: '$LATEST',
  runtime: findRuntime('nodejs20.x')!,
  handler: 'index.handler',
  memorySize: 128,
  timeout: 3,
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

const inv = (id: string) => ({ requestId: id, payload: Buffer.from('{}'), invokedArn: fv.functionArn, traceId: 't', tail: true });
const exit = (killed: boolean) => ({ type: 'exit', code: -1, signal: 9, oomKilled: false, killed, inflight: '' });
const flush = () => new Promise((r) => setImmediate(r));

describe('bug A through an env: INIT over 10 s whose retry exceeds the timeout', () => {
  it('fails with Sandbox.Timedout, resets once, and starts nothing more on its own', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { sandbox, channel, sent } = fakeSandbox();
    const env = new ExecutionEnvironment(sandbox as never, fv, new EventLog(), { freezeAfterMs: 100, keepAliveMs: 600_000, platformEnv: {} }, 'first-invoke', () => {});
    const outcome = env.invoke(inv('r1'));
    expect(env.phases.phase).toBe('init');
    vi.advanceTimersByTime(10_000); // INIT limit: suppressed init, the runtime is killed
    expect(env.phases.phase).toBe('initKill');
    expect(sent).toEqual(['START', 'KILL']);
    channel.emit('message', exit(true));
    expect(env.phases.phase).toBe('initRetry');
    expect(sent).toEqual(['START', 'KILL', 'START']);
    vi.advanceTimersByTime(3_000); // the function's timeout: the invocation fails
    const out = await outcome;
    expect(JSON.parse(out.payload.toString()).errorType).toBe('Sandbox.Timedout');
    const log = Buffer.from(out.logResult!, 'base64').toString();
    expect(log).toMatch(/Phase: init\tStatus: timeout/);
    expect(log).toMatch(/Phase: invoke\tStatus: timeout/);
    expect(env.phases.phase).toBe('resetting');
    expect(env.state).toBe('idle');
    channel.emit('message', exit(true));
    expect(env.phases.phase).toBe('idle');
    vi.advanceTimersByTime(60_000);
    expect(sent).toEqual(['START', 'KILL', 'START', 'KILL']); // no third START: nothing loops
    expect(env.state).toBe('frozen');
    void env.shutdown('shutdown');
  });

  it('gives the env up when a KILL is never confirmed, and an invocation waiting for that reset runs elsewhere', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { sandbox } = fakeSandbox();
    const env = new ExecutionEnvironment(sandbox as never, fv, new EventLog(), { freezeAfterMs: 100, keepAliveMs: 600_000, platformEnv: {} }, 'first-invoke', () => {});
    const first = env.invoke(inv('r1'));
    vi.advanceTimersByTime(10_000 + 5_000); // INIT limit, then no EXIT for the KILL
    expect(env.state).toBe('shuttingDown');
    void first.catch(() => {});
    await expect(env.invoke(inv('r2'))).rejects.toMatchObject({ code: 'EnvLost' });
  });
});

describe('a runtime that dies before taking its event', () => {
  it('is started again for that invocation once; a second time the invocation fails instead of looping', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { sandbox, channel, sent } = fakeSandbox();
    const env = new ExecutionEnvironment(sandbox as never, fv, new EventLog(), { freezeAfterMs: 100, keepAliveMs: 600_000, platformEnv: {} }, 'first-invoke', () => {});
    const outcome = env.invoke(inv('r1'));
    channel.emit('message', { type: 'initDone', ts: process.hrtime.bigint() });
    channel.emit('message', { ...exit(false), code: 0, signal: -1 }); // gone before the INVOKE reached it
    expect(env.phases.phase).toBe('init');
    channel.emit('message', { type: 'initDone', ts: process.hrtime.bigint() });
    channel.emit('message', { ...exit(false), code: 0, signal: -1 }); // and again
    const out = await outcome;
    expect(JSON.parse(out.payload.toString()).errorType).toBe('Runtime.ExitError');
    expect(sent).toEqual(['START', 'INVOKE', 'START', 'INVOKE']);
    expect(env.state).toBe('idle');
    void env.shutdown('shutdown');
  });

  it('refuses a second invocation while the first holds the env, even while it is only thawing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { sandbox, channel } = fakeSandbox();
    const env = new ExecutionEnvironment(sandbox as never, fv, new EventLog(), { freezeAfterMs: 100, keepAliveMs: 600_000, platformEnv: {} }, 'first-invoke', () => {});
    const first = env.invoke(inv('r1'));
    channel.emit('message', { type: 'initDone', ts: process.hrtime.bigint() });
    await expect(env.invoke(inv('r2'))).rejects.toMatchObject({ code: 'EnvIllegalTransition' });
    const t = process.hrtime.bigint();
    channel.emit('message', { type: 'response', times: { next: t, delivered: t, done: t }, requestId: 'r1', body: Buffer.from('1') });
    channel.emit('message', { type: 'memory', requestId: 'r1', maxKb: 1024 });
    await first;
    vi.advanceTimersByTime(100);
    expect(env.state).toBe('frozen');
    const second = env.invoke(inv('r2'));
    expect(env.phases.phase).toBe('thawing');
    await expect(env.invoke(inv('r3'))).rejects.toMatchObject({ code: 'EnvIllegalTransition' });
    await flush();
    expect(env.state).toBe('invoking');
    channel.emit('message', { type: 'response', times: { next: t, delivered: t, done: t }, requestId: 'r2', body: Buffer.from('2') });
    channel.emit('message', { type: 'memory', requestId: 'r2', maxKb: 1024 });
    expect((await second).payload.toString()).toBe('2');
    void env.shutdown('shutdown');
  });
});

describe('bug B through an env: frozen after every invocation', () => {
  it('freezes 100 ms after each response, three invocations running', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { sandbox, channel, sent, frozen } = fakeSandbox();
    const states: string[] = [];
    const events = new EventLog();
    const env = new ExecutionEnvironment(sandbox as never, fv, events, { freezeAfterMs: 100, keepAliveMs: 600_000, platformEnv: {} }, 'first-invoke', () => {});
    for (let i = 0; i < 3; i++) {
      const outcome = env.invoke(inv(`r${i}`));
      await flush(); // a frozen env is thawed first
      if (i === 0) channel.emit('message', { type: 'initDone', ts: process.hrtime.bigint() });
      expect(env.state).toBe('invoking');
      const t = process.hrtime.bigint();
      channel.emit('message', { type: 'response', times: { next: t, delivered: t, done: t }, requestId: `r${i}`, body: Buffer.from(`${i}`) });
      channel.emit('message', { type: 'memory', requestId: `r${i}`, maxKb: 1024 });
      expect((await outcome).payload.toString()).toBe(`${i}`);
      expect(env.state).toBe('idle');
      vi.advanceTimersByTime(100);
      states.push(env.state);
      vi.advanceTimersByTime(1_400);
    }
    expect(states).toEqual(['frozen', 'frozen', 'frozen']);
    expect(frozen()).toBe(3);
    expect(sent.filter((s) => s === 'START')).toHaveLength(1);
    void env.shutdown('shutdown');
  });

  it('does not freeze before the MEMORY frame completes the report, and freezes once it has', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { sandbox, channel } = fakeSandbox();
    const env = new ExecutionEnvironment(sandbox as never, fv, new EventLog(), { freezeAfterMs: 100, keepAliveMs: 600_000, platformEnv: {} }, 'first-invoke', () => {});
    void env.invoke({ ...inv('r1'), tail: false });
    channel.emit('message', { type: 'initDone', ts: process.hrtime.bigint() });
    const t = process.hrtime.bigint();
    channel.emit('message', { type: 'response', times: { next: t, delivered: t, done: t }, requestId: 'r1', body: Buffer.from('1') });
    expect(env.phases.phase).toBe('reporting');
    vi.advanceTimersByTime(1_000);
    expect(env.state).toBe('idle'); // a slow MEMORY frame: not frozen meanwhile (the init must run to send it)
    channel.emit('message', { type: 'memory', requestId: 'r1', maxKb: 1024 });
    vi.advanceTimersByTime(100);
    expect(env.state).toBe('frozen');
    void env.shutdown('shutdown');
  });
});
