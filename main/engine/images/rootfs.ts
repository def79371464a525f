// Assembles a runtime's root filesystem from parts reachable without a
// container registry: official Node.js binaries from the npm registry, the
// host's Python and shared libraries, our static init and runtime clients.
// The result is a plain directory; runtime-images.ts imports it into Docker.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, symlinkSync, writeFileSync, chmodSync, lstatSync, utimesSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuntimeSpec } from '../runtimes.js';
import { hostCommand, HostCommandError } from '../sandbox/host-commands.js';

/** The workbench's own folder (runtimes/ lives there), found from this file whether run from source or dist/. */
export const REPO_ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'runtimes', 'init', 'PROTOCOL.md'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the workbench folder (runtimes/init is missing)');
    dir = up;
  }
  return dir;
})();
const RUNTIMES_DIR = join(REPO_ROOT, 'runtimes');

/** Bump when the recipe itself changes in a way the inputs do not show. */
const RECIPE_VERSION = 4;

/** Lambda's sandbox user (`sbx_user1051`). */
export const SANDBOX_UID = 993;
export const SANDBOX_GID = 990;

/** Tools a bootstrap script or a function's child process commonly relies on (AL2023 has them). */
const BASE_TOOLS = ['bash', 'cat', 'cut', 'tr', 'grep', 'sed', 'awk', 'mktemp', 'head', 'tail', 'ls', 'rm', 'mkdir', 'env', 'sleep', 'echo', 'printf', 'wc', 'date', 'curl', 'dd', 'sort', 'uname', 'id', 'true', 'false', 'test', 'basename', 'dirname', 'tee', 'touch', 'cp', 'mv'];

/** One file placed into the rootfs: host file → path inside. */
interface Entry {
  from: string;
  to: string;
  mode?: number;
}

export interface RootfsPlan {
  runtime: RuntimeSpec;
  entries: Entry[];
  /** Directories copied whole (host dir → path inside). */
  trees: Entry[];
  /** Generated files (path inside → content). */
  files: Map<string, string>;
  /** Symlinks (path inside → target). */
  links: Map<string, string>;
  /** Our own sources compiled into the rootfs (hashed by content). */
  sources: string[];
}

function which(tool: string): string | null {
  for (const dir of ['/usr/bin', '/bin', '/usr/local/bin', '/usr/sbin', '/sbin']) {
    const p = join(dir, tool);
    if (existsSync(p)) return p;
  }
  return null;
}

/**
 * ldd's answer for many files at once: one ldd for all of them (it names each
 * file before its libraries), not one per file. ldd exits 1 when any file is
 * not dynamic (scripts, static binaries): what it printed still counts.
 */
function parseLdd(files: string[], out: string): Map<string, string[]> {
  const libs = new Map<string, string[]>(files.map((f) => [f, []]));
  let current = files.length === 1 ? libs.get(files[0]!) : undefined;
  for (const line of out.split('\n')) {
    if (files.length > 1 && line.endsWith(':') && libs.has(line.slice(0, -1))) {
      current = libs.get(line.slice(0, -1));
      continue;
    }
    if (!current) continue;
    const arrow = line.match(/=>\s+(\/\S+)/);
    if (arrow) current.push(arrow[1]!);
    else {
      const loader = line.trim().match(/^(\/\S+)\s+\(/);
      if (loader) current.push(loader[1]!);
    }
  }
  return libs;
}

/** The shared libraries each ELF file needs on this host (from ldd), including the loader; none for static binaries and scripts. */
export function sharedLibraries(files: string[]): Map<string, string[]> {
  const unique = [...new Set(files)];
  let out: string;
  try {
    out = execFileSync('ldd', unique, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    out = String((err as { stdout?: string }).stdout ?? '');
  }
  return parseLdd(unique, out);
}

/** Files per ldd run: ldd runs the loader two or three times per file, so a few runs share the cores. */
const LDD_CHUNK = 24;

/** sharedLibraries without blocking this thread: the ldd runs go through the host command helper. */
export async function sharedLibrariesAsync(files: string[]): Promise<Map<string, string[]>> {
  const unique = [...new Set(files)];
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += LDD_CHUNK) chunks.push(unique.slice(i, i + LDD_CHUNK));
  const answers = await Promise.all(
    chunks.map(async (chunk) => {
      const out = await hostCommand('ldd', chunk, { maxBuffer: 16 * 1024 * 1024, timeoutMs: 300_000 }).then(
        (r) => r.stdout,
        (err: unknown) => {
          if (err instanceof HostCommandError && err.code === 'HOST_COMMAND_FAILED') return err.stdout; // a file was not dynamic
          throw err;
        },
      );
      return parseLdd(chunk, out);
    }),
  );
  return new Map(answers.flatMap((m) => [...m]));
}

/**
 * `nodeBinary`: the official Node.js binary, for nodejs runtimes (see node-dist.ts). Runs ldd
 * while this thread waits (seconds on a busy machine): planRootfsAsync does not.
 */
export function planRootfs(runtime: RuntimeSpec, nodeBinary?: string): RootfsPlan {
  const { plan, binaries } = planWithoutLibraries(runtime, nodeBinary);
  addLibraries(plan, binaries, sharedLibraries(binaries));
  return plan;
}

/** planRootfs, with ldd run by the host command helper: the same plan, without blocking this thread. */
export async function planRootfsAsync(runtime: RuntimeSpec, nodeBinary?: string): Promise<RootfsPlan> {
  const { plan, binaries } = planWithoutLibraries(runtime, nodeBinary);
  addLibraries(plan, binaries, await sharedLibrariesAsync(binaries));
  return plan;
}

/** The plan but for the shared libraries, and the binaries whose libraries it needs. */
function planWithoutLibraries(runtime: RuntimeSpec, nodeBinary?: string): { plan: RootfsPlan; binaries: string[] } {
  const plan: RootfsPlan = { runtime, entries: [], trees: [], files: new Map(), links: new Map(), sources: [] };
  const binaries: string[] = [];

  plan.files.set('/etc/passwd', `root:x:0:0:root:/root:/sbin/nologin\nsbx_user1051:x:${SANDBOX_UID}:${SANDBOX_GID}::/home/sbx_user1051:/sbin/nologin\n`);
  plan.files.set('/etc/group', `root:x:0:\nsbx_user1051:x:${SANDBOX_GID}:\n`);
  plan.files.set('/etc/hosts', '127.0.0.1 localhost\n::1 localhost\n');
  // Names resolve from /etc/hosts (host.lambda.internal) and then DNS, for envs with a network (as AL2023).
  plan.files.set('/etc/nsswitch.conf', 'passwd: files\ngroup: files\nhosts: files dns\n');
  plan.files.set('/etc/system-release', `Lambda Workbench rootfs for ${runtime.id} (emulating Amazon Linux 2023)\n`);

  switch (runtime.family) {
    case 'nodejs': {
      if (!nodeBinary) throw new Error(`${runtime.id} needs its Node.js binary`);
      const node = nodeBinary;
      plan.entries.push({ from: node, to: '/var/lang/bin/node', mode: 0o755 });
      binaries.push(node);
      for (const f of readdirSync(join(RUNTIMES_DIR, 'nodejs'))) {
        if (f.endsWith('.mjs') || f.endsWith('.js') || f.endsWith('.cjs')) {
          plan.sources.push(join(RUNTIMES_DIR, 'nodejs', f));
          plan.entries.push({ from: join(RUNTIMES_DIR, 'nodejs', f), to: `/var/runtime/${f}` });
        }
      }
      break;
    }
    case 'python': {
      const py = runtime.pythonPath!;
      plan.entries.push({ from: py, to: py, mode: 0o755 });
      binaries.push(py);
      const minor = runtime.id.replace(/^python/, '');
      const stdlib = `/usr/lib/python${minor}`;
      plan.trees.push({ from: stdlib, to: stdlib });
      const dynload = join(stdlib, 'lib-dynload');
      if (existsSync(dynload)) for (const f of readdirSync(dynload)) if (f.endsWith('.so')) binaries.push(join(dynload, f));
      if (existsSync(`/etc/python${minor}`)) plan.trees.push({ from: `/etc/python${minor}`, to: `/etc/python${minor}` });
      plan.links.set('/var/lang/bin/python3', py);
      plan.links.set(`/var/lang/bin/python${minor}`, py);
      for (const f of readdirSync(join(RUNTIMES_DIR, 'python'))) {
        if (!f.endsWith('.py')) continue;
        plan.sources.push(join(RUNTIMES_DIR, 'python', f));
        plan.entries.push({ from: join(RUNTIMES_DIR, 'python', f), to: `/var/runtime/${f}` });
      }
      break;
    }
    case 'provided':
      break;
  }
  // Every Lambda base image (AL2023) has a shell and core tools; functions shell out to them.
  for (const tool of BASE_TOOLS) {
    const p = which(tool);
    if (!p) continue;
    plan.entries.push({ from: p, to: `/usr/bin/${tool}`, mode: 0o755 });
    binaries.push(p);
  }
  // AL2023's /bin/sh is bash; scripts written for Lambda assume it.
  plan.links.set('/usr/bin/sh', 'bash');
  plan.links.set('/bin', 'usr/bin');
  plan.links.set('/lib', 'usr/lib');

  return { plan, binaries };
}

/** Each binary's libraries, in the binaries' order (the image's hash follows the entries' order), each once. */
function addLibraries(plan: RootfsPlan, binaries: string[], libraries: Map<string, string[]>): void {
  const seen = new Set<string>();
  for (const bin of binaries) {
    for (const lib of libraries.get(bin) ?? []) {
      if (seen.has(lib)) continue;
      seen.add(lib);
      // Keep ldd's path (the loader looks there); symlinks are dereferenced on copy.
      plan.entries.push({ from: lib, to: lib.startsWith('/lib/') ? `/usr${lib}` : lib });
    }
  }
}

function fileFingerprint(path: string): string {
  // The workbench's own files by content and place in the checkout, so every checkout of the same
  // sources shares one image (by absolute path and mtime, two checkouts replaced each other's).
  const own = relative(REPO_ROOT, path);
  if (!own.startsWith('..') && !own.startsWith('/')) return `${own}:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
  const st = statSync(path);
  return `${path}:${st.size}:${Math.floor(st.mtimeMs)}`;
}

/**
 * The image tag's hash: our own sources by content (a change to the init or a
 * runtime client must rebuild), host files by path, size and mtime (a package
 * upgrade rebuilds; hashing 150 MB of host files on every start would not).
 */
export function planHash(plan: RootfsPlan, initSources: string[]): string {
  const h = createHash('sha256');
  h.update(`recipe ${RECIPE_VERSION} ${plan.runtime.id} ${process.arch}\n`);
  for (const src of [...initSources, ...plan.sources].sort()) {
    h.update(`${relative(REPO_ROOT, src)}\n`);
    h.update(readFileSync(src));
  }
  for (const e of plan.entries) h.update(`${e.to} ${fileFingerprint(e.from)} ${e.mode ?? ''}\n`);
  for (const t of plan.trees) h.update(`tree ${t.to} ${fileFingerprint(t.from)}\n`);
  for (const [p, c] of plan.files) h.update(`file ${p}\n${c}`);
  for (const [p, t] of plan.links) h.update(`link ${p} ${t}\n`);
  return h.digest('hex').slice(0, 16);
}

function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (name === 'test' || name === 'idlelib' || name === 'tkinter' || name === 'turtledemo') continue;
    const src = join(from, name);
    const dst = join(to, name);
    const st = lstatSync(src);
    if (st.isSymbolicLink()) {
      const target = realpathSync(src);
      if (statSync(target).isDirectory()) copyTree(target, dst);
      else copyPreservingTimes(target, dst);
    } else if (st.isDirectory()) copyTree(src, dst);
    else if (st.isFile()) copyPreservingTimes(src, dst);
  }
}

/**
 * Copies a file and keeps its mtime: Python's cached bytecode (__pycache__)
 * is valid only while the source's mtime matches, and the env cannot rewrite
 * it (read-only root), so a changed mtime would recompile on every cold start.
 */
function copyPreservingTimes(from: string, to: string): void {
  copyFileSync(from, to);
  const st = statSync(from);
  utimesSync(to, st.atime, st.mtime);
}

/** Writes the plan into `dir` (which must be empty), with the init binary at /lwb/init. */
export function materialize(plan: RootfsPlan, dir: string, initBinary: string): void {
  for (const d of ['tmp', 'var/task', 'var/runtime', 'var/lang/bin', 'opt', 'run/lwb', 'proc', 'sys', 'dev', 'etc', 'lwb', 'home/sbx_user1051', 'usr/bin', 'usr/lib', 'lib64']) {
    mkdirSync(join(dir, d), { recursive: true });
  }
  chmodSync(join(dir, 'tmp'), 0o1777);
  const put = (from: string, to: string, mode?: number) => {
    const dst = join(dir, to);
    mkdirSync(dirname(dst), { recursive: true });
    copyPreservingTimes(realpathSync(from), dst);
    if (mode !== undefined) chmodSync(dst, mode);
  };
  put(initBinary, '/lwb/init', 0o755);
  for (const e of plan.entries) put(e.from, e.to, e.mode);
  for (const t of plan.trees) copyTree(t.from, join(dir, t.to));
  for (const [p, content] of plan.files) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
  for (const [p, target] of plan.links) {
    const dst = join(dir, p);
    if (existsSync(dst)) continue;
    mkdirSync(dirname(dst), { recursive: true });
    symlinkSync(target, dst);
  }
  if (plan.runtime.family === 'python') {
    // Precompile the runtime client: the env's user cannot write __pycache__.
    execFileSync(plan.runtime.pythonPath!, ['-m', 'compileall', '-q', '-d', '/var/runtime', join(dir, 'var/runtime')]);
  }
}

/** copyTree without blocking this thread: a directory's entries are copied together (the file system's threads do the work). */
async function copyTreeAsync(from: string, to: string): Promise<void> {
  await fsp.mkdir(to, { recursive: true });
  const names = (await fsp.readdir(from)).filter((n) => n !== 'test' && n !== 'idlelib' && n !== 'tkinter' && n !== 'turtledemo');
  await Promise.all(
    names.map(async (name) => {
      const src = join(from, name);
      const dst = join(to, name);
      const st = await fsp.lstat(src);
      if (st.isSymbolicLink()) {
        const target = await fsp.realpath(src);
        if ((await fsp.stat(target)).isDirectory()) await copyTreeAsync(target, dst);
        else await copyPreservingTimesAsync(target, dst);
      } else if (st.isDirectory()) await copyTreeAsync(src, dst);
      else if (st.isFile()) await copyPreservingTimesAsync(src, dst);
    }),
  );
}

async function copyPreservingTimesAsync(from: string, to: string): Promise<void> {
  await fsp.copyFile(from, to);
  const st = await fsp.stat(from);
  await fsp.utimes(to, st.atime, st.mtime);
}

/**
 * materialize without blocking this thread (it copies thousands of files for Python, seconds on a
 * busy machine): the same tree, by fs/promises, and compileall run by the host command helper.
 */
export async function materializeAsync(plan: RootfsPlan, dir: string, initBinary: string): Promise<void> {
  for (const d of ['tmp', 'var/task', 'var/runtime', 'var/lang/bin', 'opt', 'run/lwb', 'proc', 'sys', 'dev', 'etc', 'lwb', 'home/sbx_user1051', 'usr/bin', 'usr/lib', 'lib64']) {
    await fsp.mkdir(join(dir, d), { recursive: true });
  }
  await fsp.chmod(join(dir, 'tmp'), 0o1777);
  const put = async (from: string, to: string, mode?: number) => {
    const dst = join(dir, to);
    await fsp.mkdir(dirname(dst), { recursive: true });
    await copyPreservingTimesAsync(await fsp.realpath(from), dst);
    if (mode !== undefined) await fsp.chmod(dst, mode);
  };
  await put(initBinary, '/lwb/init', 0o755);
  for (const e of plan.entries) await put(e.from, e.to, e.mode);
  for (const t of plan.trees) await copyTreeAsync(t.from, join(dir, t.to));
  for (const [p, content] of plan.files) {
    await fsp.mkdir(dirname(join(dir, p)), { recursive: true });
    await fsp.writeFile(join(dir, p), content);
  }
  for (const [p, target] of plan.links) {
    const dst = join(dir, p);
    if (existsSync(dst)) continue;
    await fsp.mkdir(dirname(dst), { recursive: true });
    await fsp.symlink(target, dst);
  }
  if (plan.runtime.family === 'python') {
    // Precompile the runtime client: the env's user cannot write __pycache__.
    await hostCommand(plan.runtime.pythonPath!, ['-m', 'compileall', '-q', '-d', '/var/runtime', join(dir, 'var/runtime')], { timeoutMs: 300_000 });
  }
}
