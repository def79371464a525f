// A web page is an attacker too (issue 8: "Any web page can drive the API").
// In a real browser (Debian's Chromium driven by Playwright), a page served
// from another local origin, and a function URL's own page, try what a
// hostile page would: create a function with a CORS "simple" text/plain POST,
// with a JSON POST that needs a preflight, and with a submitted <form>; and
// read the API's answers. Each is refused, and the SDK afterwards finds
// nothing created.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium } from '../test/helpers/browser.js';
import { CreateFunctionUrlConfigCommand, GetFunctionCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../test/helpers/server.js';
import { createFunction, ROLE } from '../test/helpers/lambda.js';
import { makeZip } from '../test/helpers/zip.js';

let server: RunningServer;
let browser: Browser;
let attacker: Server;
let attackerOrigin: string;
let zipBase64: string;

/** What the hostile script tried, as it saw it. */
interface Attempt {
  name: string;
  /** The status the page could read, if any (a readable answer means the API's answers leak). */
  status?: number;
  readable?: boolean;
  error?: string;
}

/** A CreateFunction body for `name`, complete and valid: only the caller's origin is wrong. */
const createBody = (name: string) => ({ FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zipBase64 } });

/**
 * The attack script, run in the page: `api` is the workbench's API origin. Results go to
 * window.__attempts; window.__done is set when every attempt has settled.
 */
function attackScript(api: string, prefix: string): string {
  const body = (name: string) => JSON.stringify(createBody(`${prefix}-${name}`));
  // A text/plain form whose single field `name=value` reads as the JSON body `{"...","pad":"="}`.
  const formJson = JSON.stringify(createBody(`${prefix}-form`)).slice(0, -1);
  return `
    window.__attempts = [];
    const note = (a) => window.__attempts.push(a);
    const attempt = async (name, url, init) => {
      try {
        const res = await fetch(url, init);
        let readable = false;
        try { await res.text(); readable = res.type !== 'opaque'; } catch {}
        note({ name, status: res.type === 'opaque' ? undefined : res.status, readable });
      } catch (err) {
        note({ name, error: String(err) });
      }
    };
    (async () => {
      await attempt('simple text/plain POST', ${JSON.stringify(`${api}/2015-03-31/functions`)}, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: ${JSON.stringify(body('text'))} });
      await attempt('JSON POST (preflighted)', ${JSON.stringify(`${api}/2015-03-31/functions`)}, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: ${JSON.stringify(body('json'))} });
      await attempt('SigV4-looking POST (preflighted)', ${JSON.stringify(`${api}/2015-03-31/functions`)}, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDPAGE/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}' }, body: ${JSON.stringify(body('sig'))} });
      await attempt('read ListFunctions', ${JSON.stringify(`${api}/2015-03-31/functions`)}, {});
      await attempt('read /_workbench/functions saved events', ${JSON.stringify(`${api}/_workbench/functions/victim/saved-events`)}, {});
      await attempt('read /_workbench/audit', ${JSON.stringify(`${api}/_workbench/audit`)}, {});
      await attempt('read /_workbench/environments', ${JSON.stringify(`${api}/_workbench/environments`)}, {});
      await attempt('read with credentials', ${JSON.stringify(`${api}/2015-03-31/functions`)}, { credentials: 'include' });
      // The form post: a navigation, which CORS does not stop; only the server can refuse it.
      const frame = document.createElement('iframe');
      frame.name = 'sink';
      document.body.appendChild(frame);
      const form = document.createElement('form');
      form.method = 'POST';
      form.enctype = 'text/plain';
      form.target = 'sink';
      form.action = ${JSON.stringify(`${api}/2015-03-31/functions`)};
      const input = document.createElement('input');
      input.name = ${JSON.stringify(`${formJson},"pad":"`)};
      input.value = '"}';
      form.appendChild(input);
      document.body.appendChild(form);
      await new Promise((resolve) => { frame.onload = resolve; form.submit(); setTimeout(resolve, 5000); });
      note({ name: 'form post', error: 'submitted' });
      window.__done = true;
    })();`;
}

beforeAll(async () => {
  server = await startServer();
  zipBase64 = (await makeZip({ 'index.js': 'exports.handler = async () => "pwned";' })).toString('base64');
  // The attacker's page: another local origin (localhost, another port) than the API's 127.0.0.1:<port>.
  attacker = createServer((req, res) => {
    const html = `<!doctype html><title>cute cats</title><body><script>${attackScript(server.url, 'xo')}</script></body>`;
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(html);
  });
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
  attackerOrigin = `http://localhost:${(attacker.address() as AddressInfo).port}`;
  if (hasChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => attacker?.close(r));
  await server?.stop();
});

async function runAttack(page: Page): Promise<Attempt[]> {
  await page.waitForFunction(() => (window as unknown as { __done?: boolean }).__done === true, undefined, { timeout: 60_000 });
  return page.evaluate(() => (window as unknown as { __attempts: Attempt[] }).__attempts);
}

async function functionNames(): Promise<string[]> {
  return ((await server.client().send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName!);
}

describe.skipIf(!hasChromium)('a page on another origin cannot drive or read the API', () => {
  it('creates nothing (text/plain POST, preflighted JSON POST, form post) and reads nothing', async () => {
    const page = await browser.newPage();
    await page.goto(`${attackerOrigin}/`);
    expect(new URL(page.url()).origin).not.toBe(server.url);
    const attempts = await runAttack(page);
    process.stdout.write(`cross-origin page ${attackerOrigin} -> API ${server.url}:\n${attempts.map((a) => `  ${a.name}: ${a.error ?? `status ${a.status ?? 'opaque'}${a.readable ? ' (readable!)' : ''}`}`).join('\n')}\n`);
    expect(attempts).toHaveLength(9);
    // No answer is readable by the page: every CORS-mode request fails, the no-cors one is opaque.
    for (const a of attempts) expect(a.readable ?? false, a.name).toBe(false);
    for (const a of attempts.filter((x) => x.name.startsWith('read') || x.name.includes('preflighted'))) expect(a.error, a.name).toMatch(/TypeError|Failed to fetch/);
    // And nothing was created, by any of the three writes.
    const names = await functionNames();
    expect(names.filter((n) => n.startsWith('xo-'))).toEqual([]);
    await page.close();
  });

  it('a function URL\'s page runs on its own origin and cannot drive or read the API either', async () => {
    const client = server.client();
    // The function serves HTML whose script attacks the API, as a hostile or compromised function could.
    const html = `<!doctype html><title>function page</title><body><script>${attackScript(server.url, 'fu')}</script></body>`;
    await createFunction(client, {
      name: 'pagefn',
      files: { 'index.js': `const html = ${JSON.stringify(html)};\nexports.handler = async () => ({ statusCode: 200, headers: { 'content-type': 'text/html' }, body: html });` },
    });
    const { FunctionUrl } = await client.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'pagefn', AuthType: 'NONE' }));
    const fuOrigin = new URL(FunctionUrl!).origin;
    expect(fuOrigin).not.toBe(server.url);
    expect(new URL(FunctionUrl!).port).not.toBe(String(server.port));

    const page = await browser.newPage();
    await page.goto(FunctionUrl!);
    expect(new URL(page.url()).origin).toBe(fuOrigin);
    const attempts = await runAttack(page);
    process.stdout.write(`function URL page ${fuOrigin} -> API ${server.url}:\n${attempts.map((a) => `  ${a.name}: ${a.error ?? `status ${a.status ?? 'opaque'}${a.readable ? ' (readable!)' : ''}`}`).join('\n')}\n`);
    for (const a of attempts) expect(a.readable ?? false, a.name).toBe(false);
    expect((await functionNames()).filter((n) => n.startsWith('fu-'))).toEqual([]);
    await expect(client.send(new GetFunctionCommand({ FunctionName: 'fu-text' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await page.close();
  });
});
