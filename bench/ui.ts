// The window's own speed (part of `npm run bench`; runs alone with
// `node --import tsx bench/ui.ts`): first paint, the UI's overhead on a warm
// invoke, and the bundle's size. Real serve mode, real Docker, Debian's
// Chromium. Prints one JSON line per figure, as bench/run.ts does.
//
// UI overhead on a warm invoke, exactly: for each invoke,
//   click_to_card = (the card for that request id is in the DOM) − (the click on Invoke)
//   ui_overhead   = click_to_card − roundTripMs
// where both instants are performance.now() in the page (the test panel's
// performance marks `lwb:invoke:click` and `lwb:invoke:rendered:<requestId>`
// when it sets them; otherwise a capturing click listener and a MutationObserver
// installed by this bench), and roundTripMs is the engine's own wall time for
// the invocation (InvocationResult.roundTripMs: the invoke.run handler in the
// server, from its start to the engine's outcome with REPORT written), read from
// the WebSocket frame that carried the result. What remains is the window's
// share: the click handler, the WebSocket both ways with JSON, the dispatch's
// check, the result's assembly, the store update and React's render of the
// card. The WebSocket's own round trip is measured apart
// (a request refused at validation, on a second socket from the same page).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page, WebSocket as PwWebSocket } from 'playwright-core';
import { hasChromium, launchChromium } from '../test/helpers/browser.js';
import { createFunction } from '../test/helpers/lambda.js';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { TEST_CREDENTIALS } from '../test/helpers/signed-fetch.js';
import { ensureRendererReady, removeDataDir, REPO, startServe } from '../e2e/harness.js';
import { WorkbenchWindow } from '../e2e/pages/window.js';

export type Emit = (figure: string, values: Record<string, unknown>) => void;

const WARM_INVOKES = Number(process.env.BENCH_UI_INVOKES ?? 40);
const RELOADS = Number(process.env.BENCH_UI_RELOADS ?? 10);

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

// ---- bundle size ----------------------------------------------------------------------------

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

export async function bundleSize(emit: Emit): Promise<void> {
  await ensureRendererReady();
  const root = join(REPO, 'dist', 'renderer');
  const all = files(root);
  const size = (f: string) => statSync(f).size;
  const gz = (f: string) => gzipSync(readFileSync(f)).length;
  const js = all.filter((f) => f.endsWith('.js'));
  // What the first load fetches: index.html's scripts and module preloads (and their CSS);
  // the rest (Monaco's language workers, lazily imported chunks) comes when needed.
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map((m) => join(root, m[1]!)).filter(existsSync);
  const kb = (n: number) => round(n / 1024, 1);
  emit('ui_bundle', {
    total_kb: kb(all.reduce((a, f) => a + size(f), 0)),
    files: all.length,
    js_kb: kb(js.reduce((a, f) => a + size(f), 0)),
    js_gzip_kb: kb(js.reduce((a, f) => a + gz(f), 0)),
    initial_kb: kb(initial.reduce((a, f) => a + size(f), 0)),
    initial_gzip_kb: kb(initial.reduce((a, f) => a + gz(f), 0)),
    largest_js: js.sort((a, b) => size(b) - size(a)).slice(0, 3).map((f) => `${relative(root, f)} ${kb(size(f))} KB`),
  });
}

// ---- first paint ----------------------------------------------------------------------------

/**
 * In the page from its first script on: when the first function row is in the DOM. (Init scripts
 * are strings: a function would be serialised as tsx compiled it, with helpers the page lacks.)
 */
const WATCH_FUNCTION_LIST = `(() => {
  new MutationObserver(() => {
    if (window.__lwbListAt === undefined && document.querySelector('[data-testid="function-row"]')) window.__lwbListAt = performance.now();
  }).observe(document, { childList: true, subtree: true });
})();`;

interface PaintTimes {
  fcp: number;
  list: number;
  domContentLoaded: number;
}

async function paintTimes(page: Page): Promise<PaintTimes> {
  await page.waitForFunction(() => (window as unknown as { __lwbListAt?: number }).__lwbListAt !== undefined && performance.getEntriesByName('first-contentful-paint').length > 0, undefined, { timeout: 60_000 }).catch(async (err: Error) => {
    const seen = await page.evaluate(() => ({ list: (window as unknown as { __lwbListAt?: number }).__lwbListAt, paints: performance.getEntriesByType('paint').map((e) => e.name), rows: document.querySelectorAll('[data-testid="function-row"]').length, url: location.href }));
    throw new Error(`BENCH_UI_NO_PAINT: ${err.message}; in the page: ${JSON.stringify(seen)}`);
  });
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return {
      fcp: performance.getEntriesByName('first-contentful-paint')[0]!.startTime,
      list: (window as unknown as { __lwbListAt: number }).__lwbListAt,
      domContentLoaded: nav.domContentLoadedEventEnd,
    };
  });
}

// ---- warm invokes ---------------------------------------------------------------------------

/** In the page: the click on Invoke and the moment each new card's request id is in the DOM. */
const WATCH_INVOKES = `(() => {
  window.__lwbClicks = [];
  window.__lwbCards = {};
  document.addEventListener('click', (e) => {
    if (e.target && e.target.closest && e.target.closest('[data-testid="invoke-button"]')) window.__lwbClicks.push(performance.now());
  }, true);
  new MutationObserver(() => {
    for (const c of document.querySelectorAll('[data-testid="result-card"][data-request-id]')) {
      const id = c.getAttribute('data-request-id');
      if (id && window.__lwbCards[id] === undefined) window.__lwbCards[id] = performance.now();
    }
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-request-id'] });
})();`;

/** roundTripMs of each invoke.run result, by request id, from the WebSocket's frames. */
function followResults(page: Page): Map<string, number> {
  const byId = new Map<string, number>();
  page.on('websocket', (ws: PwWebSocket) => {
    ws.on('framereceived', ({ payload }) => {
      try {
        const m = JSON.parse(String(payload)) as { t: string; result?: { ok: boolean; value?: { requestId?: string; roundTripMs?: number } } };
        const v = m.t === 'res' && m.result?.ok ? m.result.value : undefined;
        if (v?.requestId && typeof v.roundTripMs === 'number') byId.set(v.requestId, v.roundTripMs);
      } catch {
        // not JSON: not ours
      }
    });
  });
  return byId;
}

/**
 * The transport's own round trip, from the page over a socket of its own: a request the main side
 * refuses at validation (functions.get without a name), so no engine work is in it — the WebSocket
 * both ways, JSON, the session and the dispatch's check.
 */
async function wsEcho(page: Page, n: number): Promise<number[]> {
  return page.evaluate(async (n) => {
    const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/_ui/ws`);
    await new Promise((r, j) => { ws.onopen = r; ws.onerror = j; });
    const times: number[] = [];
    for (let i = 1; i <= n; i++) {
      const t = performance.now();
      await new Promise<void>((r) => {
        ws.onmessage = (e) => {
          if ((JSON.parse(String(e.data)) as { id?: number }).id === i) r();
        };
        ws.send(JSON.stringify({ t: 'req', id: i, method: 'functions.get', params: {} }));
      });
      times.push(performance.now() - t);
    }
    ws.close();
    return times;
  }, n);
}

export async function uiBench(emit: Emit): Promise<void> {
  await bundleSize(emit);
  if (!hasChromium) {
    emit('ui_skipped', { reason: 'Debian\'s Chromium (/usr/bin/chromium) is not installed' });
    return;
  }
  const serve = await startServe();
  const browser = await launchChromium();
  try {
    const client = new LambdaClient({ endpoint: serve.apiUrl, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    // 1,769 MB = 1 vCPU, as the engine's warm figures use: the handler's time is not the subject.
    await createFunction(client, { name: 'bench-ui', memory: 1769, files: { 'index.js': 'exports.handler = async (e) => ({ ok: true, n: e.n ?? 0 });' } });

    // First paint: a fresh profile (nothing cached), then reloads with the browser's cache warm.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(WATCH_FUNCTION_LIST);
    await context.addInitScript(WATCH_INVOKES);
    const page = await context.newPage();
    const results = followResults(page);
    await page.goto(serve.uiUrl);
    const cold = await paintTimes(page);
    const warm: PaintTimes[] = [];
    for (let i = 0; i < RELOADS; i++) {
      await page.reload();
      warm.push(await paintTimes(page));
    }
    emit('ui_first_paint', {
      cold_fcp_ms: round(cold.fcp),
      cold_function_list_ms: round(cold.list),
      cold_dom_content_loaded_ms: round(cold.domContentLoaded),
      reload_fcp_p50_ms: round(pct(warm.map((w) => w.fcp), 50)),
      reload_function_list_p50_ms: round(pct(warm.map((w) => w.list), 50)),
      reloads: RELOADS,
      from: 'navigation start (performance.timeOrigin); list = first function row in the DOM',
    });

    // Warm invokes from the Test tab.
    const win = new WorkbenchWindow(page);
    await win.sidebar.select('bench-ui');
    await win.test.open();
    await win.test.setPayload({ n: 1 });
    for (let i = 0; i < 5; i++) await win.test.invoke(); // the cold one, then the env warm and the window's code hot
    const samples: { clickToCard: number; observed?: number; roundTrip: number; source: string; cold: boolean | null }[] = [];
    for (let i = 0; i < WARM_INVOKES; i++) {
      const clicksBefore = await page.evaluate(() => (window as unknown as { __lwbClicks: number[] }).__lwbClicks.length);
      const card = await win.test.invoke();
      const { requestId, cold } = await card.facts();
      const t = await page.evaluate(({ id, k }) => {
        const w = window as unknown as { __lwbClicks: number[]; __lwbCards: Record<string, number> };
        // No named helper here: tsx would wrap it in __name(), which the page does not have.
        const click = performance.getEntriesByName('lwb:invoke:click', 'mark').at(-1)?.startTime;
        const rendered = performance.getEntriesByName(`lwb:invoke:rendered:${id}`, 'mark').at(-1)?.startTime;
        return { markClick: click, markRendered: rendered, click: w.__lwbClicks[k], card: w.__lwbCards[id] };
      }, { id: requestId, k: clicksBefore });
      const roundTrip = results.get(requestId);
      if (roundTrip === undefined) throw new Error(`BENCH_UI_NO_RESULT: no invoke.run result frame seen for ${requestId}`);
      const useMarks = t.markClick !== undefined && t.markRendered !== undefined && t.markRendered > t.markClick;
      const clickToCard = useMarks ? t.markRendered! - t.markClick! : t.card! - t.click!;
      const observed = t.card !== undefined && t.click !== undefined ? t.card - t.click : undefined;
      samples.push({ clickToCard, observed, roundTrip, source: useMarks ? 'performance marks lwb:invoke:click → lwb:invoke:rendered:<id>' : 'bench observers (capturing click → card in DOM)', cold });
    }
    const warmOnly = samples.filter((s) => s.cold === false);
    const overhead = warmOnly.map((s) => s.clickToCard - s.roundTrip);
    const echo = await wsEcho(page, 30);
    emit('ui_invoke_overhead', {
      n: warmOnly.length,
      click_to_card_p50_ms: round(pct(warmOnly.map((s) => s.clickToCard), 50)),
      click_to_card_p90_ms: round(pct(warmOnly.map((s) => s.clickToCard), 90)),
      engine_round_trip_p50_ms: round(pct(warmOnly.map((s) => s.roundTrip), 50)),
      ui_overhead_p50_ms: round(pct(overhead, 50)),
      ui_overhead_p90_ms: round(pct(overhead, 90)),
      bound_p50_ms: 30,
      // The same span as the bench's own observers see it (capturing click listener → card's request id in the DOM).
      click_to_card_observed_p50_ms: round(pct(warmOnly.flatMap((s) => (s.observed === undefined ? [] : [s.observed])), 50)),
      websocket_round_trip_p50_ms: round(pct(echo, 50)),
      measured_by: [...new Set(samples.map((s) => s.source))].join('; '),
      subtracted: 'InvocationResult.roundTripMs: the invoke.run handler\'s wall time in the server, from its start to the engine\'s outcome (REPORT written), read from the result frame; what remains is the click handler, the WebSocket both ways with JSON, the dispatch\'s check, the result\'s assembly after the outcome, the store update and the card\'s render',
    });
    await context.close();
  } finally {
    await browser.close();
    await serve.stop();
    removeDataDir(serve.dataDir);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  uiBench((figure, values) => process.stdout.write(`${JSON.stringify({ figure, ...values })}\n`)).catch((err) => {
    process.stderr.write(`bench ui failed: ${(err as Error).stack}\n`);
    process.exit(1);
  });
}
