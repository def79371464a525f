// One driver, two launchers (as VS Code's smoke tests): the same specs and page
// objects drive a Playwright Page, made either by Debian's Chromium in front of
// serve mode or by the Electron shell where its binary exists. A launcher also
// says why it cannot run, so a skipped target names its reason.
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type Browser, type BrowserContext, type ElectronApplication, type Page } from 'playwright-core';
import { hasChromium, launchChromium } from '../test/helpers/browser.js';
import { buildElectronShell, ensureRendererReady, PageWatch, removeDataDir, REPO, startServe, type ServeProcess } from './harness.js';

/** The window, whichever launcher opened it, and the workbench behind it. */
export interface Workbench {
  target: 'chromium' | 'electron';
  /** The Lambda API, for the AWS CLI and SDK. */
  apiUrl: string;
  dataDir: string;
  /** The window's page. A restart may replace it (Electron opens a new window): read it again after one. */
  page: Page;
  /** Console errors, page errors and CSP violations of every page this workbench opened. */
  watch: PageWatch;
  /** The browser context, where there is one (Chromium): its cookies are the session's. */
  context?: BrowserContext;
  /** The address the UI was opened at (Chromium: with its token). */
  uiUrl?: string;
  /** Stop the workbench as a user would (SIGINT / quit) and start it again on the same data directory. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Extra `lwb serve` flags (Chromium target). */
  serveArgs?: string[];
}

export interface Launcher {
  name: 'chromium' | 'electron';
  /** Empty when the launcher can run here; otherwise why not (shown in the skipped suite's name). */
  unavailable: string;
  open(opts?: LaunchOptions): Promise<Workbench>;
}

const VIEWPORT = { width: 1440, height: 900 };

/** How long the window may take to show its function list after it opens. */
const READY_TIMEOUT = 60_000;

async function waitForFrame(page: Page): Promise<void> {
  await page.getByTestId('app-root').waitFor({ state: 'visible', timeout: READY_TIMEOUT });
  await page.getByTestId('function-list').waitFor({ state: 'attached', timeout: READY_TIMEOUT });
}

// ---- Chromium in front of serve mode --------------------------------------------------------

const chromiumLauncher: Launcher = {
  name: 'chromium',
  unavailable: hasChromium ? '' : 'Debian\'s Chromium (/usr/bin/chromium) is not installed: apt-get install chromium',
  async open(opts = {}) {
    let serve: ServeProcess = await startServe({ args: opts.serveArgs });
    let browser: Browser;
    try {
      browser = await launchChromium();
    } catch (err) {
      await serve.stop();
      throw err;
    }
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const watch = await PageWatch.attach(page);
    await page.goto(serve.uiUrl);
    await waitForFrame(page);
    const wb: Workbench = {
      target: 'chromium',
      apiUrl: serve.apiUrl,
      dataDir: serve.dataDir,
      page,
      watch,
      context,
      uiUrl: serve.uiUrl,
      async restart() {
        // While the server is down the page's WebSocket is refused and it retries: Chromium logs
        // each refusal as a console error. Those, and only those, are expected here.
        await watch.tolerate([/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/_ui\/ws' failed/, /ERR_CONNECTION_REFUSED/], async () => {
          await serve.stop();
          serve = await startServe({ dataDir: serve.dataDir, port: serve.port, args: opts.serveArgs, build: false });
          // A new server, a new token: open the window the way a user would, from the address it printed.
          await page.goto(serve.uiUrl);
          await waitForFrame(page);
        });
        wb.uiUrl = serve.uiUrl;
        wb.apiUrl = serve.apiUrl;
      },
      async close() {
        await browser.close().catch(() => undefined);
        const code = await serve.stop();
        if (code !== 0) process.stderr.write(`[e2e] serve exited with ${code}; its output:\n${serve.output()}\n`);
        removeDataDir(serve.dataDir);
      },
    };
    return wb;
  },
};

// ---- the Electron shell ---------------------------------------------------------------------

function electronBinary(): string | null {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

const ELECTRON = electronBinary();

let shellBuilt = false;

async function launchElectron(userData: string): Promise<{ app: ElectronApplication; apiUrl: string; page: Page }> {
  if (!shellBuilt) {
    await ensureRendererReady();
    await buildElectronShell();
    shellBuilt = true;
  }
  const app = await _electron.launch({
    executablePath: ELECTRON!,
    args: [`--user-data-dir=${userData}`, join(REPO, 'dist/electron/main.js')],
    env: { ...process.env, LWB_PORT: '0', LWB_DATA_DIR: join(userData, 'data') } as Record<string, string>,
  });
  let out = '';
  app.process().stdout?.on('data', (d) => (out += d));
  app.process().stderr?.on('data', (d) => (out += d));
  const apiUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`E2E_ELECTRON_START: no "Lambda API listening on" within 90 s:\n${out}`)), 90_000);
    const check = () => {
      const m = out.match(/Lambda API listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    app.process().stdout?.on('data', check);
    app.process().stderr?.on('data', check);
  });
  const page = await app.firstWindow();
  await page.setViewportSize(VIEWPORT);
  return { app, apiUrl, page };
}

const electronLauncher: Launcher = {
  name: 'electron',
  unavailable: ELECTRON ? '' : 'the Electron binary is not installed on this machine (its download is unreachable)',
  async open() {
    const userData = mkdtempSync(join(tmpdir(), 'lwb-e2e-electron-'));
    let { app, apiUrl, page } = await launchElectron(userData);
    const watch = await PageWatch.attach(page);
    // The preload's window is already loaded: reload so the CSP listener sees the page's whole life.
    await page.reload();
    await waitForFrame(page);
    const wb: Workbench = {
      target: 'electron',
      apiUrl,
      dataDir: join(userData, 'data'),
      page,
      watch,
      async restart() {
        await app.close();
        ({ app, apiUrl, page } = await launchElectron(userData));
        await watch.follow(page);
        await page.reload();
        await waitForFrame(page);
        wb.page = page;
        wb.apiUrl = apiUrl;
      },
      async close() {
        await app.close().catch(() => undefined);
        removeDataDir(userData);
      },
    };
    return wb;
  },
};

export const LAUNCHERS: Launcher[] = [chromiumLauncher, electronLauncher];
