// Escape suite, isolation: another env's /tmp, another function's code and
// environment, host and other envs' processes, the init (PID 1), host files and
// identifiers, writes outside /tmp, /dev/shm and what mountinfo and the cgroup
// file reveal. Each attack asserts the precise failure and that the healthy
// witness (another env) is unharmed.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { invoke } from '../../helpers/lambda.js';
import { deployOnce, run, type EscapeSuite } from '../helpers/harness.js';

export function isolationAttacks({ bench, attack, section }: EscapeSuite): void {
  section('Isolation: /tmp, code, processes, the init, host files and identifiers');
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

  attack(
    "read or list another env's /tmp (same function at concurrency 2)",
    'the second env sees its own empty /tmp: the secret file ENOENT, no other env reachable through /proc/<pid>/root',
    async (observe) => {
      await deployOnce(bench, { name: 'tmp-spy', source: 'tmp_spy.py', memory: 128 });
      // Hold one env busy with the secret planted, then invoke the same function again: a second env.
      const planting = run(bench, 'tmp-spy', { plant: 'tmp-secret-1', file: 'secret.txt', hold: 3 });
      await sleep(1500);
      const spy = await run(bench, 'tmp-spy', { file: 'secret.txt' });
      const planted = await planting;
      observe({ plantedIn: planted.host, spiedFrom: spy.host, tmp: spy.tmp, read: spy.read, procRoots: spy.procRoots });
      expect(spy.host).not.toBe(planted.host);
      expect(planted.at).toBeLessThan(spy.at); // the secret existed when the spy looked
      expect(spy.read).toEqual({ error: 'ENOENT' });
      expect(spy.tmp).not.toContain('secret.txt');
      for (const r of Object.values<any>(spy.procRoots)) if (r.ok) expect(r.ok).not.toContain('secret.txt');
      // The planting env still has its secret: two concurrent invokes reach both envs.
      const both = await Promise.all([1, 2].map(() => run(bench, 'tmp-spy', { file: 'secret.txt', hold: 1 })));
      const original = both.find((r) => r.host === planted.host);
      observe({ plantingEnvAfterwards: original?.read });
      expect(original?.read).toEqual({ ok: 'tmp-secret-1' });
      await bench.unharmed(observe);
    },
    60_000,
  );

  attack(
    "read or list another function's env /tmp",
    "another function's env sees its own /tmp only: ENOENT",
    async (observe) => {
      await deployOnce(bench, { name: 'tmp-spy-other', source: 'tmp_spy.py', memory: 128 });
      const spy = await run(bench, 'tmp-spy-other', { file: 'witness' });
      observe({ tmp: spy.tmp, read: spy.read });
      expect(spy.read).toEqual({ error: 'ENOENT' });
      expect(spy.tmp).toEqual([]);
      await bench.unharmed(observe);
    },
  );

  attack(
    "read another function's code or environment variables",
    "its /var/task holds only its own code; the other's code store folder and /var/task files ENOENT; its secrets appear in no file, environ or cmdline the spy can open",
    async (observe) => {
      await deployOnce(bench, { name: 'victim', source: 'victim.py', memory: 128, env: { VICTIM_SECRET: 'env-secret-4be1d07a' } });
      expect(await run(bench, 'victim')).toEqual({ env: 'env-secret-4be1d07a', code: 'code-secret-7f3a91c2' });
      const codeRoot = join(bench.server.dataDir, 'code');
      const victimCode = readdirSync(codeRoot).map((k) => join(codeRoot, k)).find((d) => existsSync(join(d, 'victim.py')));
      expect(victimCode, 'the victim code folder in the code store').toBeDefined();
      await deployOnce(bench, { name: 'code-spy', source: 'code_spy.py', memory: 128 });
      const spy = await run(bench, 'code-spy', {
        needles: ['env-secret-4be1d07a', 'code-secret-7f3a91c2'],
        paths: [victimCode, codeRoot, '/var/task/victim.py'],
      });
      observe({ task: spy.task, leaks: spy.leaks, paths: spy.paths });
      expect(spy.task.sort()).toEqual(['code_spy.py', 'escape_lib.py']);
      expect(spy.leaks).toEqual([]);
      for (const r of Object.values(spy.paths)) expect(r).toEqual({ error: 'ENOENT' });
      await bench.unharmed(observe);
    },
  );

  attack(
    'see or signal host processes or other envs\' processes',
    "/proc lists only the env's own init and runtime; signal 0 to the server's, dockerd's and the test runner's pids: ESRCH",
    async (observe) => {
      await deployOnce(bench, { name: 'proc-spy', source: 'proc_spy.py', memory: 128 });
      const dockerd = Number(execFileSync('pidof', ['dockerd'], { encoding: 'utf8' }).trim().split(/\s+/)[0]);
      const hostPids = [bench.server.proc.pid!, dockerd, process.pid];
      const spy = await run(bench, 'proc-spy', { hostPids });
      observe({ procs: spy.procs, signals: spy.signals });
      // The init (/lwb/init), the runtime, and nothing from the host or any other env.
      expect(Object.keys(spy.procs).length).toBeLessThanOrEqual(3);
      for (const cmd of Object.values<string>(spy.procs)) expect(cmd).not.toMatch(/dockerd|containerd|cli\.ts|vitest|healthy/);
      for (const pid of hostPids) expect(spy.signals[pid], `kill(${pid}, 0)`).toEqual({ error: 'ESRCH' });
      await bench.unharmed(observe);
    },
  );

  attack(
    'read the init (PID 1): /proc/1/environ, /proc/1/fd, /proc/1/mem',
    'EACCES (or EPERM) for each: the init runs non-dumpable',
    async (observe) => {
      await deployOnce(bench, { name: 'init-attack', source: 'init_attack.py', memory: 128, timeout: 10 });
      const r = await run(bench, 'init-attack', { what: 'read' });
      observe(r);
      for (const k of ['environ', 'fd', 'memRead', 'memWrite']) expect(['EACCES', 'EPERM'], k).toContain(r[k].error);
      await bench.unharmed(observe);
    },
  );

  attack(
    'ptrace the init (PTRACE_SEIZE, PTRACE_ATTACH on PID 1)',
    'EPERM for both',
    async (observe) => {
      await deployOnce(bench, { name: 'init-attack', source: 'init_attack.py', memory: 128, timeout: 10 });
      const r = await run(bench, 'init-attack', { what: 'ptrace' });
      observe(r);
      expect(r.seize).toEqual({ ret: -1, errno: 'EPERM' });
      expect(r.attach).toEqual({ ret: -1, errno: 'EPERM' });
      expect((await invoke(bench.client, 'init-attack', { what: 'read' })).status).toBe(200);
      await bench.unharmed(observe);
    },
  );

  attack(
    "steal the init's channel socket with pidfd_getfd(pidfd_open(1), fd)",
    'pidfd_getfd EPERM for every fd (or pidfd_open refused with EPERM)',
    async (observe) => {
      await deployOnce(bench, { name: 'init-attack', source: 'init_attack.py', memory: 128, timeout: 10 });
      const r = await run(bench, 'init-attack', { what: 'pidfd_getfd' });
      observe(r);
      if (r.pidfd_open !== 'ok') expect(r.pidfd_open.errno).toBe('EPERM');
      else for (const g of r.getfd) expect(g).toEqual({ ret: -1, errno: 'EPERM' });
      await bench.unharmed(observe);
    },
  );

  attack(
    'kill the init: kill(1, SIGTERM / SIGKILL / SIGSTOP / SIGINT)',
    'no effect: the init stays alive and running (the call returns 0 or EPERM), and the next invoke of the same env works',
    async (observe) => {
      await deployOnce(bench, { name: 'init-attack', source: 'init_attack.py', memory: 128, timeout: 10 });
      const r = await run(bench, 'init-attack', { what: 'kill' });
      observe(r);
      expect(r.initAlive).toBe(true);
      for (const s of ['SIGTERM', 'SIGKILL', 'SIGSTOP', 'SIGINT']) expect([{ ok: null }, { error: 'EPERM' }]).toContainEqual(r[s]);
      const next = await invoke(bench.client, 'init-attack', { what: 'read' });
      observe(`next invoke: ${next.status} ${next.functionError ?? 'ok'}`);
      expect(next.status).toBe(200);
      expect(next.functionError).toBeUndefined();
      await bench.unharmed(observe);
    },
  );

  attack(
    'read host files: /etc/shadow, the Docker socket, the data directory, the code store',
    "/etc/shadow absent or EACCES, never the host's; docker.sock ENOENT; data dir and code store ENOENT",
    async (observe) => {
      await deployOnce(bench, { name: 'host-files', source: 'host_files.py', memory: 128 });
      const hostShadow = sha256('/etc/shadow');
      const dataDir = bench.server.dataDir;
      const r = await run(bench, 'host-files', { what: 'files', paths: [dataDir, join(dataDir, 'code'), join(dataDir, 'run')] });
      observe({ shadow: r.shadow.ok ? (r.shadow.ok === hostShadow ? "the host's content" : 'readable, not the host\'s') : r.shadow, dockerSock: r.dockerSock, paths: r.paths });
      expect(r.shadow.ok).not.toBe(hostShadow);
      expect(['ENOENT', 'EACCES']).toContain(r.shadow.error);
      for (const v of Object.values(r.dockerSock)) expect(v).toEqual({ error: 'ENOENT' });
      for (const v of Object.values(r.paths)) expect(v).toEqual({ error: 'ENOENT' });
      await bench.unharmed(observe);
    },
  );

  attack(
    'read host identifiers: /proc/cmdline and boot_id (uptime recorded, not hidden)',
    "/proc/cmdline masked (empty or not the host's); boot_id not the host's",
    async (observe) => {
      await deployOnce(bench, { name: 'host-files', source: 'host_files.py', memory: 128 });
      const r = await run(bench, 'host-files', { what: 'identifiers' });
      const hostUptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
      const hostBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      const cmdline = r.cmdline.ok === sha256('/proc/cmdline') ? "the host's" : 'ok' in r.cmdline ? "not the host's" : r.cmdline.error;
      const bootId = r.bootId.ok === hostBootId ? "the host's" : 'ok' in r.bootId ? `not the host's (${JSON.stringify(r.bootId.ok)})` : r.bootId.error;
      const uptime = r.uptime.ok && Math.abs(r.uptime.ok - hostUptime) < 60 ? "the host kernel's (not hidden)" : JSON.stringify(r.uptime);
      observe(`cmdline: ${cmdline} (${r.cmdlineLen.ok ?? r.cmdlineLen.error} chars); boot_id: ${bootId}; uptime: ${uptime}`);
      expect(cmdline).not.toBe("the host's");
      expect(bootId).not.toBe("the host's");
      await bench.unharmed(observe);
    },
  );

  attack(
    'write anywhere but /tmp: /, /var/task, /opt, /etc, /var/runtime, /run/lwb, /lwb, /usr',
    'EROFS or EACCES everywhere; /tmp writable',
    async (observe) => {
      await deployOnce(bench, { name: 'host-files', source: 'host_files.py', memory: 128 });
      const r = await run(bench, 'host-files', { what: 'write' });
      observe(r);
      for (const [p, v] of Object.entries<any>(r)) {
        if (p === '/tmp/escape') expect(v).toEqual({ ok: null });
        else expect(['EROFS', 'EACCES', 'ENOENT'], p).toContain(v.error);
      }
      await bench.unharmed(observe);
    },
  );

  attack(
    '/dev/shm: a writable shared-memory tmpfs',
    'absent, as on Lambda: listing and creating a file there ENOENT',
    async (observe) => {
      await deployOnce(bench, { name: 'host-files', source: 'host_files.py', memory: 128 });
      const r = await run(bench, 'host-files', { what: 'mounts' });
      observe({ list: r.devShm, create: r.devShmWrite });
      expect(r.devShm).toEqual({ error: 'ENOENT' });
      expect(r.devShmWrite).toEqual({ error: 'ENOENT' });
      await bench.unharmed(observe);
    },
  );

  attack(
    '/proc/self/mountinfo: host paths and loop devices',
    "no /dev/loop device and no path of the workbench's data directory (the run folder is a tmpfs of its own; code is an overlay named relative to the code store)",
    async (observe) => {
      await deployOnce(bench, { name: 'host-files', source: 'host_files.py', memory: 128 });
      const r = await run(bench, 'host-files', { what: 'mounts' });
      const lines = (r.mountinfo as string).split('\n').filter(Boolean);
      // "<id> <parent> <dev> <root> <mount point> ... - <fstype> <source> <options>": the host-side fields.
      const brief = (l: string) => `${l.split(' ')[3]} on ${l.split(' ')[4]} from ${l.split(' - ')[1]?.split(' ').slice(0, 3).join(' ')}`;
      const leaks = lines.filter((l) => l.includes(bench.server.dataDir) || l.includes('/dev/loop'));
      const code = lines.filter((l) => / \/(var\/task|opt) /.test(l));
      // Docker's own storage (the root filesystem's overlay, /etc/hostname…) is recorded, not asserted: README, Security.
      const dockerPaths = lines.filter((l) => l.includes('/var/lib/docker'));
      observe({ codeMounts: code.map(brief), leaks: leaks.map(brief), dockerPathsNotAsserted: dockerPaths.length });
      expect(leaks).toEqual([]);
      expect(code.some((l) => /overlay overlay ro,lowerdir=[0-9a-f]{64}:\.empty/.test(l))).toBe(true);
      await bench.unharmed(observe);
    },
  );

  attack(
    "the host's cgroup tree through /proc/self/cgroup",
    "a private cgroup namespace: every hierarchy's path is the env's own root '/'",
    async (observe) => {
      await deployOnce(bench, { name: 'host-files', source: 'host_files.py', memory: 128 });
      const r = await run(bench, 'host-files', { what: 'mounts' });
      const lines = (r.cgroup as string).trim().split('\n');
      observe(lines.join(' | '));
      for (const l of lines) expect(l).toMatch(/:\/$/);
      await bench.unharmed(observe);
    },
  );
}
