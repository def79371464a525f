// `npm start`: the Electron window where Electron can run; otherwise serve
// mode (the same engine, the Lambda API and the UI in a browser), and say so.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { setup } from './setup.mjs';
import { buildElectron, ensureRendererBuilt, rendererState } from './build.mjs';

const ROOT = join(import.meta.dirname, '..');
await setup();

// The window: built before anything starts the first time. When an older build exists, the
// workbench starts at once on it and the new one is built beside it and swapped in (a reload
// shows it): a rebuild can take a minute (Monaco), and the API need not wait for it.
const state = rendererState();
let rebuild = null;
if (state === 'missing') await ensureRendererBuilt();
else if (state === 'stale') {
  process.stderr.write('[start] the window\'s sources changed: rebuilding it in the background; reload the page when it says "built"\n');
  rebuild = spawn(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), 'renderer'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  process.on('exit', () => rebuild.exitCode === null && rebuild.kill('SIGTERM'));
}

function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron'); // throws when the binary was not downloaded
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const electron = process.env.LWB_SERVE ? null : electronBinary();
const canShowWindow = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const argv = process.argv.slice(2);
const flag = (name) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
};
const dataDir = resolve(ROOT, flag('--data-dir') ?? '.lwb');
const dataLine = `[start] data (functions, code, history): ${dataDir}. Stop with Ctrl+C or SIGTERM: the workbench removes its environments and exits.\n`;
if (electron && canShowWindow) {
  await buildElectron();
  process.stderr.write(dataLine);
  // The window takes the same data directory and port as serve mode would (main/electron/main.ts reads these).
  const env = { ...process.env, LWB_DATA_DIR: dataDir, ...(flag('--port') ? { LWB_PORT: flag('--port') } : {}), ...(flag('--auth') ? { LWB_AUTH: flag('--auth') } : {}) };
  spawn(electron, [join(ROOT, 'dist/electron/main.js')], { cwd: ROOT, stdio: 'inherit', env }).on('exit', (c) => process.exit(c ?? 0));
} else {
  const why = !electron ? 'the Electron binary is not installed here' : 'there is no display';
  process.stderr.write(
    `[start] ${why}: starting serve mode instead. Open the "Workbench UI:" address it prints in a browser (its token is new at every start);\n` +
      `[start] the AWS CLI and SDKs use the "Lambda API listening on" address as --endpoint-url.\n` +
      dataLine,
  );
  const args = ['--import', 'tsx', join(ROOT, 'main/server/cli.ts'), 'serve', ...argv];
  // An IPC channel ties the server to this process: if this one dies without passing a signal on
  // (npm killed, SIGKILL), the channel closes and the server stops itself.
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  const stop = (sig) => child.exitCode === null && child.kill(sig);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(sig === 'SIGHUP' ? 'SIGTERM' : sig));
  // npm does not always pass SIGTERM on to its script: when our parent goes, stop the server too.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop('SIGTERM'), 500).unref();
  child.on('exit', (c) => process.exit(c ?? 0));
}
