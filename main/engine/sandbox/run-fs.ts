// What an env's /proc/self/mountinfo says about the host. The kernel prints a
// bind mount's source as its path inside its filesystem, so binding
// <data-dir>/run/<id>/task into an env showed the data directory (and with it
// the user's home). Where the workbench may mount (root on Linux), the run
// folder is a small tmpfs of its own (an env sees `/<id>/task` on "lwb-run"),
// and code and layers are not hard-linked into it but mounted on it as a
// read-only overlay whose layers are named relative to the code store (an env
// sees `lowerdir=<key>:.empty`). The mounts reach the already running
// container through rslave propagation from the shared tmpfs, so ready
// sandboxes still work. Elsewhere code is hard-linked as before.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostCommand, hostTool as tool } from './host-commands.js';

const MOUNT = tool('mount');
const UMOUNT = tool('umount');
/** An empty bottom layer: an overlay without an upper directory needs two lower ones. */
const EMPTY_LAYER = '.empty';

/** Why the run folder cannot be a filesystem of its own here, or undefined when it can. */
export function runFsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'mounts are a Linux feature';
  if (process.getuid?.() !== 0) return 'mounting needs root';
  let fs = '';
  try {
    fs = readFileSync('/proc/filesystems', 'utf8');
  } catch {
    return 'no /proc/filesystems';
  }
  if (!/\toverlay$/m.test(fs) || !/\ttmpfs$/m.test(fs)) return 'the kernel lacks overlay or tmpfs';
  return undefined;
}

/** Mount points at or under `dir`, deepest first (mountinfo escapes spaces as \040). */
function mountsUnder(dir: string): string[] {
  let info = '';
  try {
    info = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const points = info
    .split('\n')
    .map((l) => l.split(' ')[4]?.replace(/\\040/g, ' ') ?? '')
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return points.sort((a, b) => b.length - a.length);
}

/**
 * Unmounts (lazily) everything at or under `dir`: what a killed workbench left mounted. Synchronous:
 * it runs at startup and at close, when nothing is being served.
 */
export function unmountUnder(dir: string): void {
  for (const point of mountsUnder(dir)) {
    try {
      execFileSync(UMOUNT, ['-l', point]);
    } catch {
      /* gone meanwhile */
    }
  }
}

/** A small owner-only tmpfs on `dir`, shared so that mounts made on it later reach the envs binding parts of it. */
export function mountRunFs(dir: string): void {
  execFileSync(MOUNT, ['-t', 'tmpfs', '-o', 'size=16m,mode=0700', 'lwb-run', dir]);
  execFileSync(MOUNT, ['--make-rshared', dir]);
}

/** Mounts code store trees (`keys`, the topmost first) read-only on `target`, named relative to the store. */
export async function mountOverlay(codeRoot: string, keys: string[], target: string): Promise<void> {
  if (keys.length === 0) return;
  mkdirSync(join(codeRoot, EMPTY_LAYER), { recursive: true });
  // Through the helper: a spawn from this process stalls its event loop (host-commands.ts).
  await hostCommand(MOUNT, ['-t', 'overlay', 'overlay', '-o', `ro,lowerdir=${[...keys, EMPTY_LAYER].join(':')}`, target], { cwd: codeRoot });
}

export async function unmount(target: string): Promise<void> {
  await hostCommand(UMOUNT, ['-l', target]).catch(() => {});
}
