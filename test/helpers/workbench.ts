// Reads the workbench's own views (environments, logs) and the real state of
// an env's container from the kernel, so tests observe what really happened.
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { signedFetch } from './signed-fetch.js';

export interface EnvView {
  id: string;
  functionName: string;
  state: string;
  logStream: string;
  containerId?: string;
}

export async function environments(url: string, fn?: string): Promise<EnvView[]> {
  const res = await signedFetch(`${url}/_workbench/environments${fn ? `?function=${fn}` : ''}`);
  return (await res.json()) as EnvView[];
}

export interface EngineEventView {
  kind: string;
  envId: string;
  from?: string | null;
  to?: string;
  cause?: string;
  phase?: string;
  status?: string;
}

export async function events(url: string, fn: string): Promise<EngineEventView[]> {
  const res = await signedFetch(`${url}/_workbench/events?function=${fn}`);
  return (await res.json()) as EngineEventView[];
}

export interface LogStreamView {
  name: string;
  text: string;
  ended: boolean;
}

/** A function's log streams, one per env, live or ended (`/_workbench/logs`). */
export async function logStreams(url: string, fn: string): Promise<LogStreamView[]> {
  const res = await signedFetch(`${url}/_workbench/logs?function=${fn}`);
  return (await res.json()) as LogStreamView[];
}

export async function logText(url: string, fn: string): Promise<string> {
  return (await logStreams(url, fn)).map((s) => s.text).join('');
}

export const docker = new Docker();

/** The kernel's freezer state of a container: FROZEN, THAWED (v1) or 1/0 (v2). */
export async function freezerState(containerId: string): Promise<string> {
  const info = await docker.getContainer(containerId).inspect();
  const cg = readFileSync(`/proc/${info.State.Pid}/cgroup`, 'utf8');
  const v1 = cg.match(/^\d+:freezer:(.*)$/m);
  if (v1) return readFileSync(`/sys/fs/cgroup/freezer${v1[1]}/freezer.state`, 'utf8').trim();
  const v2 = cg.match(/^0::(.*)$/m)!;
  return /frozen 1/.test(readFileSync(`/sys/fs/cgroup${v2[1]}/cgroup.events`, 'utf8')) ? 'FROZEN' : 'THAWED';
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
