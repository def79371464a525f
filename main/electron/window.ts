// The window and the preferences it runs with. The renderer gets no Node, no
// Electron, its own JavaScript world and Chromium's sandbox: all it can reach
// is window.workbench, which the preload puts there.
import { BrowserWindow, type WebPreferences } from 'electron';

export function webPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

export function createMainWindow(preload: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'Lambda Workbench',
    show: false,
    webPreferences: webPreferences(preload),
  });
  // Shown once painted: no white flash before the theme applies.
  win.once('ready-to-show', () => win.show());
  return win;
}

/** The frame our contract answers: the main frame of our window, showing one of our pages. */
export function isOurMainFrame(win: BrowserWindow | undefined, frame: { url: string; routingId: number; processId: number } | null | undefined, isAppUrl: (u: string) => boolean): boolean {
  if (!win || win.isDestroyed() || !frame) return false;
  const main = win.webContents.mainFrame;
  return frame.routingId === main.routingId && frame.processId === main.processId && isAppUrl(frame.url);
}
