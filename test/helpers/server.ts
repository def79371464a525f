// Starts the real headless workbench (`lwb serve`) as a child process, as a
// user would, and gives tests its URL and ways to stop or kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { registerCredentials, TEST_CREDENTIALS, type Credentials } from './signed-fetch.js';

export const REPO = join(import.meta.dirname, '..', '..');

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  proc: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for a clean exit; resolves with the exit code. */
  stop: () => Promise<number | null>;
  /** SIGKILL, as a crash would. */
  kill9: () => Promise<void>;
  /** An SDK client signing with `credentials` (or, when not given, the ones this server accepts). */
  client: (credentials?: Credentials) => LambdaClient;
  /** `--auth` as started (default unless args said otherwise). */
  authMode: string;
  /** The workbench's own keys (from <dataDir>/credentials.json, made on first start). */
  workbenchCredentials: Credentials;
  /** What tests sign with: the workbench's keys under strict auth, test keys otherwise. */
  credentials: Credentials;
}

/** Every server a test started; killed when the test process ends, whatever happened in between. */
const started = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of started) if (p.exitCode === null) p.kill('SIGKILL');
});

export function tempDataDir(prefix = 'lwb-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `env`: variables added to the server's environment (e.g. AWS_CONFIG_FILE for a test profile). */
export async function startServer(opts: { dataDir?: string; args?: string[]; env?: Record<string, string> } = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO, 'main/server/cli.ts'), 'serve', '--port', '0', '--data-dir', dataDir, ...(opts.args ?? [])],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } },
  );
  started.add(proc);
  proc.once('exit', () => started.delete(proc));
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = () => {
      const m = out.match(/Lambda API listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${out}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const args = opts.args ?? [];
  const authAt = args.indexOf('--auth');
  const authMode = authAt >= 0 ? args[authAt + 1]! : (args.find((a) => a.startsWith('--auth='))?.slice('--auth='.length) ?? 'default');
  const stored = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as Credentials;
  const workbenchCredentials = { accessKeyId: stored.accessKeyId, secretAccessKey: stored.secretAccessKey };
  const credentials = authMode === 'strict' ? workbenchCredentials : TEST_CREDENTIALS;
  registerCredentials(url, credentials);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return {
    url,
    port,
    dataDir,
    proc,
    output: () => out,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      proc.kill('SIGKILL');
      await exited;
    },
    client: (creds = credentials) =>
      new LambdaClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: creds,
        maxAttempts: 1,
      }),
    authMode,
    workbenchCredentials,
    credentials,
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
