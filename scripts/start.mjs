// `npm start`: the Electron window where Electron can run; otherwise serve
// mode (the same engine, the Lambda API and the UI in a browser), and say so.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
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
  process.stderr.write(`[start] ${why}: starting serve mode instead. Open the printed address in a browser; the AWS CLI and SDKs use it as --endpoint-url.\n`);
  const args = ['--import', 'tsx', join(ROOT, 'main/server/cli.ts'), 'serve', ...process.argv.slice(2)];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (c) => process.exit(c ?? 0));
}
