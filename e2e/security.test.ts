// What the browser sees of the session (serve mode): the token leaves the
// address bar, the cookie is HttpOnly and SameSite=Strict and invisible to the
// page's script, the page runs under a strict CSP with no violation and no
// console error, and a browser without the token gets 401. The raw HTTP and
// WebSocket refusals (foreign Origin, no cookie, wrong Host) are in
// test/api/ui-session.test.ts. Electron has no cookie (its window talks IPC):
// its half is the unit test of the window's options (test/unit/electron-shell.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Response } from 'playwright-core';
import { hasChromium, launchChromium } from '../test/helpers/browser.js';
import { clearScreenshots, PageWatch, shootBothThemes } from './harness.js';
import { LAUNCHERS, type Workbench } from './launchers.js';
import { WorkbenchWindow } from './pages/window.js';

const chromium = LAUNCHERS.find((l) => l.name === 'chromium')!;

describe.skipIf(!hasChromium)('the window\'s session in the browser [chromium]', () => {
  let wb: Workbench;
  let first: Response | null;

  beforeAll(async () => {
    clearScreenshots('security-');
    wb = await chromium.open();
    // The launcher already opened the page from the printed address; open it once more, as a user
    // would from a second tab, to read the document's headers (with the cookie, no token needed).
    first = await wb.page.goto(new URL(wb.uiUrl!).origin + '/');
    await wb.page.getByTestId('function-list').waitFor({ state: 'attached', timeout: 60_000 });
  });
  afterAll(async () => {
    await wb?.close();
  });

  it('removes the token from the address bar', () => {
    expect(new URL(wb.uiUrl!).searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(wb.page.url()).not.toContain('token');
  });

  it('keeps the session in one HttpOnly, SameSite=Strict cookie that the page cannot read', async () => {
    const cookies = await wb.context!.cookies(new URL(wb.uiUrl!).origin);
    expect(cookies.length, JSON.stringify(cookies)).toBeGreaterThanOrEqual(1);
    for (const c of cookies) {
      expect(c.httpOnly, c.name).toBe(true);
      expect(c.sameSite, c.name).toBe('Strict');
    }
    const visible = await wb.page.evaluate(() => document.cookie);
    for (const c of cookies) {
      expect(visible).not.toContain(c.name);
      expect(visible).not.toContain(c.value);
    }
  });

  it('serves the page with a strict CSP and X-Frame-Options: DENY', async () => {
    const h = await first!.allHeaders();
    const csp = h['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(csp).toMatch(/worker-src 'self'/);
    expect(csp).toMatch(/connect-src 'self'/);
    expect(h['x-frame-options']).toBe('DENY');
  });

  it('works through its WebSocket: the status bar says connected and shows the engine', async () => {
    const win = new WorkbenchWindow(wb.page);
    await expect.poll(() => win.status.item('status-connection').innerText(), { timeout: 30_000 }).toMatch(/connected/i);
    await expect.poll(() => win.status.item('status-docker').innerText(), { timeout: 30_000 }).toMatch(/\d+\.\d+/);
    expect(await win.status.item('status-api').innerText()).toContain(new URL(wb.apiUrl).host);
    await shootBothThemes(wb.page, 'security-chromium-status-bar');
  });

  it('a browser without the token gets 401 and no session', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const watch = await PageWatch.attach(page);
      const res = await page.goto(new URL(wb.uiUrl!).origin + '/');
      expect(res!.status()).toBe(401);
      expect(await page.context().cookies()).toEqual([]);
      // Chromium logs the 401 itself as a failed resource; nothing else may appear.
      expect(watch.problems.filter((p) => !/status of 401/.test(p.text))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('the page logged no console error, threw nothing and broke no CSP rule', () => {
    expect(wb.watch.problems, wb.watch.describe()).toEqual([]);
  });
});

