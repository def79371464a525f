// The engine's state as the status bar shows it: Docker (reachable, version),
// the runtime images (ready, building with progress, missing, failed), where
// the API and function URLs answer, the auth mode, env counts, the app version.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineStatus, EnvCounts } from '../../contract/results.js';
import type { Engine } from '../engine.js';
import { REPO_ROOT } from '../images/rootfs.js';

/** What the host (server or Electron shell) knows and the engine does not. */
export interface HostContext {
  apiEndpoint: () => string;
  functionUrlEndpoint: () => string;
  authMode: () => 'default' | 'strict' | 'off';
}

const DOCKER_TIMEOUT_MS = 5000;

let appVersion: string | undefined;
function version(): string {
  if (appVersion === undefined) {
    try {
      appVersion = String((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: unknown }).version ?? 'unknown');
    } catch {
      appVersion = 'unknown';
    }
  }
  return appVersion;
}

/** Envs by what the window shows: warm (idle), frozen, starting (created or in INIT), busy. */
export function envCounts(envs: readonly { state: string }[]): EnvCounts {
  const counts: EnvCounts = { warm: 0, frozen: 0, starting: 0, busy: 0 };
  for (const e of envs) {
    if (e.state === 'idle') counts.warm++;
    else if (e.state === 'frozen') counts.frozen++;
    else if (e.state === 'starting' || e.state === 'initializing') counts.starting++;
    else if (e.state === 'invoking') counts.busy++;
  }
  return counts;
}

/** Env counts per function, from one snapshot of every env. */
export function envCountsByFunction(engine: Engine): Map<string, EnvCounts> {
  const byFn = new Map<string, { state: string }[]>();
  for (const e of engine.environments()) {
    const list = byFn.get(e.functionName) ?? [];
    list.push(e);
    byFn.set(e.functionName, list);
  }
  return new Map([...byFn].map(([fn, envs]) => [fn, envCounts(envs)]));
}

export class StatusReporter {
  private docker: EngineStatus['docker'] = { ok: false, error: 'not checked yet' };

  constructor(
    private readonly engine: Engine,
    private readonly host: HostContext,
  ) {}

  /** Asks Docker for its version (a few seconds at most); returns whether the answer changed. */
  async checkDocker(): Promise<boolean> {
    const before = JSON.stringify(this.docker);
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = (await Promise.race([
        this.engine.docker.version(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${DOCKER_TIMEOUT_MS / 1000} s`)), DOCKER_TIMEOUT_MS))),
      ])) as { Version?: string };
      this.docker = { ok: true, version: answer.Version ?? 'unknown' };
    } catch (err) {
      this.docker = { ok: false, error: `Docker does not answer: ${(err as Error).message}. Start the Docker engine (e.g. dockerd) or set DOCKER_HOST.` };
    } finally {
      clearTimeout(timer);
    }
    return JSON.stringify(this.docker) !== before;
  }

  /** The status now, with Docker as last checked. */
  snapshot(): EngineStatus {
    const o = this.engine.options;
    return {
      docker: this.docker,
      images: this.engine.images.imageStates(),
      apiEndpoint: this.host.apiEndpoint(),
      functionUrlEndpoint: this.host.functionUrlEndpoint(),
      authMode: this.host.authMode(),
      region: o.region,
      dataDir: o.dataDir,
      envs: envCounts(this.engine.environments()),
      version: version(),
      forceCold: o.forceCold,
    };
  }

  /** The status with Docker asked now and the images probed (once). */
  async get(): Promise<EngineStatus> {
    await Promise.all([this.checkDocker(), this.engine.images.probe()]);
    return this.snapshot();
  }
}
