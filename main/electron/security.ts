// Every restriction on web content, in one place: the window shows our own
// pages and nothing else. No navigation away (an https link opens in the
// system browser instead), no new windows, no webviews, no permission of any
// kind (camera, notifications, clipboard reads, devices...). Modelled on
// Podman Desktop's security-restrictions.ts.
import { app, session, shell, type Event, type WebContents } from 'electron';
import { isAppUrl } from './protocol.js';

/** Only https links leave the app, and only to the system browser. */
export function openExternally(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:') return false;
  void shell.openExternal(parsed.href);
  return true;
}

/** Navigations within our own pages (a reload) stay; anything else is refused, and an https link opens outside. */
function guardNavigation(event: Event, url: string): void {
  if (isAppUrl(url)) return;
  event.preventDefault();
  openExternally(url);
}

export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => guardNavigation(event, url));
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function applySecurityRestrictions(): void {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  const s = session.defaultSession;
  s.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  s.setDevicePermissionHandler(() => false);
  s.setDisplayMediaRequestHandler((_request, callback) => callback({}));
}
