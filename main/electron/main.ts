// The Electron shell, kept thin: it opens the engine and the Lambda API (so the
// AWS CLI works while the window is open) and shows the renderer. Security
// rules for the window live in security.ts.
import { app, BrowserWindow, protocol, net } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine } from '../engine/engine.js';
import { REPO_ROOT } from '../engine/images/rootfs.js';
import { LambdaApi } from '../server/lambda-api.js';
import { applySecurityRestrictions } from './security.js';

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let engine: Engine | undefined;
let api: LambdaApi | undefined;

async function start(): Promise<void> {
  applySecurityRestrictions();
  const rendererRoot = join(REPO_ROOT, 'renderer');
  // App content comes from app://, never file://.
  protocol.handle('app', (request) => {
    const path = new URL(request.url).pathname;
    const file = join(rendererRoot, path === '/' ? 'index.html' : path);
    if (!file.startsWith(rendererRoot)) return new Response('not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString());
  });

  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Lambda Workbench',
    webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, preload: join(import.meta.dirname, 'preload.cjs') },
  });
  await win.loadURL('app://workbench/index.html');

  try {
    engine = await Engine.open({ dataDir: join(app.getPath('userData'), 'data'), progress: (m) => console.error(m) });
    api = new LambdaApi({ engine, log: (m) => console.error(m) });
    const port = await api.listen(Number(process.env.LWB_PORT ?? 9000));
    console.log(`Lambda API listening on http://127.0.0.1:${port}`);
  } catch (err) {
    console.error(`The engine could not start: ${(err as Error).message}`);
  }
}

app.whenReady().then(start);
app.on('window-all-closed', () => app.quit());
app.on('will-quit', (e) => {
  if (!engine) return;
  e.preventDefault();
  const closing = engine;
  engine = undefined;
  void Promise.all([api?.close(), closing.close()]).finally(() => app.exit(0));
});
