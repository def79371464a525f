// `npm start` stops its server however it is stopped (issue 9 H): npm does not
// always pass SIGTERM on to its script, and a launcher killed outright used to
// leave the server running on its port.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO, tempDataDir, removeDir } from '../helpers/server.js';

function serverPid(out: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const until = Date.now() + 90_000;
    const poll = setInterval(async () => {
      const m = out().match(/Lambda API listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        clearInterval(poll);
        // The server answers on its port: find its pid from the port's owner.
        const { execFileSync } = await import('node:child_process');
        const ss = execFileSync('ss', ['-ltnpH', `sport = :${m[1]}`]).toString();
        resolve(Number(ss.match(/pid=(\d+)/)![1]));
      } else if (Date.now() > until) {
        clearInterval(poll);
        reject(new Error(`no server:\n${out()}`));
      }
    }, 200);
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('npm start', () => {
  for (const [how, signal] of [['its launcher is terminated by a parent that does not pass the signal on', 'SIGTERM'], ['its launcher is killed', 'SIGKILL']] as const) {
    it(`stops its server when ${how}`, async () => {
      const dataDir = tempDataDir();
      // `sh -c '…; true'` stays the parent (no exec) and, like npm at times, dies without forwarding.
      const sh = spawn('sh', ['-c', `node scripts/start.mjs --port 0 --data-dir ${dataDir}; true`], { cwd: REPO, env: { ...process.env, LWB_SERVE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      sh.stdout!.on('data', (d) => (out += d));
      sh.stderr!.on('data', (d) => (out += d));
      const pid = await serverPid(() => out);
      expect(out).toContain(`data (functions, code, history): ${dataDir}`);
      expect(out).toMatch(/Stop with Ctrl\+C or SIGTERM/);
      if (signal === 'SIGTERM') sh.kill('SIGTERM');
      else {
        const { execFileSync } = await import('node:child_process');
        const launcher = Number(execFileSync('pgrep', ['-f', `scripts/start.mjs --port 0 --data-dir ${dataDir}`]).toString().trim().split('\n')[0]);
        process.kill(launcher, 'SIGKILL');
      }
      expect(await gone(pid, 15_000)).toBe(true);
      removeDir(dataDir);
    }, 120_000);
  }
});
