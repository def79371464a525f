// Builds what the window needs, only when it is missing or older than its
// sources: the renderer (Vite → dist/renderer) for serve mode and Electron, and
// the Electron shell (tsc → dist/, the preload bundled to CommonJS). Used by
// `npm start`, `npm run serve`, `npm test` and the tests that need a window.
//
//   node scripts/build.mjs renderer     build dist/renderer when missing or stale, and wait for it (a
//                                       failed build is said, and exits 0 unless --strict: the API
//                                       still starts without its window); with --background, a stale
//                                       build is replaced by one built in the background
//   node scripts/build.mjs electron     build dist/electron (and what it imports)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist', 'renderer');
/** The newest source time the build in OUT was made from (an index.html newer than its sources is not enough: sources may change mid-build). */
const STAMP = join(OUT, '.sources-mtime');
const say = (m) => process.stderr.write(`[build] ${m}\n`);

function newestMtime(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** What the renderer's bundle is made of: its sources, the contract it imports, its build config and the locked packages. */
function rendererSourcesMtime() {
  return Math.max(newestMtime(join(ROOT, 'renderer')), newestMtime(join(ROOT, 'main', 'contract')), newestMtime(join(ROOT, 'package-lock.json')));
}

function builtFrom() {
  if (!existsSync(join(OUT, 'index.html'))) return -1;
  try {
    return Number(readFileSync(STAMP, 'utf8'));
  } catch {
    return statSync(join(OUT, 'index.html')).mtimeMs; // built by `vite build` directly
  }
}

/** Half-made builds of processes that died (killed mid-build): nothing will swap them in. */
function removeAbandonedBuilds() {
  const dist = join(ROOT, 'dist');
  if (!existsSync(dist)) return;
  for (const name of readdirSync(dist)) {
    const pid = /^\.renderer-(?:old-)?(\d+)$/.exec(name)?.[1];
    if (!pid || Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (err) {
      if (err.code === 'ESRCH') rmSync(join(dist, name), { recursive: true, force: true });
    }
  }
}

/** 'missing', 'stale' (older than its sources) or 'fresh'. */
export function rendererState() {
  const built = builtFrom();
  if (built < 0) return 'missing';
  return built >= rendererSourcesMtime() ? 'fresh' : 'stale';
}

const LOCK = join(ROOT, 'dist', '.renderer-build.lock');
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};

/** One build at a time across processes (each Vite build of the window takes ~2 GB and minutes under load). */
function takeLock() {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    const holder = Number(readFileSync(LOCK, 'utf8') || 0);
    if (holder && alive(holder)) return false;
    rmSync(LOCK, { force: true }); // its builder died: take it over
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * dist/renderer, rebuilt when missing or stale. Built beside it and swapped in, so a server
 * serving the old build never sees a half-written folder. While another process builds, this
 * one waits for that build (`wait`, the default) or leaves it to it. Resolves false when the
 * build failed (an older build, if any, stays in place).
 */
export async function ensureRendererBuilt({ force = false, wait = true } = {}) {
  removeAbandonedBuilds();
  if (!force && rendererState() === 'fresh') return true;
  while (!takeLock()) {
    if (!wait) {
      say('another process is building the window; it is swapped in when done');
      return true;
    }
    await sleep(500);
    if (!force && rendererState() === 'fresh') return true;
  }
  try {
    if (!force && rendererState() === 'fresh') return true;
    return await buildRenderer();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

async function buildRenderer() {
  const sources = rendererSourcesMtime();
  const built = builtFrom();
  const tmp = join(ROOT, 'dist', `.renderer-${process.pid}`);
  say(`building the window (${built < 0 ? 'not built yet' : 'sources changed'}): vite build → dist/renderer`);
  const started = performance.now();
  const vite = spawn(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', 'renderer/vite.config.ts', '--outDir', tmp, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    // Always React's production build: vitest sets NODE_ENV=test, which made vite bundle the development build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  // Stopped mid-build (Ctrl+C, a launcher's SIGTERM): Vite stops too, and nothing half-made stays.
  const stop = (signal) => {
    vite.kill('SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
    rmSync(LOCK, { force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  const code = await new Promise((resolve) => vite.once('exit', (c, sig) => resolve(c ?? sig)));
  process.off('SIGINT', stop).off('SIGTERM', stop);
  if (code !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    say(`the window did not build (vite exited with ${code}); ${built < 0 ? 'the UI address will say it is not built' : 'the previous build stays'}`);
    return false;
  }
  writeFileSync(join(tmp, '.sources-mtime'), String(sources));
  const old = join(ROOT, 'dist', `.renderer-old-${process.pid}`);
  try {
    if (existsSync(OUT)) renameSync(OUT, old);
    renameSync(tmp, OUT);
  } catch (err) {
    // Something else (a direct `vite build`) put its own there at the same moment: keep that one.
    say(`another build finished first (${err.code}); keeping it`);
  }
  rmSync(old, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
  say(`built the window in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

/** dist/electron/main.js (tsc, with the engine and server it imports) and dist/electron/preload.cjs (esbuild, CommonJS). */
export async function buildElectron() {
  const started = performance.now();
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.electron.json'], { cwd: ROOT, stdio: 'inherit' });
  const esbuild = await import('esbuild');
  mkdirSync(join(ROOT, 'dist', 'electron'), { recursive: true });
  // A sandboxed preload can require 'electron' and nothing else: everything else is bundled in.
  await esbuild.build({
    entryPoints: [join(ROOT, 'main', 'electron', 'preload.ts')],
    outfile: join(ROOT, 'dist', 'electron', 'preload.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'browser',
    target: 'chrome130',
    external: ['electron'],
    minify: true,
    logLevel: 'warning',
  });
  say(`built the Electron shell in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const what = process.argv[2];
  const has = (f) => process.argv.includes(f);
  if (what === 'renderer') {
    if (has('--background') && rendererState() === 'stale') {
      // An older build exists: serve it now, swap the new one in when it is done.
      say('the window\'s sources changed: rebuilding it in the background; reload the page when it says "built"');
      spawn(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), 'renderer'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], detached: true }).unref();
    } else {
      const ok = await ensureRendererBuilt({ force: has('--force') });
      process.exitCode = ok || !has('--strict') ? 0 : 1;
    }
  } else if (what === 'electron') await buildElectron();
  else {
    process.stderr.write('usage: node scripts/build.mjs renderer [--force] [--strict] [--background] | electron\n');
    process.exitCode = 2;
  }
}
