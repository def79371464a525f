// The Electron shell, kept thin: one instance, the hardened window showing
// app://workbench/, and the workbench itself composed exactly as serve mode
// composes it (main/app/compose.ts): the Lambda API with its auth and keys and
// /_workbench, so the AWS CLI works while the window is open, and the contract
// served to the window over IPC instead of a WebSocket.
//
// Environment: LWB_DATA_DIR (default <userData>/data), LWB_PORT (default 9000;
// 0 a free one), LWB_AUTH (default, strict or off; as `lwb serve --auth`).
import { app, BrowserWindow, ipcMain, protocol } from 'electron';
import { join } from 'node:path';
import { compose, type Workbench } from '../app/compose.js';
import { AUTH_MODES, type AuthMode } from '../server/auth/guard.js';
import { RENDERER_DIR } from '../server/ui/static-files.js';
import { registerIpcHost } from './ipc-host.js';
import { APP_INDEX, APP_SCHEME, appProtocolHandler, isAppUrl, registerAppScheme } from './protocol.js';
import { applySecurityRestrictions } from './security.js';
import { createMainWindow, isOurMainFrame } from './window.js';

registerAppScheme(protocol);

let win: BrowserWindow | undefined;
let workbench: Promise<Workbench> | undefined;

function authMode(): AuthMode {
  const mode = process.env.LWB_AUTH ?? 'default';
  if ((AUTH_MODES as readonly string[]).includes(mode)) return mode as AuthMode;
  console.error(`LWB_AUTH must be one of ${AUTH_MODES.join(', ')}, got ${JSON.stringify(mode)}: using default`);
  return 'default';
}

async function start(): Promise<void> {
  applySecurityRestrictions();
  // Packaged, the build sits inside the app's archive; from a checkout, in dist/renderer.
  protocol.handle(APP_SCHEME, appProtocolHandler(app.isPackaged ? join(app.getAppPath(), 'dist', 'renderer') : RENDERER_DIR));

  const say = (m: string) => console.error(m);
  const options = { dataDir: process.env.LWB_DATA_DIR || join(app.getPath('userData'), 'data'), port: Number(process.env.LWB_PORT ?? 9000), auth: authMode(), progress: say };
  workbench = compose(options).catch((err: NodeJS.ErrnoException) => {
    // The default port taken (serve mode, another tool): the window still opens, the API on a free port it prints.
    if (err.code !== 'EADDRINUSE' || process.env.LWB_PORT !== undefined) throw err;
    say(`port ${options.port} is in use: the Lambda API takes a free port instead (set LWB_PORT to choose one)`);
    return compose({ ...options, port: 0 });
  });
  workbench.then(
    (wb) => console.log(`Lambda API listening on ${wb.apiUrl}\nFunction URLs on ${wb.functionUrlBase}`),
    (err: Error) => say(`The engine could not start: ${err.message}`),
  );
  registerIpcHost({ ipcMain, ready: workbench, isTrusted: (frame) => isOurMainFrame(win, frame, isAppUrl) });

  // The window opens at once; the contract's requests wait for the engine.
  win = createMainWindow(join(import.meta.dirname, 'preload.cjs'));
  win.on('closed', () => (win = undefined));
  await win.loadURL(APP_INDEX);
}

if (!app.requestSingleInstanceLock()) {
  // Another workbench window is open: it is focused (below, in that process), this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.whenReady().then(start).catch((err: Error) => {
    console.error(`The workbench window could not open: ${err.stack ?? err.message}`);
    app.exit(1);
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    if (!workbench) return;
    event.preventDefault();
    const closing = workbench;
    workbench = undefined;
    void closing
      .then((wb) => wb.close())
      .catch(() => undefined)
      .finally(() => app.exit(0));
  });
}
