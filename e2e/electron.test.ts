// The Electron window, where the Electron binary exists. On machines where it
// cannot be downloaded the test is skipped and its name says why.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { _electron } from 'playwright-core';
import { REPO } from '../test/helpers/server.js';

function electronBinary(): string | null {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const reason = binary ? '' : ' (skipped: the Electron binary is not installed on this machine; its download is unreachable)';

describe(`Electron shell${reason}`, () => {
  it.skipIf(!binary)('opens the workbench window from app:// with the renderer page', async () => {
    // The shell (tsc) and its preload (esbuild, CommonJS), and the window it shows.
    execFileSync(process.execPath, [join(REPO, 'scripts/build.mjs'), 'electron'], { cwd: REPO });
    execFileSync(process.execPath, [join(REPO, 'scripts/build.mjs'), 'renderer', '--strict'], { cwd: REPO });
    const app = await _electron.launch({ executablePath: binary!, args: [join(REPO, 'dist/electron/main.js')], env: { ...process.env, LWB_PORT: '0' } });
    try {
      const win = await app.firstWindow();
      expect(await win.title()).toBe('Lambda Workbench');
      expect(win.url()).toMatch(/^app:\/\/workbench\//);
      expect(await win.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      // The preload put exactly the contract there, and nothing of Electron.
      expect(await win.evaluate(() => Object.keys((globalThis as { workbench?: object }).workbench ?? {}).sort())).toEqual(['request', 'subscribe']);
      expect(await win.evaluate(() => typeof (globalThis as { ipcRenderer?: unknown }).ipcRenderer)).toBe('undefined');
    } finally {
      await app.close();
    }
  });
});
