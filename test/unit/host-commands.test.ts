import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { closeHostCommands, hostCommand, HostCommandError } from '../../main/engine/sandbox/host-commands.js';

const REPO = join(import.meta.dirname, '..', '..');
const MODULE = join(REPO, 'main/engine/sandbox/host-commands.ts');

/** Starts a Node process that imports host-commands.ts and runs `body` (with `hostCommand` in scope). */
function nodeWith(body: string) {
  const script = `const { hostCommand } = await import(${JSON.stringify(MODULE)});\n${body}`;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
}

const exited = (p: ReturnType<typeof spawn>, ms: number) =>
  new Promise<number | null | 'timeout'>((resolve) => {
    if (p.exitCode !== null) return resolve(p.exitCode);
    const t = setTimeout(() => resolve('timeout'), ms);
    p.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });

/** Running (a zombie nobody has reaped yet counts as gone). */
const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
};

describe('host commands', () => {
  afterAll(() => closeHostCommands());

  it('runs 20 slow commands while this thread keeps answering, 8 at a time', async () => {
    await hostCommand('true', []); // the helper is up: its start is not what is measured
    const delay = monitorEventLoopDelay({ resolution: 10 });
    let maxGap = 0;
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last - 10);
      last = now;
    }, 10);
    delay.enable();
    const t0 = performance.now();
    const outs = await Promise.all(Array.from({ length: 20 }, (_, i) => hostCommand('sh', ['-c', `sleep 0.4; echo ${i}`])));
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(tick);
    delay.disable();
    expect(outs.map((o) => o.stdout.trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    // 20 × 0.4 s one after another would be 8 s, all at once 0.4 s: eight at a time is three rounds.
    expect(seconds).toBeGreaterThanOrEqual(1.2);
    expect(seconds).toBeLessThan(6);
    // Run on this thread (spawnSync), the loop would stop for each command's 0.4 s. The bound leaves
    // room for a machine this busy; the measured lag is printed for the record.
    console.log(`loop lag while 20 commands ran: max ${maxGap.toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms, ${seconds.toFixed(2)} s`);
    expect(maxGap).toBeLessThan(250);
  });

  it('names the command and what went wrong', async () => {
    const failed = await hostCommand('sh', ['-c', 'echo no such device >&2; exit 3']).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(HostCommandError);
    expect(failed).toMatchObject({ code: 'HOST_COMMAND_FAILED', exitCode: 3, stderr: 'no such device\n' });
    expect((failed as Error).message).toBe('sh -c echo no such device >&2; exit 3 exited with 3: no such device');

    await expect(hostCommand('lwb-no-such-tool', ['x'])).rejects.toMatchObject({
      code: 'HOST_COMMAND_UNAVAILABLE',
      message: expect.stringContaining('lwb-no-such-tool was not found'),
    });
    const t = performance.now();
    await expect(hostCommand('sleep', ['10'], { timeoutMs: 300 })).rejects.toMatchObject({ code: 'HOST_COMMAND_TIMEOUT', message: 'sleep 10 did not finish within 300 ms and was killed' });
    expect(performance.now() - t).toBeLessThan(5000);
    await expect(hostCommand('yes', [], { maxBuffer: 1000 })).rejects.toMatchObject({ code: 'HOST_COMMAND_FAILED', message: expect.stringContaining('maxBuffer') });
  });

  it('passes stdin, cwd and the environment', async () => {
    expect(await hostCommand('sh', ['-c', 'cat; pwd; echo "$HOME"; echo oops >&2'], { input: 'hello\n', cwd: '/tmp' })).toEqual({
      stdout: `hello\n/tmp\n${process.env.HOME}\n`,
      stderr: 'oops\n',
    });
  });

  it('starts a new helper after close', async () => {
    await closeHostCommands();
    expect((await hostCommand('echo', ['again'])).stdout).toBe('again\n');
  });

  it('a helper that dies fails what it was running, and the next command gets a new one', async () => {
    const sleeping = hostCommand('sleep', ['30']);
    await hostCommand('true', []);
    const helpers = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('--max-old-space-size=64 -e'))
      .map((l) => Number(l.trim().split(' ')[0]));
    expect(helpers).toHaveLength(1);
    process.kill(helpers[0]!, 'SIGKILL');
    await expect(sleeping).rejects.toMatchObject({ code: 'HOST_COMMAND_UNAVAILABLE', message: 'sleep 30 did not complete: the host command helper exited (SIGKILL); try again' });
    expect((await hostCommand('echo', ['after'])).stdout).toBe('after\n');
  });

  it('does not keep an idle process alive', async () => {
    const p = nodeWith(`const r = await hostCommand('echo', ['done']); process.stdout.write(r.stdout);`);
    let out = '';
    p.stdout!.on('data', (d) => (out += d));
    expect(await exited(p, 30_000)).toBe(0);
    expect(out).toBe('done\n');
  });

  it('runs commands in this process when the helper cannot start (an Electron that will not run as Node)', async () => {
    const p = nodeWith(`process.execPath = '/bin/false'; const r = await Promise.all([hostCommand('echo', ['one']), hostCommand('echo', ['two'])]); process.stdout.write(r.map((x) => x.stdout).join(''));`);
    let out = '';
    let err = '';
    p.stdout!.on('data', (d) => (out += d));
    p.stderr!.on('data', (d) => (err += d));
    expect(await exited(p, 30_000)).toBe(0);
    expect(out).toBe('one\ntwo\n');
    expect(err).toContain('LWB_HOST_COMMANDS_IN_PROCESS');
  });

  it('goes, with what it runs, when its workbench is killed', async () => {
    const p = nodeWith(`hostCommand('sleep', ['60']).catch(() => {}); setInterval(() => {}, 1000);`);
    // The helper and its sleep: children of the process, then of the helper.
    let helper: number | undefined;
    let sleeper: number | undefined;
    for (let i = 0; i < 200 && !sleeper; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const children = (pid: number) => {
        try {
          return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map(Number).filter((n) => n > 0);
        } catch {
          return [];
        }
      };
      helper = children(p.pid!)[0];
      sleeper = helper ? children(helper)[0] : undefined;
    }
    expect(helper).toBeGreaterThan(0);
    expect(sleeper).toBeGreaterThan(0);
    p.kill('SIGKILL');
    await exited(p, 5000);
    for (let i = 0; i < 100 && (alive(helper!) || alive(sleeper!)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(helper!)).toBe(false);
    expect(alive(sleeper!)).toBe(false);
  });
});
