// Serve mode's window session against the real server (`lwb serve`): the
// printed address's token becomes an HttpOnly SameSite=Strict cookie; the
// page, its assets and the WebSocket need that cookie, this server's own Host
// and (WebSocket) Origin; the contract answers over the socket; malformed
// frames are answered with close codes and the server stays up; the API's
// SigV4 guard is untouched. Then the socket host alone, with small limits: a
// subscriber that stops reading costs a bounded buffer, not memory without end.
import { execFileSync } from 'node:child_process';
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CreateFunctionUrlConfigCommand } from '@aws-sdk/client-lambda';
import type { ContractHandlers, ServerMessage, StreamFrame } from '../../main/contract/index.js';
import { WS_PATH } from '../../main/contract/index.js';
import { UI_CSP } from '../../main/server/ui/security-headers.js';
import { UiServer } from '../../main/server/ui/index.js';
import { createFunction } from '../helpers/lambda.js';
import { REPO, removeDir, startServer, type RunningServer } from '../helpers/server.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request exactly as written (Host included), as a browser or an attacker would send it. */
function raw(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket; resolves with it open, or with the HTTP status that refused the handshake. */
function connect(url: string, opts: { cookie?: string; origin?: string; host?: string }): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.cookie) headers.Cookie = opts.cookie;
    if (opts.host) headers.Host = opts.host;
    const ws = new WebSocket(url, { headers, origin: opts.origin });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode!);
      res.resume();
    });
    ws.once('error', reject);
  });
}

/** Frames a socket receives, and a way to wait for one. */
function inbox(ws: WebSocket) {
  const got: ServerMessage[] = [];
  const waiters: { test: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as ServerMessage;
    got.push(m);
    for (const w of waiters.splice(0)) {
      if (w.test(m)) w.resolve(m);
      else waiters.push(w);
    }
  });
  return {
    got,
    next(test: (m: ServerMessage) => boolean, timeoutMs = 20_000): Promise<ServerMessage> {
      const seen = got.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(got).slice(0, 500)}`)), timeoutMs);
        waiters.push({ test, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
  };
}

const closed = (ws: WebSocket) => new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));

describe('serve mode: the window\'s session', () => {
  let server: RunningServer;
  let token: string;
  let cookie: string;
  let origin: string;
  let wsUrl: string;

  beforeAll(async () => {
    // The page must exist to be served: build it when missing or stale (as npm test's setup does).
    execFileSync(process.execPath, [join(REPO, 'scripts/build.mjs'), 'renderer', '--strict'], { cwd: REPO, stdio: 'inherit' });
    server = await startServer({ args: ['--function-url-port', '0'] });
    const m = server.output().match(/^Workbench UI: (http:\/\/127\.0\.0\.1:(\d+))\/\?token=([A-Za-z0-9_-]+)$/m);
    expect(m, server.output()).not.toBeNull();
    expect(Number(m![2])).toBe(server.port);
    token = m![3]!;
    cookie = `lwb_ui_${server.port}=${token}`;
    origin = server.url;
    wsUrl = `ws://127.0.0.1:${server.port}${WS_PATH}`;
  });
  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('prints the address with a token of at least 128 random bits', () => {
    expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(server.output()).toMatch(/^Lambda API listening on http:\/\/127\.0\.0\.1:\d+\nFunction URLs on http:\/\/127\.0\.0\.1:\d+\nWorkbench UI: /m);
  });

  it('without a token or cookie: 401, a page that says where the address is, under the CSP', async () => {
    const r = await raw(server.port, 'GET', '/');
    expect(r.status).toBe(401);
    expect(r.headers['x-lwb-code']).toBe('NoSession');
    expect(r.body).toContain('Workbench UI: http://127.0.0.1:&lt;port&gt;/?token=');
    expect(r.headers['content-security-policy']).toBe(UI_CSP);
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['set-cookie']).toBeUndefined();
    // A wrong cookie is no cookie.
    expect((await raw(server.port, 'GET', '/', { Cookie: `lwb_ui_${server.port}=${token.slice(0, -1)}x` })).status).toBe(401);
    expect((await raw(server.port, 'GET', '/', { Cookie: `lwb_ui_${server.port + 1}=${token}` })).status).toBe(401);
  });

  it('a wrong token: 401 and no cookie', async () => {
    for (const t of ['x', token.slice(0, -1), `${token}x`, '', 'A'.repeat(5000)]) {
      const r = await raw(server.port, 'GET', `/?token=${encodeURIComponent(t)}`);
      expect(r.status, t.slice(0, 20)).toBe(401);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
  });

  it('the right token: an HttpOnly, SameSite=Strict, Path=/ cookie and a redirect to / without the token', async () => {
    for (const path of [`/?token=${token}`, `/index.html?token=${token}`]) {
      const r = await raw(server.port, 'GET', path);
      expect(r.status).toBe(303);
      expect(r.headers.location).toBe('/');
      const set = r.headers['set-cookie']!;
      expect(set).toHaveLength(1);
      expect(set[0]).toBe(`${cookie}; HttpOnly; SameSite=Strict; Path=/`);
      expect(r.headers['cache-control']).toBe('no-store');
    }
  });

  it('with the cookie: the page and its assets, with the CSP, X-Frame-Options and the rest; without it, neither', async () => {
    const page = await raw(server.port, 'GET', '/', { Cookie: `other=1; ${cookie}` });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(UI_CSP);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cache-control']).toBe('private, no-cache');
    const script = page.body.match(/src="\.(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script, page.body).toBeDefined();
    const asset = await raw(server.port, 'GET', script!, { Cookie: cookie });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(asset.headers['content-security-policy']).toBe(UI_CSP);
    expect((await raw(server.port, 'GET', script!)).status).toBe(401);
    expect((await raw(server.port, 'HEAD', script!, { Cookie: cookie })).status).toBe(200);
  });

  it('paths leave nothing of the build folder: traversal, encoded or not, and dotfiles', async () => {
    for (const path of ['/assets/../../package.json', '/assets/..%2f..%2fpackage.json', '/assets/%2e%2e/%2e%2e/package.json', '/assets/%2E%2E%2F%2E%2E%2Fpackage.json']) {
      const r = await raw(server.port, 'GET', path, { Cookie: cookie });
      expect(r.status, path).toBe(403);
      expect(r.body).not.toContain('"name": "lambda-workbench"');
    }
    expect((await raw(server.port, 'GET', '/assets/%00.js', { Cookie: cookie })).status).toBe(400);
    expect((await raw(server.port, 'GET', '/assets/.sources-mtime', { Cookie: cookie })).status).toBe(404);
  });

  it('a rebinding Host or a foreign Origin is refused even with the cookie; nothing but GET is served', async () => {
    const evil = await raw(server.port, 'GET', '/', { Cookie: cookie, Host: `evil.example:${server.port}` });
    expect(evil.status).toBe(403);
    expect(evil.headers['x-amzn-errortype']).toBe('AccessDeniedException');
    for (const host of [`fn.lambda-url.us-east-1.localhost:${server.port}`, `127.0.0.1:${server.port + 1}`]) {
      expect((await raw(server.port, 'GET', '/', { Cookie: cookie, Host: host })).headers['x-lwb-code'], host).toBe('ForeignHost');
    }
    expect((await raw(server.port, 'GET', '/', { Cookie: cookie, Origin: 'http://evil.example' })).headers['x-lwb-code']).toBe('ForeignOrigin');
    expect((await raw(server.port, 'GET', `/?token=${token}`, { Host: `localhost.evil.example:${server.port}` })).status).toBe(403);
    expect((await raw(server.port, 'GET', '/', { Cookie: cookie, Host: `localhost:${server.port}` })).status).toBe(200);
    const post = await raw(server.port, 'POST', '/', { Cookie: cookie, Origin: origin });
    expect(post.status).toBe(405);
  });

  it('the API\'s SigV4 guard is unchanged: the window\'s cookie opens no API or /_workbench path', async () => {
    for (const path of ['/2015-03-31/functions', '/_workbench/environments', '/_workbench/audit', '/_ui']) {
      const r = await raw(server.port, 'GET', path, { Cookie: cookie, Origin: origin });
      expect(r.status, path).toBe(403);
      expect(r.headers['x-amzn-errortype'], path).toBe('MissingAuthenticationTokenException');
    }
  });

  it('the WebSocket: refused without the cookie, with a foreign or missing Origin, and with a rebinding Host', async () => {
    expect(await connect(wsUrl, { origin })).toBe(401);
    expect(await connect(wsUrl, { origin, cookie: `lwb_ui_${server.port}=nope` })).toBe(401);
    expect(await connect(wsUrl, { cookie, origin: 'http://evil.example' })).toBe(403);
    expect(await connect(wsUrl, { cookie, origin: `http://127.0.0.1:${server.port + 1}` })).toBe(403);
    expect(await connect(wsUrl, { cookie, origin: 'null' })).toBe(403);
    expect(await connect(wsUrl, { cookie })).toBe(403);
    expect(await connect(wsUrl, { cookie, origin, host: `evil.example:${server.port}` })).toBe(403);
    expect(await connect(wsUrl, { cookie, origin: `http://evil.example:${server.port}`, host: `evil.example:${server.port}` })).toBe(403);
    // Only the window's path upgrades.
    expect(await connect(`ws://127.0.0.1:${server.port}/2015-03-31/functions`, { cookie, origin })).toBe(400);
  });

  it('with cookie and Origin it speaks the contract: answers, error codes, and live frames of a change made with the SDK', async () => {
    const ws = (await connect(wsUrl, { cookie, origin })) as WebSocket;
    expect(ws).toBeInstanceOf(WebSocket);
    const box = inbox(ws);
    ws.send(JSON.stringify({ t: 'req', id: 1, method: 'events.templates', params: {} }));
    const res = await box.next((m) => m.t === 'res' && m.id === 1);
    expect(res.t === 'res' && res.result.ok).toBe(true);
    const templates = (res as Extract<ServerMessage, { t: 'res' }>).result as { ok: true; value: { source: string }[] };
    expect(templates.value.length).toBeGreaterThanOrEqual(70);
    expect(templates.value.some((t) => t.source === 's3')).toBe(true);

    ws.send(JSON.stringify({ t: 'req', id: 2, method: 'functions.nuke', params: {} }));
    ws.send(JSON.stringify({ t: 'req', id: 3, method: 'events.render', params: { source: 42 } }));
    ws.send(JSON.stringify({ t: 'req', id: 4, method: 'functions.get', params: { name: 'nope' } }));
    const codes = await Promise.all([2, 3, 4].map((id) => box.next((m) => m.t === 'res' && m.id === id)));
    expect(codes.map((m) => (m as Extract<ServerMessage, { t: 'res' }>).result)).toMatchObject([
      { ok: false, error: { code: 'UnknownMethod' } },
      { ok: false, error: { code: 'InvalidParameters' } },
      { ok: false, error: { code: 'ResourceNotFoundException' } },
    ]);

    // A function created by another client (the SDK) arrives on the `functions` stream.
    ws.send(JSON.stringify({ t: 'sub', stream: 'functions' }));
    ws.send(JSON.stringify({ t: 'sub', stream: 'functions' })); // twice: still one subscription
    await new Promise((r) => setTimeout(r, 100));
    await createFunction(server.client(), { name: 'seen-live', files: { 'index.js': 'exports.handler = async () => 1;' } });
    const ev = await box.next((m) => m.t === 'ev' && m.frame.stream === 'functions');
    expect((ev as Extract<ServerMessage, { t: 'ev' }>).frame).toMatchObject({ stream: 'functions', data: { change: 'created', name: 'seen-live' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(box.got.filter((m) => m.t === 'ev' && m.frame.stream === 'functions' && (m.frame as StreamFrame<'functions'>).data.name === 'seen-live' && (m.frame as StreamFrame<'functions'>).data.change === 'created')).toHaveLength(1);
    ws.close();
  });

  it('malformed frames close the socket with a code; the server stays up and serves the next socket', async () => {
    const cases: [string | Buffer, number, RegExp][] = [
      ['{not json', 1007, /MalformedMessage/],
      ['42', 1008, /MalformedMessage/],
      ['{"t":"what"}', 1008, /MalformedMessage/],
      ['{"t":"req","id":"x","method":"status.get"}', 1008, /MalformedMessage/],
      ['{"t":"sub","stream":"secrets"}', 1008, /UnknownStream/],
      [Buffer.from([0, 1, 2]), 1003, /BinaryFrame/],
    ];
    for (const [frame, code, reason] of cases) {
      const ws = (await connect(wsUrl, { cookie, origin })) as WebSocket;
      const done = closed(ws);
      ws.send(frame);
      const c = await done;
      expect(c.code, String(frame)).toBe(code);
      expect(c.reason).toMatch(reason);
    }
    const ws = (await connect(wsUrl, { cookie, origin })) as WebSocket;
    const box = inbox(ws);
    ws.send(JSON.stringify({ t: 'req', id: 7, method: 'functions.list', params: {} }));
    const r = await box.next((m) => m.t === 'res' && m.id === 7);
    expect((r as Extract<ServerMessage, { t: 'res' }>).result.ok).toBe(true);
    ws.close();
    expect(server.proc.exitCode).toBeNull();
  });

  it('function URLs never see the window\'s session cookie', async () => {
    const client = server.client();
    await createFunction(client, { name: 'cookie-echo', files: { 'index.js': 'exports.handler = async (e) => ({ statusCode: 200, body: JSON.stringify(e.cookies ?? []) });' } });
    const { FunctionUrl } = await client.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'cookie-echo', AuthType: 'NONE' }));
    const url = new URL(FunctionUrl!);
    const r = await raw(Number(url.port), 'GET', '/', { Host: url.host, Cookie: `${cookie}; theme=dark; lwb_ui_1=x` });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual(['theme=dark']);
  });

  it('a function URL cannot set or clear the window\'s session cookie (it would log the window out)', async () => {
    const client = server.client();
    const evil = `lwb_ui_${server.port}=evil; Path=/`;
    await createFunction(client, {
      name: 'cookie-setter',
      files: { 'index.js': `exports.handler = async () => ({ statusCode: 200, headers: { 'Set-Cookie': ${JSON.stringify(evil)} }, cookies: [${JSON.stringify(evil)}, 'keep=1'], body: 'ok' });` },
    });
    const { FunctionUrl } = await client.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'cookie-setter', AuthType: 'NONE' }));
    const url = new URL(FunctionUrl!);
    const r = await raw(Number(url.port), 'GET', '/', { Host: url.host });
    expect(r.status).toBe(200);
    const set = [r.headers['set-cookie'] ?? []].flat();
    expect(set).toContain('keep=1');
    expect(set.some((c) => /lwb_ui_/i.test(c))).toBe(false);
  });
});

describe('the window\'s socket host, alone, with small limits', () => {
  let http: Server;
  let ui: UiServer;
  let emit: (frame: StreamFrame) => void = () => undefined;
  let port: number;
  let cookie: string;
  let origin: string;
  const LIMIT = 256 * 1024;

  beforeAll(async () => {
    const handlers = { 'status.get': async () => ({ ok: true }) } as unknown as ContractHandlers;
    ui = new UiServer({ handlers, streams: { on: (fn) => ((emit = fn), () => (emit = () => undefined)) }, limits: { eventBufferBytes: LIMIT, maxMessageBytes: 64 * 1024 } });
    http = createServer((_req, res) => res.writeHead(404).end());
    http.on('upgrade', (req, socket, head) => ui.upgrade(req, socket, head) || socket.destroy());
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    port = (http.address() as AddressInfo).port;
    cookie = `lwb_ui_${port}=${ui.session.token}`;
    origin = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await ui?.close();
    http?.close();
  });

  it('a subscriber that stops reading gets its event frames dropped past the limit, and sees the gap in seq when it reads again', async () => {
    const ws = (await connect(`ws://127.0.0.1:${port}${WS_PATH}`, { cookie, origin })) as WebSocket;
    const box = inbox(ws);
    ws.send(JSON.stringify({ t: 'sub', stream: 'envs' }));
    await new Promise((r) => setTimeout(r, 100));
    ws.pause(); // stops reading its socket: the kernel's buffers fill, then the server's
    const N = 2000;
    const data = { envId: 'e', functionName: 'f', version: '$LATEST', from: null, to: 'idle', cause: 'x'.repeat(32 * 1024) };
    let peak = 0;
    const rss0 = process.memoryUsage().rss;
    for (let seq = 1; seq <= N; seq++) {
      emit({ stream: 'envs', seq, at: Date.now(), data } as StreamFrame);
      if (seq % 50 === 0) await new Promise((r) => setImmediate(r));
      peak = Math.max(peak, ui.socket.stats()[0]!.buffered);
    }
    const { dropped } = ui.socket.stats()[0]!;
    const rssGrowth = process.memoryUsage().rss - rss0;
    process.stdout.write(`slow subscriber: ${N} frames of 32 KiB (${((N * 32) / 1024).toFixed(0)} MiB) sent to a paused client; peak buffered ${(peak / 1024).toFixed(0)} KiB, dropped ${dropped}, rss growth ${(rssGrowth / 1048576).toFixed(1)} MiB\n`);
    // Bounded: the limit plus at most one frame over it, never the 62 MiB offered.
    expect(peak).toBeLessThanOrEqual(LIMIT + 40 * 1024);
    expect(dropped).toBeGreaterThan(N / 2);
    expect(rssGrowth).toBeLessThan(40 * 1024 * 1024);

    ws.resume();
    await new Promise((r) => setTimeout(r, 1000));
    // The next frame after the drops shows the client what it missed.
    emit({ stream: 'envs', seq: N + 1, at: Date.now(), data } as StreamFrame);
    await box.next((m) => m.t === 'ev' && m.frame.seq === N + 1);
    const seqs = box.got.filter((m) => m.t === 'ev').map((m) => (m as Extract<ServerMessage, { t: 'ev' }>).frame.seq);
    expect(seqs.length).toBe(N + 1 - dropped);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const gaps = seqs.slice(1).filter((s, i) => s !== seqs[i]! + 1);
    expect(gaps.length).toBeGreaterThan(0);
    // Answers still arrive after the drops.
    ws.send(JSON.stringify({ t: 'req', id: 1, method: 'status.get', params: {} }));
    expect(await box.next((m) => m.t === 'res' && m.id === 1)).toMatchObject({ result: { ok: true } });
    ws.close();
  });

  it('a message over the size limit closes the socket with 1009', async () => {
    const ws = (await connect(`ws://127.0.0.1:${port}${WS_PATH}`, { cookie, origin })) as WebSocket;
    const done = closed(ws);
    ws.send(JSON.stringify({ t: 'req', id: 1, method: 'status.get', params: { pad: 'x'.repeat(70 * 1024) } }));
    expect((await done).code).toBe(1009);
  });
});
