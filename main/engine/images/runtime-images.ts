// Runtime images: the rootfs of rootfs.ts imported into Docker with
// `docker import`, tagged by a hash of its inputs so a change to the init, a
// runtime client or a host library rebuilds it. Built on first need.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import type { RuntimeSpec } from '../runtimes.js';
import { REPO_ROOT, materialize, planHash, planRootfs } from './rootfs.js';
import { ensureNodeBinary } from './node-dist.js';

const execFileP = promisify(execFile);
const INIT_DIR = join(REPO_ROOT, 'runtimes', 'init');

export type Progress = (message: string) => void;

export function initSources(): string[] {
  return readdirSync(INIT_DIR)
    .filter((f) => f.endsWith('.c') || f.endsWith('.h'))
    .map((f) => join(INIT_DIR, f));
}

/** Compiles the static init once per source hash into `cacheDir`. */
export async function buildInit(cacheDir: string, progress: Progress = () => {}): Promise<string> {
  const sources = initSources();
  if (sources.length === 0) throw new Error(`no init sources in ${INIT_DIR}`);
  const h = createHash('sha256');
  for (const s of sources.sort()) h.update(readFileSync(s));
  const out = join(cacheDir, `init-${h.digest('hex').slice(0, 16)}`);
  if (existsSync(out)) return out;
  mkdirSync(cacheDir, { recursive: true });
  progress('compiling the init (gcc -static)');
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    await execFileP('gcc', ['-static', '-O2', '-Wall', '-o', tmp, ...sources.filter((s) => s.endsWith('.c'))]);
  } catch (err) {
    const e = err as { stderr?: string; code?: string };
    if (e.code === 'ENOENT') throw new Error('gcc is needed to build the init (apt-get install gcc libc6-dev)');
    throw new Error(`building the init failed:\n${e.stderr ?? String(err)}`);
  }
  renameSync(tmp, out);
  return out;
}

export const IMAGE_REPO = 'lambda-workbench/runtime';

export function imageTag(runtime: RuntimeSpec, hash: string): string {
  return `${IMAGE_REPO}:${runtime.id}-${hash}`;
}

/**
 * Ensures each runtime's image exists in the engine, building at most one at a
 * time per runtime (concurrent first invokes share the build).
 */
export class RuntimeImages {
  private readonly builds = new Map<string, Promise<string>>();

  constructor(
    private readonly docker: Docker,
    private readonly cacheDir: string,
    private readonly progress: Progress = () => {},
  ) {}

  ensure(runtime: RuntimeSpec): Promise<string> {
    let p = this.builds.get(runtime.id);
    if (!p) {
      p = this.build(runtime);
      this.builds.set(runtime.id, p);
      p.catch(() => this.builds.delete(runtime.id));
    }
    return p;
  }

  private async build(runtime: RuntimeSpec): Promise<string> {
    const say = (m: string) => this.progress(`[image ${runtime.id}] ${m}`);
    const node = runtime.family === 'nodejs' ? await ensureNodeBinary(runtime.nodeMajor!, say) : undefined;
    const plan = planRootfs(runtime, node);
    const tag = imageTag(runtime, planHash(plan, initSources()));
    if (await this.exists(tag)) return tag;

    const started = Date.now();
    const init = await buildInit(this.cacheDir, say);
    mkdirSync(this.cacheDir, { recursive: true });
    const dir = mkdtempSync(join(this.cacheDir, `rootfs-${runtime.id}-`));
    try {
      say('assembling the root filesystem');
      materialize(plan, dir, init);
      say(`importing into Docker as ${tag}`);
      await this.importDir(dir, tag, say);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await this.removeStale(runtime, tag);
    return tag;
  }

  /** Removes this runtime's images from earlier inputs; one still used by a container stays. */
  private async removeStale(runtime: RuntimeSpec, current: string): Promise<void> {
    const images = await this.docker.listImages({ filters: { reference: [`${IMAGE_REPO}:${runtime.id}-*`] } });
    for (const img of images) {
      if ((img.RepoTags ?? []).includes(current)) continue;
      await this.docker.getImage(img.Id).remove().catch(() => {});
    }
  }

  private async exists(tag: string): Promise<boolean> {
    try {
      await this.docker.getImage(tag).inspect();
      return true;
    } catch {
      return false;
    }
  }

  /** `docker import` of a tar of `dir`; files owned by root as in a real image. */
  private async importDir(dir: string, tag: string, say: Progress): Promise<void> {
    const tar = spawn('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', dir, '-cf', '-', '.'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tarErr = '';
    tar.stderr.on('data', (d) => (tarErr += d));
    let sent = 0;
    let lastReport = 0;
    tar.stdout.on('data', (d: Buffer) => {
      sent += d.length;
      if (sent - lastReport > 50 * 1024 * 1024) {
        lastReport = sent;
        say(`imported ${(sent / 1024 / 1024).toFixed(0)} MB`);
      }
    });
    const [repo, tagPart] = [tag.slice(0, tag.lastIndexOf(':')), tag.slice(tag.lastIndexOf(':') + 1)];
    const stream = await this.docker.importImage(tar.stdout as unknown as string, { repo, tag: tagPart } as object);
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve()));
    });
    const code: number = await new Promise((r) => (tar.exitCode !== null ? r(tar.exitCode) : tar.on('close', r)));
    if (code !== 0) throw new Error(`tar failed (${code}): ${tarErr}`);
    if (!(await this.exists(tag))) throw new Error(`docker import did not produce ${tag}`);
  }
}
