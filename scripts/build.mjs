// Builds what the window needs, only when it is missing or older than its
// sources: the renderer (Vite → dist/renderer) for serve mode and Electron, and
// the Electron shell (tsc → dist/, the preload bundled to CommonJS). Used by
// `npm start`, `npm run serve`, `npm test` and the tests that need a window.
//
//   node scripts/build.mjs renderer     build dist/renderer when stale (a failed build is said, and
//                                       exits 0 unless --strict: the API still starts without its window)
//   node scripts/build.mjs electron     build dist/electron (and what it imports)
import { execFileSync } from 'node:child_process';
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

/**
 * dist/renderer, rebuilt when missing or stale. Built beside it and swapped in, so a server
 * serving the old build never sees a half-written folder. Returns false when the build failed
 * (an older build, if any, stays in place).
 */
export function ensureRendererBuilt({ force = false } = {}) {
  const sources = rendererSourcesMtime();
  const built = builtFrom();
  if (!force && built >= sources) return true;
  const tmp = join(ROOT, 'dist', `.renderer-${process.pid}`);
  say(`building the window (${built < 0 ? 'not built yet' : 'sources changed'}): vite build → dist/renderer`);
  const started = performance.now();
  try {
    execFileSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', 'renderer/vite.config.ts', '--outDir', tmp, '--emptyOutDir', '--logLevel', 'error'], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    say(`the window did not build (${err.message.split('\n')[0]}); ${built < 0 ? 'the UI address will say it is not built' : 'the previous build stays'}`);
    return false;
  }
  writeFileSync(join(tmp, '.sources-mtime'), String(sources));
  const old = join(ROOT, 'dist', `.renderer-old-${process.pid}`);
  try {
    if (existsSync(OUT)) renameSync(OUT, old);
    renameSync(tmp, OUT);
  } catch (err) {
    // Another build swapped its own in at the same moment: keep that one.
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
  if (what === 'renderer') process.exitCode = ensureRendererBuilt({ force: process.argv.includes('--force') }) || !process.argv.includes('--strict') ? 0 : 1;
  else if (what === 'electron') await buildElectron();
  else {
    process.stderr.write('usage: node scripts/build.mjs renderer [--force] [--strict] | electron\n');
    process.exitCode = 2;
  }
}
