// `npm start`: the Electron window where Electron can run; otherwise serve
// mode (the same engine, the Lambda API and the UI in a browser), and say so.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { setup } from './setup.mjs';

const ROOT = join(import.meta.dirname, '..');
await setup();

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
if (electron && canShowWindow) {
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.electron.json'], { cwd: ROOT, stdio: 'inherit' });
  copyFileSync(join(ROOT, 'main/electron/preload.cjs'), join(ROOT, 'dist/electron/preload.cjs'));
  spawn(electron, [join(ROOT, 'dist/electron/main.js')], { cwd: ROOT, stdio: 'inherit' }).on('exit', (c) => process.exit(c ?? 0));
} else {
  const why = !electron ? 'the Electron binary is not installed here' : 'there is no display';
  const argv = process.argv.slice(2);
  const given = argv.indexOf('--data-dir');
  const dataDir = resolve(ROOT, given >= 0 && argv[given + 1] ? argv[given + 1] : '.lwb');
  process.stderr.write(
    `[start] ${why}: starting serve mode instead. Open the printed address in a browser; the AWS CLI and SDKs use it as --endpoint-url.\n` +
      `[start] data (functions, code, history): ${dataDir}. Stop with Ctrl+C or SIGTERM: the workbench removes its environments and exits.\n`,
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
