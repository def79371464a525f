// The e2e harness: a real workbench in serve mode (a child process on its own
// data directory, real Docker), the renderer built, and a watch on every page
// for console errors, uncaught exceptions and CSP violations, which each spec
// asserts are none. Launchers (launchers.ts) put a Playwright Page in front of
// it; the page objects (pages/*) never know which launcher made the page.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const REPO = join(import.meta.dirname, '..');
export const SCREENSHOTS = join(REPO, '.lwb', 'screenshots');
const RENDERER_OUT = join(REPO, 'dist', 'renderer');

/** Every workbench process a spec started: killed when the test process ends, whatever happened. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/**
 * dist/renderer as serve mode serves it. Setup builds it before the suite; a spec run on its own
 * (or after renderer edits) has scripts/build.mjs rebuild it when it is missing or older than its
 * sources (built beside and swapped in, so a running server never sees half a build), so a spec
 * never tests a stale window without saying so.
 */
export async function ensureRendererReady(): Promise<void> {
  const t0 = performance.now();
  // Asynchronously: a build takes minutes on a busy machine, and a test worker whose event loop is
  // blocked that long loses its link to vitest ("Timeout calling onTaskUpdate").
  await runScript(['scripts/build.mjs', 'renderer']);
  if (!existsSync(join(RENDERER_OUT, 'index.html'))) throw new Error('E2E_RENDERER_BUILD: the renderer does not build and dist/renderer is missing (see the [build] lines above)');
  const ms = performance.now() - t0;
  if (ms > 2000) process.stderr.write(`[e2e] renderer ready after ${Math.round(ms)} ms\n`);
}

/** ensureRendererReady, blocking (for a caller outside a test worker, or one that accepts the block). */
export function ensureRendererBuilt(): void {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs'), 'renderer'], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(join(RENDERER_OUT, 'index.html'))) throw new Error('E2E_RENDERER_BUILD: the renderer does not build and dist/renderer is missing (see the [build] lines above)');
}

/** The Electron shell (dist/electron: main process and preload), built as npm start builds it. */
export async function buildElectronShell(): Promise<void> {
  await runScript(['scripts/build.mjs', 'electron']);
}

function runScript(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`E2E_BUILD: node ${args.join(' ')} exited with ${code}`))));
  });
}

/** A TCP port that was free a moment ago (the server binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServeOptions {
  /** Reuse a data directory (a restart); a new temporary one otherwise. */
  dataDir?: string;
  /** The API's port; a free one otherwise. A restart passes the previous one. */
  port?: number;
  args?: string[];
  /** false: serve whatever dist/renderer holds (a restart serves the build the spec began with). */
  build?: boolean;
}

/** One `lwb serve` process: the Lambda API, the UI and its WebSocket on one address. */
export interface ServeProcess {
  /** The Lambda API (what --endpoint-url takes), e.g. http://127.0.0.1:41234. */
  apiUrl: string;
  /** The UI address as printed, with its one-time token. */
  uiUrl: string;
  port: number;
  dataDir: string;
  output(): string;
  /** SIGINT, as Ctrl+C would, and wait until the server has removed its envs and exited. */
  stop(): Promise<number | null>;
}

export async function startServe(opts: ServeOptions = {}): Promise<ServeProcess> {
  if (opts.build !== false) await ensureRendererReady();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'lwb-e2e-'));
  const t0 = performance.now();
  const port = opts.port ?? (await freePort());
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO, 'main/server/cli.ts'), 'serve', '--port', String(port), '--function-url-port', '0', '--data-dir', dataDir, ...(opts.args ?? [])],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } },
  );
  children.add(proc);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => {
    children.delete(proc);
    r(code);
  }));
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const { apiUrl, uiUrl } = await new Promise<{ apiUrl: string; uiUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`E2E_SERVE_START: serve mode printed no "Workbench UI: <url>" within 90 s; its output:\n${out}`));
    }, 90_000);
    let found = false;
    const check = () => {
      const api = out.match(/Lambda API listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const ui = out.match(/Workbench UI: (http:\/\/\S+)/);
      if (api && ui && !found) {
        found = true;
        clearTimeout(timer);
        process.stderr.write(`[e2e] serve mode up in ${Math.round(performance.now() - t0)} ms (${api[1]})\n`);
        resolve({ apiUrl: api[1]!, uiUrl: ui[1]! });
      }
    };
    proc.stdout!.on('data', check);
    proc.stderr!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`E2E_SERVE_START: serve mode exited (${code}) before printing its UI address:\n${out}`));
    });
  });
  return {
    apiUrl,
    uiUrl,
    port,
    dataDir,
    output: () => out,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGINT');
      return exited;
    },
  };
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

// ---- what a page must never do -------------------------------------------------------------

export interface PageProblem {
  kind: 'console' | 'pageerror' | 'csp';
  text: string;
}

/**
 * Watches a page for console errors, uncaught exceptions and CSP violations. The CSP listener is
 * installed before any of the page's scripts (addInitScript), so a violation during load counts.
 * `tolerate` names console messages a spec expects for a while (a WebSocket refused while the
 * server restarts) — each tolerated message is still recorded, apart.
 */
export class PageWatch {
  readonly problems: PageProblem[] = [];
  readonly tolerated: PageProblem[] = [];
  /** Requests the page made that failed (for diagnosis: a failed load also logs a console error). */
  readonly failedRequests: string[] = [];
  private tolerating: RegExp[] = [];

  static async attach(page: Page): Promise<PageWatch> {
    const w = new PageWatch();
    await w.follow(page);
    return w;
  }

  /** Watches one more page (a second tab, or the new window after a restart) into the same record. */
  async follow(page: Page): Promise<void> {
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        const v = { directive: e.violatedDirective, blocked: e.blockedURI, source: `${e.sourceFile}:${e.lineNumber}` };
        const list = ((window as unknown as { __lwbCsp?: unknown[] }).__lwbCsp ??= []);
        list.push(v);
        console.error(`[lwb-csp-violation] ${JSON.stringify(v)}`);
      });
    });
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = `${m.text()} (${m.location().url}:${m.location().lineNumber})`;
      this.record({ kind: text.includes('[lwb-csp-violation]') || /Content Security Policy/i.test(text) ? 'csp' : 'console', text });
    });
    page.on('requestfailed', (r) => this.failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText ?? '?'}`));
    page.on('pageerror', (e) => this.record({ kind: 'pageerror', text: `${e.name}: ${e.message}\n${e.stack ?? ''}` }));
  }

  private record(p: PageProblem): void {
    if (p.kind !== 'pageerror' && this.tolerating.some((r) => r.test(p.text))) this.tolerated.push(p);
    else this.problems.push(p);
  }

  /** Runs `fn` while console errors matching `patterns` are expected (never page errors, never CSP). */
  async tolerate<T>(patterns: RegExp[], fn: () => Promise<T>): Promise<T> {
    this.tolerating = patterns;
    try {
      return await fn();
    } finally {
      this.tolerating = [];
    }
  }

  /** The problems as one readable string (for an assertion message). */
  describe(): string {
    const failed = this.failedRequests.length ? `\n  failed requests:\n${this.failedRequests.map((r) => `    ${r}`).join('\n')}` : '';
    const changed = this.failedRequests.some((r) => r.includes('ERR_NETWORK_CHANGED'))
      ? '\n  NOTE: ERR_NETWORK_CHANGED: an interface of this machine got or lost an address while the page loaded (a Docker network or container with one, often another process\'s) and Chromium aborted requests in flight; the failures above may come from that, not from the window.'
      : '';
    return this.problems.map((p) => `  [${p.kind}] ${p.text}`).join('\n') + failed + changed;
  }
}

// ---- screenshots ----------------------------------------------------------------------------

/** Screenshot into .lwb/screenshots/<name>.png (CI keeps the folder as an artifact); returns the path. */
export async function shoot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  try {
    await page.screenshot({ path, fullPage: false, timeout: 15_000 });
  } catch (err) {
    process.stderr.write(`[e2e] screenshot ${path} failed: ${(err as Error).message}\n`);
  }
  return path;
}

/** Removes a spec's screenshots of an earlier run (names starting with `prefix`), so the folder shows this run only. */
export function clearScreenshots(prefix: string): void {
  if (!existsSync(SCREENSHOTS)) return;
  for (const f of readdirSync(SCREENSHOTS)) if (f.startsWith(prefix)) rmSync(join(SCREENSHOTS, f), { force: true });
}

/** The window's theme as the frame set it on the app root. */
export async function currentTheme(page: Page): Promise<string | null> {
  return page.getByTestId('app-root').getAttribute('data-theme');
}

/**
 * Screenshots in light and dark: the current theme, then the other through the theme toggle,
 * then back, so the spec goes on in the theme it had. Each file is named <name>-<theme>.
 */
export async function shootBothThemes(page: Page, name: string): Promise<string[]> {
  const first = (await currentTheme(page)) ?? 'unknown';
  const paths = [await shoot(page, `${name}-${first}`)];
  await toggleTheme(page);
  await page.waitForFunction((t) => document.querySelector('[data-testid="app-root"]')?.getAttribute('data-theme') !== t, first);
  // Monaco and the CSS variables repaint on the next frame; give them two.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  paths.push(await shoot(page, `${name}-${(await currentTheme(page)) ?? 'other'}`));
  // Back to the first theme, however many states the toggle cycles through (light, dark, system).
  for (let i = 0; i < 3 && (await currentTheme(page)) !== first; i++) await toggleTheme(page);
  return paths;
}

/** The theme toggle in the activity bar (a spec shoots both themes where no dialog covers it). */
async function toggleTheme(page: Page): Promise<void> {
  const button = page.getByTestId('theme-toggle');
  const covered = await button.click({ trial: true, timeout: 2_000 }).then(() => false, () => true);
  if (covered) throw new Error('E2E_THEME_TOGGLE_COVERED: the theme toggle cannot be clicked (a dialog covers it?): shoot both themes before opening a dialog');
  await button.click();
}
