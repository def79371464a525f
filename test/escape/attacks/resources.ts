// Escape suite, resources: a full /tmp, a fork bomb (and processes that left
// the runtime's session), a memory bomb, fd exhaustion and 1 GB of log output
// are each contained by the env's own limits; the env recovers or is reset as
// Lambda would, and the workbench and other envs are unharmed.
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import { invoke, type Invoked } from '../../helpers/lambda.js';
import { deployOnce, invokeWithin, run, serverRssMb, workbenchGet, type EscapeSuite } from '../helpers/harness.js';

export function resourceAttacks({ bench, attack, section }: EscapeSuite): void {
  section('Resources: disk, processes, memory, files, logs');

  attack(
    'fill /tmp past its size (EphemeralStorage 512 MB)',
    'ENOSPC after about 512 MB; the env keeps working (/tmp writable again once freed)',
    async (observe) => {
      await deployOnce(bench, { name: 'fill-tmp', source: 'fill_tmp.py', memory: 1024, ephemeralMb: 512, timeout: 60 });
      const r = await run(bench, 'fill-tmp');
      const after = await run(bench, 'fill-tmp', { check: true });
      observe({ ...r, after });
      expect(r.errno).toBe('ENOSPC');
      expect(r.writtenMb).toBeGreaterThan(400);
      expect(r.writtenMb).toBeLessThanOrEqual(512);
      expect(after).toEqual({ tmp: ['after'], after: 'ok' });
      await bench.unharmed(observe);
    },
    90_000,
  );

  attack(
    'fork at the pids limit',
    "tasks stop at the pids limit (1,024 in the env): thread creation EAGAIN, then fork EAGAIN; the env answers the next invoke; the host can still fork",
    async (observe) => {
      await deployOnce(bench, { name: 'fork-count', source: 'fork_count.py', memory: 512 });
      const r = await run(bench, 'fork-count');
      observe(r);
      expect(r.threadError).toBe('EAGAIN');
      expect(r.fork).toBe('EAGAIN');
      expect(r.threads).toBeLessThan(1024);
      expect(r.threads).toBeGreaterThan(1000);
      expect(await run(bench, 'fork-count')).toEqual(r);
      expect(execFileSync('true').length).toBe(0);
      await bench.unharmed(observe);
    },
  );

  attack(
    "fork bomb whose processes setsid() out of the runtime's group, running until the timeout",
    'Sandbox.Timedout after 3 s; the reset kills every process of the env (only the init and a fresh runtime remain); the next invoke works',
    async (observe) => {
      await deployOnce(bench, { name: 'fork-bomb', source: 'fork_bomb.py', memory: 512, timeout: 3 });
      const out = await invokeWithin(bench, 'fork-bomb', {}, 20_000);
      observe(typeof out === 'string' ? out : { status: out.status, error: out.json?.errorType, message: out.json?.errorMessage });
      const left = await invokeWithin(bench, 'fork-bomb', { count: true }, 20_000);
      observe(typeof left === 'string' ? `next invoke: ${left}` : { processesAfterReset: left.json?.procs ?? left.payload });
      if (typeof out === 'string' || typeof left === 'string') {
        // Say where the env got stuck: its state and its last engine events.
        const envs = await workbenchGet(bench.server, '/_workbench/environments?function=fork-bomb').catch((e) => String(e));
        const events = await workbenchGet(bench.server, '/_workbench/events?function=fork-bomb').catch(() => []);
        observe({ envs: Array.isArray(envs) ? envs.map((e: any) => e.state) : envs, lastEvents: (events as any[]).slice(-4).map((e) => `${e.kind} ${e.from ?? ''}→${e.to ?? e.status ?? ''} ${e.cause ?? ''}`) });
        throw new Error(`the workbench did not answer: ${typeof out === 'string' ? out : 'bomb invoke answered'} / ${typeof left === 'string' ? left : 'next invoke answered'}`);
      }
      const bomb: Invoked = out;
      const after: Invoked = left;
      expect(bomb.functionError).toBe('Unhandled');
      expect(bomb.json.errorType).toBe('Sandbox.Timedout');
      expect(after.functionError).toBeUndefined();
      expect(Object.keys(after.json.procs).length).toBeLessThanOrEqual(3);
      expect(execFileSync('true').length).toBe(0);
      await bench.unharmed(observe);
    },
    90_000,
  );

  attack(
    'memory bomb (128 MB function)',
    'Runtime.OutOfMemory; the next invoke works',
    async (observe) => {
      await deployOnce(bench, { name: 'memory-bomb', source: 'memory_bomb.py', memory: 128, timeout: 30 });
      const out = await invoke(bench.client, 'memory-bomb', {});
      observe({ status: out.status, functionError: out.functionError, error: out.json?.errorType });
      expect(out.functionError).toBe('Unhandled');
      expect(out.json.errorType).toBe('Runtime.OutOfMemory');
      await bench.unharmed(observe);
    },
    60_000,
  );

  attack(
    'fd exhaustion',
    'EMFILE at the 1,024 open files limit; the env answers the next invoke',
    async (observe) => {
      await deployOnce(bench, { name: 'fd-exhaust', source: 'fd_exhaust.py', memory: 128 });
      const r = await run(bench, 'fd-exhaust');
      observe(r);
      expect(r.errno).toBe('EMFILE');
      expect(r.opened).toBeGreaterThan(1000);
      expect(r.opened).toBeLessThan(1024);
      expect((await run(bench, 'fd-exhaust')).errno).toBe('EMFILE');
      await bench.unharmed(observe);
    },
  );

  // Last in the file: before the log cap, this killed the server.
  attack(
    '1 GB of log output in one invocation',
    "the invoke returns; the server lives; its RSS grows by less than 64 MB for the 1 GB, and for a second 1 GB after it, at the peak too (nothing accumulates); the tail log (4 KB) and the kept log stream are bounded",
    async (observe) => {
      await deployOnce(bench, { name: 'log-bomb', source: 'log_bomb.py', memory: 3008, timeout: 120 });
      const fresh = serverRssMb(bench.server);
      // Warm: the env, the server's code paths and its buffers for large log frames exist before
      // measuring, so what is measured is what 1 GB more costs, not the first large log's setup.
      // The warm-up's own cost is reported, not bounded: it is mostly V8 growing back a heap that its
      // memory reducer shrank while the server was idle (heapTotal 26 MB after the attacks above, 56 MB
      // in a server that ran this attack alone), plus what the design keeps (each invocation's first
      // 8 MB of lines, the telemetry bus's resume ring).
      await run(bench, 'log-bomb', { mb: 64 });
      const before = serverRssMb(bench.server);
      let peak = before;
      const sampler = setInterval(() => {
        try {
          peak = Math.max(peak, serverRssMb(bench.server));
        } catch {
          /* the server is gone: asserted below */
        }
      }, 50);
      const started = Date.now();
      let out;
      let afterFirst: number;
      try {
        out = await invoke(bench.client, 'log-bomb', { mb: 1024 });
        afterFirst = serverRssMb(bench.server);
        await invoke(bench.client, 'log-bomb', { mb: 1024 });
      } finally {
        clearInterval(sampler);
      }
      const after = serverRssMb(bench.server);
      const kept = ((await workbenchGet(bench.server, '/_workbench/logs?function=log-bomb')) as { text: string }[]).reduce((n, l) => n + l.text.length, 0);
      observe({
        status: out.status,
        result: out.json,
        secondsFor2GB: (Date.now() - started) / 1000,
        tailLogBytes: out.log.length,
        logStreamChars: kept,
        rssMb: { fresh: Math.round(fresh), afterWarm64Mb: Math.round(before), peak: Math.round(peak), afterFirstGB: Math.round(afterFirst), afterSecondGB: Math.round(after) },
      });
      expect(out.status).toBe(200);
      expect(out.functionError).toBeUndefined();
      expect(out.json).toEqual({ wroteMb: 1024 });
      // 1 GB more costs less than 64 MB ("tens of MB"), and so do 2 GB, at their peak too: what the
      // server keeps of a run's output is bounded, not proportional to it (measured: 19–21 MB for the
      // first, 3–15 MB more for the second, the peak 31–36 MB over the warm server).
      expect(afterFirst - before).toBeLessThan(64);
      expect(after - before).toBeLessThan(64);
      expect(peak - before).toBeLessThan(64);
      expect(out.log.length).toBeLessThanOrEqual(4096);
      expect(kept).toBeLessThan(8 * 1024 * 1024); // all three invokes' logs, each capped (1 MiB of output kept per invocation)
      await bench.unharmed(observe);
    },
    150_000,
  );
}
