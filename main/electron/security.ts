// Every restriction on web content, in one place: no navigation away from the
// app, no new windows, no permissions, no webviews.
import { app, session } from 'electron';

export function applySecurityRestrictions(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (e, url) => {
      if (!url.startsWith('app://workbench/')) e.preventDefault();
    });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}
