// `lwb` says what to change when it cannot start (issue 9 H): a port in use, a
// data directory that is a file, read-only or unmakeable name the flag; every
// command answers --help.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO, startServer, tempDataDir } from '../helpers/server.js';

const run = promisify(execFile);
async function lwb(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', join(REPO, 'main/server/cli.ts'), ...args], { cwd: REPO, timeout: 60_000 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('lwb at start', () => {
  it('names the data directory and what is wrong with it', async () => {
    const file = join(tempDataDir(), 'a-file');
    writeFileSync(file, 'x');
    const asFile = await lwb('serve', '--port', '0', '--data-dir', file);
    expect(asFile.code).toBe(2);
    expect(asFile.out).toContain(`--data-dir ${file}: the workbench cannot keep its data there: a file (not a folder) is in the way`);
    // A pseudo filesystem where mkdir answers ENOENT (Node's recursive mkdir spun forever on it).
    const proc = await lwb('serve', '--port', '0', '--data-dir', '/proc/lwb-test');
    expect(proc.code).toBe(2);
    expect(proc.out).toContain('--data-dir /proc/lwb-test: the workbench cannot keep its data there');
    expect(proc.out).not.toMatch(/EEXIST|ENOENT|EROFS/);
  });

  it('names the port flag when the port is taken', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const r = await lwb('serve', '--port', String(port), '--data-dir', tempDataDir(), '--ready-sandboxes', '0');
      expect(r.code).toBe(2);
      expect(r.out).toContain(`port ${port} is already in use (another workbench, or another program): choose another with --port <p>, or --port 0 for a free one.`);
      expect(r.out).not.toMatch(/EADDRINUSE/);
    } finally {
      taken.close();
    }
  }, 90_000);

  it('answers --help for every command', async () => {
    for (const args of [['serve'], ['audit', 'verify'], ['credentials'], ['events', 'list'], ['events', 'export']]) {
      const r = await lwb(...args, '--help');
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.out).toMatch(new RegExp(`usage: lwb ${args[0]}`));
    }
    const gen = await lwb('events', 'generate', 's3', 'put', '--help');
    expect(gen.code).toBe(0);
    expect(gen.out).toMatch(/--bucket <string>\s+Bucket name/);
    expect(gen.out).not.toContain('needs a value');
  }, 90_000);

  it('lwb configure gives a machine without AWS credentials or region a profile the AWS CLI works with', async () => {
    const home = tempDataDir('lwb-home-');
    const server = await startServer();
    try {
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_CONFIG_FILE: join(home, 'config') };
      const aws = (...args: string[]) => run('aws', ['lambda', 'list-functions', '--endpoint-url', server.url, ...args], { env, timeout: 60_000 }).then((r) => ({ code: 0, out: r.stdout }), (e) => ({ code: e.code as number, out: String(e.stderr) }));
      // As the README's commands fail on a fresh machine: no region, no credentials.
      expect((await aws()).out).toMatch(/You must specify a region|Unable to locate credentials/);
      const r = await run(process.execPath, ['--import', 'tsx', join(REPO, 'main/server/cli.ts'), 'configure', '--data-dir', server.dataDir], { cwd: REPO, env: { ...env, PATH: process.env.PATH } });
      expect(r.stdout).toContain('wrote AWS CLI profile "workbench"');
      const ok = await aws('--profile', 'workbench');
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.out)).toHaveProperty('Functions');
    } finally {
      await server.stop();
    }
  }, 120_000);
});
