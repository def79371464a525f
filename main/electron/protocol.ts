// The window's content comes from app://workbench/, never file://: a file://
// page could read any file the user can, and a custom scheme gives the page an
// origin of its own for the CSP's 'self'. The handler serves dist/renderer
// only, through the same containment check as serve mode (no `..`, plain or
// percent-encoded, no symlink out), with the same security headers.
import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { uiHeaders } from '../server/ui/security-headers.js';
import { contentType, resolveContained } from '../server/ui/static-files.js';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://workbench';
export const APP_INDEX = `${APP_ORIGIN}/index.html`;

/** Whether a URL is a page of ours (for navigation and IPC sender checks). */
export function isAppUrl(url: string | undefined): boolean {
  return typeof url === 'string' && url.startsWith(`${APP_ORIGIN}/`);
}

/** Before the app is ready: app:// behaves like https (standard, secure, fetch) and nothing more. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

const text = (status: number, body: string) => new Response(body, { status, headers: { ...uiHeaders('none'), 'Content-Type': 'text/plain; charset=utf-8' } });

/** The app:// handler over `root` (dist/renderer). */
export function appProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (!request.url.startsWith(`${APP_ORIGIN}/`)) return text(404, 'Only app://workbench/ is served.');
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'The window\'s files are read-only.');
    // The raw path, as sent: Chromium normalises plain dot segments, and the check below refuses any that remain, encoded or not.
    const rest = request.url.slice(APP_ORIGIN.length);
    const path = rest.split(/[?#]/, 1)[0]!;
    const found = await resolveContained(root, path);
    if (!found.ok) return text(found.status, `${path.slice(0, 200)}: ${found.reason}.`);
    const body = request.method === 'HEAD' ? null : await readFile(found.file);
    return new Response(body, {
      status: 200,
      headers: { ...uiHeaders(path.startsWith('/assets/') ? 'immutable' : 'revalidate'), 'Content-Type': contentType(found.file), 'Content-Length': String(found.size) },
    });
  };
}
