// Serve mode's window over HTTP: the token exchange, the page and its assets
// from dist/renderer, and plain-spoken refusals. Its paths (`/`, `/index.html`,
// `/assets/*`, `/_ui/*`) are a space of their own: the Lambda API's SigV4
// guard never sees them, and this module never answers an API path.
import { createReadStream, existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { WS_PATH } from '../../contract/index.js';
import { uiHeaders, type UiCaching } from './security-headers.js';
import type { UiSession, Verdict } from './session.js';
import { contentType, RENDERER_DIR, resolveContained } from './static-files.js';

export const isUiPath = (path: string): boolean => path === '/' || path === '/index.html' || path.startsWith('/assets/') || path.startsWith('/_ui/');

const BUILD_COMMAND = 'npx vite build --config renderer/vite.config.ts';

export class UiPages {
  constructor(
    private readonly session: UiSession,
    private readonly root = RENDERER_DIR,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      // Nothing here changes state over HTTP (the contract travels on the WebSocket).
      return this.page(res, 405, 'none', 'Method not allowed', `The window's pages answer GET only, not ${method.slice(0, 20)}.`, { Allow: 'GET, HEAD' });
    }
    const isPage = path === '/' || path === '/index.html';
    if (isPage && query.has('token')) return this.exchange(req, res, query.get('token') ?? '');
    const verdict = this.session.check(req, { originRequired: false });
    if (!verdict.ok) return this.refuse(res, verdict);
    if (path.startsWith('/_ui/')) {
      if (path === WS_PATH) return this.page(res, 426, 'none', 'Upgrade required', 'This address is the window\'s WebSocket; the page connects to it on its own.', { Upgrade: 'websocket', Connection: 'Upgrade' });
      return this.page(res, 404, 'none', 'Not found', `No window resource at ${path.slice(0, 200)}.`);
    }
    const found = await resolveContained(this.root, path);
    if (!found.ok) {
      if (isPage && !existsSync(join(this.root, 'index.html'))) {
        return this.page(res, 503, 'none', 'The window is not built', `dist/renderer has no index.html. Build it with ${BUILD_COMMAND} (npm start and npm test do it on their own), then reload.`);
      }
      return this.page(res, found.status, 'none', found.status === 404 ? 'Not found' : 'Refused', `${path.slice(0, 200)}: ${found.reason}.`);
    }
    const caching: UiCaching = path.startsWith('/assets/') ? 'immutable' : 'revalidate';
    res.writeHead(200, { ...uiHeaders(caching), 'Content-Type': contentType(found.file), 'Content-Length': found.size });
    if (method === 'HEAD') return void res.end();
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(found.file);
      stream.on('error', (err) => {
        res.destroy(err);
        reject(err);
      });
      res.on('close', () => {
        stream.destroy();
        resolve();
      });
      stream.pipe(res);
    });
  }

  /** `/?token=…`: the right token becomes the session cookie, and the address bar loses it. */
  private exchange(req: IncomingMessage, res: ServerResponse, token: string): void {
    const place = this.session.checkPlace(req, { originRequired: false });
    if (!place.ok) return this.refuse(res, place);
    if (!this.session.matches(token)) {
      return this.refuse(res, { ok: false, status: 401, code: 'WrongToken', message: 'This address\'s token is not the running workbench\'s: it changes at every start. Open the address the workbench printed when it last started.' });
    }
    res.writeHead(303, { ...uiHeaders('none'), Location: '/', 'Set-Cookie': this.session.setCookie(req.socket.localPort!), 'Content-Length': 0 });
    res.end();
  }

  private refuse(res: ServerResponse, verdict: Extract<Verdict, { ok: false }>): void {
    const title = verdict.status === 401 ? 'Open the workbench from its address' : 'Refused';
    this.page(res, verdict.status, 'none', title, verdict.message, { 'x-lwb-code': verdict.code }, verdict.status === 401);
  }

  /** A small static page (no script) in the window's own policy. */
  private page(res: ServerResponse, status: number, caching: UiCaching, title: string, text: string, extra: Record<string, string> = {}, howTo = false): void {
    const help = howTo
      ? `<p>The workbench prints it when it starts, in the terminal where <code>npm start</code> or <code>lwb serve</code> runs:</p>
<pre>Workbench UI: http://127.0.0.1:&lt;port&gt;/?token=&lt;token&gt;</pre>
<p>The token is new at every start. Opening that address once gives this browser a session for as long as the workbench runs.</p>`
      : '';
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>${escapeHtml(title)} · Lambda Workbench</title>
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:42rem;margin:10vh auto;padding:0 1rem;color:#1f2328}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace}pre{background:#f3f4f6;padding:.6rem .8rem;border-radius:4px;overflow:auto}@media (prefers-color-scheme:dark){body{background:#1e1f22;color:#d4d6da}pre{background:#2b2d31}}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${help}</body></html>
`;
    res.writeHead(status, { ...uiHeaders(caching), 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), ...extra });
    res.end(res.req?.method === 'HEAD' ? undefined : html);
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
