// The Electron shell's security, with electron mocked (its binary is absent on
// the development machines): the window's preferences, every navigation and
// new-window path, permissions, webviews, the app:// protocol's containment,
// and the IPC host's sender check.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContractHandlers, StreamFrame } from '../../main/contract/index.js';
import { IPC_FRAME, IPC_REQUEST, IPC_SUBSCRIBE } from '../../main/contract/index.js';
import { UI_CSP } from '../../main/server/ui/security-headers.js';

const electron = vi.hoisted(() => {
  type Fn = (...args: any[]) => any;
  class FakeWindow {
    static last: FakeWindow | undefined;
    readonly webContents = { mainFrame: { routingId: 1, processId: 7, url: 'app://workbench/index.html' } };
    constructor(readonly options: Record<string, any>) {
      FakeWindow.last = this;
    }
    once() {}
    show() {}
    isDestroyed() {
      return false;
    }
  }
  const appListeners: Record<string, Fn[]> = {};
  return {
    FakeWindow,
    appListeners,
    app: { on: (event: string, fn: Fn) => (appListeners[event] ??= []).push(fn) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        setDevicePermissionHandler: vi.fn(),
        setDisplayMediaRequestHandler: vi.fn(),
      },
    },
    shell: { openExternal: vi.fn(async () => undefined) },
  };
});

vi.mock('electron', () => ({ app: electron.app, session: electron.session, shell: electron.shell, BrowserWindow: electron.FakeWindow }));

const { applySecurityRestrictions, hardenContents } = await import('../../main/electron/security.js');
const { createMainWindow, isOurMainFrame } = await import('../../main/electron/window.js');
const { appProtocolHandler, isAppUrl } = await import('../../main/electron/protocol.js');
const { FORBIDDEN_SENDER, registerIpcHost } = await import('../../main/electron/ipc-host.js');

/** A webContents that records what the shell registers on it. */
function fakeContents() {
  const on: Record<string, (...args: any[]) => void> = {};
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  const contents = {
    on: (event: string, fn: (...args: any[]) => void) => {
      on[event] = fn;
      return contents;
    },
    setWindowOpenHandler: (fn: typeof openHandler) => (openHandler = fn),
  };
  hardenContents(contents as never);
  const event = (extra: Record<string, unknown> = {}) => ({ preventDefault: vi.fn(), ...extra });
  return {
    navigate(url: string) {
      const e = event();
      on['will-navigate']!(e, url);
      return e.preventDefault.mock.calls.length > 0;
    },
    redirect(url: string) {
      const e = event();
      on['will-redirect']!(e, url);
      return e.preventDefault.mock.calls.length > 0;
    },
    frameNavigate(url: string) {
      const e = event({ url });
      on['will-frame-navigate']!(e);
      return e.preventDefault.mock.calls.length > 0;
    },
    attachWebview() {
      const e = event();
      on['will-attach-webview']!(e, {}, {});
      return e.preventDefault.mock.calls.length > 0;
    },
    open: (url: string) => openHandler!({ url }),
  };
}

beforeEach(() => electron.shell.openExternal.mockClear());

describe('the window', () => {
  it('runs with context isolation, the sandbox, web security and no Node, webviews or insecure content', () => {
    createMainWindow('/x/preload.cjs');
    const prefs = electron.FakeWindow.last!.options.webPreferences;
    expect(prefs).toMatchObject({
      preload: '/x/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });
});

describe('navigation and new windows', () => {
  it('will-navigate: our own pages stay, everything else is refused; https opens in the system browser', () => {
    const c = fakeContents();
    expect(c.navigate('app://workbench/index.html')).toBe(false);
    expect(c.navigate('https://docs.aws.amazon.com/lambda/')).toBe(true);
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://docs.aws.amazon.com/lambda/');
    electron.shell.openExternal.mockClear();
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'app://other/index.html', 'javascript:alert(1)', 'data:text/html,x', 'app://workbench.evil/']) {
      expect(c.navigate(url), url).toBe(true);
    }
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
  });

  it('redirects and subframe navigations away from app:// are refused', () => {
    const c = fakeContents();
    expect(c.redirect('https://example.com/')).toBe(true);
    expect(c.frameNavigate('https://example.com/')).toBe(true);
    expect(c.frameNavigate('app://workbench/index.html')).toBe(false);
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
  });

  it('window.open is always denied; an https link opens externally, nothing else does', () => {
    const c = fakeContents();
    expect(c.open('https://github.com/')).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://github.com/');
    electron.shell.openExternal.mockClear();
    for (const url of ['app://workbench/index.html', 'http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'not a url']) {
      expect(c.open(url), url).toEqual({ action: 'deny' });
    }
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
  });

  it('webviews are never attached', () => {
    expect(fakeContents().attachWebview()).toBe(true);
  });
});

describe('permissions', () => {
  it('every permission request and check is denied, and every new webContents is hardened', () => {
    applySecurityRestrictions();
    const s = electron.session.defaultSession;
    const request = s.setPermissionRequestHandler.mock.calls[0]![0] as (wc: unknown, p: string, cb: (ok: boolean) => void) => void;
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fileSystem']) {
      const cb = vi.fn();
      request({}, permission, cb);
      expect(cb, permission).toHaveBeenCalledWith(false);
    }
    const check = s.setPermissionCheckHandler.mock.calls[0]![0] as (...a: unknown[]) => boolean;
    expect(check({}, 'media', 'app://workbench')).toBe(false);
    expect((s.setDevicePermissionHandler.mock.calls[0]![0] as () => boolean)()).toBe(false);
    const media = vi.fn();
    (s.setDisplayMediaRequestHandler.mock.calls[0]![0] as (r: unknown, cb: (x: unknown) => void) => void)({}, media);
    expect(media).toHaveBeenCalledWith({});
    expect(electron.appListeners['web-contents-created']).toHaveLength(1);
  });
});

describe('app:// protocol', () => {
  let dir: string;
  let root: string;
  let handler: (r: Request) => Promise<Response>;
  // The URL exactly as written: a Request would normalise plain dot segments before the handler sees them.
  const get = (path: string, method = 'GET') => handler({ url: `app://workbench${path}`, method } as Request);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lwb-app-protocol-'));
    root = join(dir, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>w</title>');
    writeFileSync(join(root, 'assets', 'a.js'), 'export {}');
    writeFileSync(join(root, '.sources-mtime'), '1');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    symlinkSync(dir, join(root, 'out'));
    symlinkSync(join(dir, 'secret.txt'), join(root, 'assets', 'secret.js'));
    handler = appProtocolHandler(root);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the page and its assets with the CSP and the other security headers', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>w</title>');
    expect(page.headers.get('content-security-policy')).toBe(UI_CSP);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const asset = await get('/assets/a.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('refuses traversal, plain or percent-encoded, and symlinks that lead out', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/out/secret.txt', '/assets/secret.js']) {
      const r = await get(path);
      expect(r.status, path).toBe(403);
      expect(await r.text(), path).not.toContain('secret\n');
    }
    // And as Chromium hands it over, normalised: what is left still cannot leave the folder.
    expect((await handler(new Request('app://workbench/../secret.txt'))).status).toBe(404);
    expect((await handler(new Request('app://workbench/out/secret.txt'))).status).toBe(403);
  });

  it('refuses NUL and backslashes, dotfiles, other hosts and writes', async () => {
    expect((await get('/index.html%00.js')).status).toBe(400);
    expect((await get('/assets%5c..%5csecret.txt')).status).toBe(400);
    expect((await get('/%E0%A4%A')).status).toBe(400);
    expect((await get('/.sources-mtime')).status).toBe(404);
    expect((await get('/nope.js')).status).toBe(404);
    expect((await handler(new Request('app://other/index.html'))).status).toBe(404);
    expect((await get('/index.html', 'POST')).status).toBe(405);
  });

  it('isAppUrl knows our pages from look-alikes', () => {
    expect(isAppUrl('app://workbench/index.html')).toBe(true);
    for (const u of ['app://workbench.evil/', 'app://workbenchx/', 'https://workbench/', 'app://other/', undefined]) expect(isAppUrl(u), String(u)).toBe(false);
  });
});

describe('IPC host', () => {
  const ours = { routingId: 1, processId: 7, url: 'app://workbench/index.html' };
  const win = new electron.FakeWindow({});
  const isTrusted = (frame: unknown) => isOurMainFrame(win as never, frame as never, isAppUrl);

  function host() {
    const handles: Record<string, (...a: any[]) => any> = {};
    const ons: Record<string, (...a: any[]) => any> = {};
    const ipcMain = {
      handle: (ch: string, fn: (...a: any[]) => any) => (handles[ch] = fn),
      on: (ch: string, fn: (...a: any[]) => any) => (ons[ch] = fn),
      removeHandler: vi.fn(),
      removeAllListeners: vi.fn(),
    };
    let emit: (f: StreamFrame) => void = () => undefined;
    const streams = { on: (fn: (f: StreamFrame) => void) => ((emit = fn), () => undefined) };
    const handlers = { 'events.templates': async () => [{ source: 's3', type: 'put' }] } as unknown as ContractHandlers;
    registerIpcHost({ ipcMain: ipcMain as never, ready: Promise.resolve({ handlers, streams }), isTrusted: isTrusted as never });
    const contents = () => ({ send: vi.fn(), once: vi.fn(), isDestroyed: () => false });
    return { handles, ons, emit: (f: StreamFrame) => emit(f), contents };
  }

  it('answers our window\'s main frame on an app:// page, through dispatch', async () => {
    const h = host();
    const ok = await h.handles[IPC_REQUEST]!({ senderFrame: ours }, 'events.templates', {});
    expect(ok).toEqual({ ok: true, value: [{ source: 's3', type: 'put' }] });
    expect(await h.handles[IPC_REQUEST]!({ senderFrame: ours }, 'no.such', {})).toMatchObject({ ok: false, error: { code: 'UnknownMethod' } });
    expect(await h.handles[IPC_REQUEST]!({ senderFrame: ours }, 'events.render', { source: 5 })).toMatchObject({ ok: false, error: { code: 'InvalidParameters' } });
  });

  it('refuses a subframe, another renderer, a page navigated elsewhere and a missing frame', async () => {
    const h = host();
    const foreign = [
      { ...ours, routingId: 2 },
      { ...ours, processId: 8 },
      { ...ours, url: 'https://evil.example/' },
      { ...ours, url: 'app://workbench.evil/index.html' },
      null,
    ];
    for (const frame of foreign) expect(await h.handles[IPC_REQUEST]!({ senderFrame: frame }, 'events.templates', {}), JSON.stringify(frame)).toEqual(FORBIDDEN_SENDER);
  });

  it('pushes stream frames only to subscribed, trusted senders', async () => {
    const h = host();
    await Promise.resolve();
    const trusted = h.contents();
    const stranger = h.contents();
    h.ons[IPC_SUBSCRIBE]!({ senderFrame: ours, sender: trusted }, { t: 'sub', stream: 'functions' });
    h.ons[IPC_SUBSCRIBE]!({ senderFrame: { ...ours, routingId: 9 }, sender: stranger }, { t: 'sub', stream: 'functions' });
    h.ons[IPC_SUBSCRIBE]!({ senderFrame: ours, sender: trusted }, { t: 'sub', stream: 'not-a-stream' });
    const frame: StreamFrame = { stream: 'functions', seq: 1, at: 0, data: { change: 'created', name: 'f' } };
    h.emit(frame);
    h.emit({ stream: 'status', seq: 1, at: 0, data: {} as never });
    expect(trusted.send).toHaveBeenCalledTimes(1);
    expect(trusted.send).toHaveBeenCalledWith(IPC_FRAME, frame);
    expect(stranger.send).not.toHaveBeenCalled();
    h.ons[IPC_SUBSCRIBE]!({ senderFrame: ours, sender: trusted }, { t: 'unsub', stream: 'functions' });
    h.emit({ ...frame, seq: 2 });
    expect(trusted.send).toHaveBeenCalledTimes(1);
  });
});
