// Runtime images: the rootfs of rootfs.ts imported into Docker with
// `docker import`, tagged by a hash of its inputs so a change to the init, a
// runtime client or a host library rebuilds it. Built on first need.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { listRuntimes, type RuntimeSpec } from '../runtimes.js';
import { REPO_ROOT, materializeAsync, planHash, planRootfsAsync } from './rootfs.js';
import { cacheRoot, ensureNodeBinary } from './node-dist.js';

const execFileP = promisify(execFile);
const INIT_DIR = join(REPO_ROOT, 'runtimes', 'init');

export type Progress = (message: string) => void;

export function initSources(): string[] {
  return readdirSync(INIT_DIR)
    .filter((f) => f.endsWith('.c') || f.endsWith('.h'))
    .map((f) => join(INIT_DIR, f));
}

/**
 * Compiles the static init once per source hash into `cacheDir` (by default the machine's cache,
 * shared by every checkout and data directory: gcc took 6–8 s for each new data directory).
 */
export async function buildInit(cacheDir = join(cacheRoot(), 'init'), progress: Progress = () => {}): Promise<string> {
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

/** LWB_IMAGE_REPO: tests that must see a build from scratch use a repository of their own. */
export const IMAGE_REPO = process.env.LWB_IMAGE_REPO ?? 'lambda-workbench/runtime';
/** Images of earlier inputs kept per runtime besides the current one (another checkout may use them). */
const KEEP_OTHER_IMAGES = 2;

export function imageTag(runtime: RuntimeSpec, hash: string): string {
  return `${IMAGE_REPO}:${runtime.id}-${hash}`;
}

/** Where a runtime's image stands, for the window's status bar. */
export interface ImageState {
  runtime: string;
  /** missing: not built for these inputs yet (the first invoke builds it). */
  state: 'ready' | 'building' | 'missing' | 'failed';
  /** The build's last progress line. */
  progress?: string;
  error?: string;
}

/**
 * Ensures each runtime's image exists in the engine, building at most one at a
 * time per runtime (concurrent first invokes share the build).
 */
export class RuntimeImages {
  private readonly builds = new Map<string, Promise<string>>();
  /** What each build did and how long it took, for the first invocations that waited for it. */
  private readonly summaries = new Map<string, string>();
  /** Each runtime's state as this process knows it (probe() fills in the ones not yet needed). */
  private readonly states = new Map<string, ImageState>();
  private readonly stateListeners = new Set<(state: ImageState) => void>();
  private probing: Promise<void> | undefined;

  constructor(
    private readonly docker: Docker,
    private readonly cacheDir: string,
    private readonly progress: Progress = () => {},
  ) {}

  /**
   * The image, and when this call had to wait for it to be built, a line saying what was built
   * and how long it took (the first invoke's log shows it: the caller sees why it waited).
   */
  async ensureNoting(runtime: RuntimeSpec): Promise<{ image: string; built?: string }> {
    const waited = !this.summaries.has(runtime.id);
    const image = await this.ensure(runtime);
    const built = waited ? this.summaries.get(runtime.id) : undefined;
    return built ? { image, built } : { image };
  }

  ensure(runtime: RuntimeSpec): Promise<string> {
    let p = this.builds.get(runtime.id);
    if (!p) {
      p = this.build(runtime);
      this.builds.set(runtime.id, p);
      p.then(
        () => this.setState({ runtime: runtime.id, state: 'ready' }),
        (err: Error) => {
          this.builds.delete(runtime.id);
          this.setState({ runtime: runtime.id, state: 'failed', progress: this.states.get(runtime.id)?.progress, error: err.message });
        },
      );
    }
    return p;
  }

  /** Every runtime's image state (runtimes not probed yet and never needed show as missing). */
  imageStates(): ImageState[] {
    return listRuntimes().map((r) => this.states.get(r.id) ?? { runtime: r.id, state: 'missing' });
  }

  /** Follows state changes (building progress, ready, failed); returns the unsubscribe. */
  onStateChange(listener: (state: ImageState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * Finds out, once, which runtimes already have an image in Docker, with one listImages call
   * and nothing built or downloaded. Not proof the image matches the current inputs: that
   * needs the rootfs planned (ldd on every binary, seconds of blocked event loop on a busy
   * machine), which the first invoke does anyway and which rebuilds when the inputs changed.
   */
  probe(): Promise<void> {
    this.probing ??= (async () => {
      try {
        const images = await this.docker.listImages({ filters: { reference: [`${IMAGE_REPO}:*`] } });
        const tags = images.flatMap((img) => img.RepoTags ?? []);
        for (const runtime of listRuntimes()) {
          if (this.states.has(runtime.id) || !tags.some((t) => t.startsWith(`${IMAGE_REPO}:${runtime.id}-`))) continue;
          this.setState({ runtime: runtime.id, state: 'ready', progress: `[image] ${runtime.id}: found in Docker (checked against the current inputs on first use)` });
        }
      } catch {
        this.probing = undefined; // Docker did not answer: ask again next time
      }
    })();
    return this.probing;
  }

  private setState(state: ImageState): void {
    const before = this.states.get(state.runtime);
    if (before && before.state === state.state && before.progress === state.progress && before.error === state.error) return;
    this.states.set(state.runtime, state);
    for (const listener of this.stateListeners) {
      try {
        listener(state);
      } catch {
        /* the listener's own failure */
      }
    }
  }

  private async build(runtime: RuntimeSpec): Promise<string> {
    const say = (m: string) => {
      this.progress(`[image ${runtime.id}] ${m}`);
      this.setState({ runtime: runtime.id, state: 'building', progress: `[image] ${runtime.id}: ${m}` });
    };
    const node = runtime.family === 'nodejs' ? await ensureNodeBinary(runtime.nodeMajor!, say) : undefined;
    // ldd and copies run off the server's thread (rootfs.ts): the first invoke of a runtime no longer stalls every other request.
    const plan = await planRootfsAsync(runtime, node);
    const tag = imageTag(runtime, planHash(plan, initSources()));
    if (await this.exists(tag)) return tag;

    const started = Date.now();
    const steps: string[] = [];
    const init = await buildInit(undefined, (m) => {
      steps.push('compiled the init');
      say(m);
    });
    mkdirSync(this.cacheDir, { recursive: true });
    const dir = mkdtempSync(join(this.cacheDir, `rootfs-${runtime.id}-`));
    try {
      say('assembling the root filesystem');
      await materializeAsync(plan, dir, init);
      say(`importing into Docker as ${tag}`);
      await this.importDir(dir, tag, say);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    say(`ready in ${seconds} s`);
    this.summaries.set(runtime.id, `built the ${runtime.id} runtime image ${tag} in ${seconds} s (${[...steps, 'assembled its root filesystem', 'imported it into Docker'].join(', ')})`);
    await this.removeStale(runtime, tag);
    return tag;
  }

  /**
   * Removes this runtime's images from earlier inputs but the newest few (a second checkout on
   * another commit may be using one); an image still used by a container stays.
   */
  private async removeStale(runtime: RuntimeSpec, current: string): Promise<void> {
    const images = await this.docker.listImages({ filters: { reference: [`${IMAGE_REPO}:${runtime.id}-*`] } });
    const others = images.filter((img) => !(img.RepoTags ?? []).includes(current)).sort((a, b) => b.Created - a.Created);
    for (const img of others.slice(KEEP_OTHER_IMAGES)) {
      await this.docker.getImage(img.Id).remove().catch((err: Error) => this.progress(`[images] could not remove ${img.RepoTags?.[0] ?? img.Id}: ${err.message}`));
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
