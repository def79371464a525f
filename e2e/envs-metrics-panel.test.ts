// The Environments panel, the env inspector with its /tmp browser, and the
// Metrics dock tab against a real workbench (serve mode, real Docker):
// two invokes from the window → one env with 2 invocations, cause "first
// invoke"; its /tmp shows seen.txt with its size, a link as a link (its target
// as text, never opened), a binary file as hex; invoke 2's changes show seen.txt
// modified; Metrics count 2 invocations at a 50% cold-start rate; an invocation
// from the AWS SDK opens from the engine's history; kill from the row → the
// next invoke is cold, cause "forced"; pre-warm, force cold and kill all.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { expect, it } from 'vitest';
import { createFunction } from '../test/helpers/lambda.js';
import { TEST_CREDENTIALS } from '../test/helpers/signed-fetch.js';
import { shootBothThemes } from './harness.js';
import { EnvironmentsPanel } from './pages/environments-panel.js';
import { MetricsPanel } from './pages/metrics-panel.js';
import type { CardFacts } from './pages/result-card.js';
import { WorkbenchWindow } from './pages/window.js';
import { story } from './story.js';

const FN = 'envtmp';

// Module scope runs once per env: the count says which invocation of the env this is.
const HANDLER = `import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
let n = 0;
export const handler = async () => {
  n += 1;
  writeFileSync('/tmp/seen.txt', String(n));
  if (n === 1) {
    mkdirSync('/tmp/cache', { recursive: true });
    writeFileSync('/tmp/cache/blob.bin', Buffer.from([0, 1, 2, 3, 0xff, 0x7f, 0x45, 0x4c, 0x46]));
    try { symlinkSync('/etc/hostname', '/tmp/link'); } catch {}
  }
  return { n };
};
`;

story('Environments and Metrics panels: live envs, the /tmp browser, env actions, metrics', ({ wb, shotName }) => {
  let win: WorkbenchWindow;
  let envs: EnvironmentsPanel;
  let metrics: MetricsPanel;
  let client: LambdaClient;
  let first: CardFacts;
  let second: CardFacts;
  let envId: string;

  it('two invokes from the window: one env, 2 invocations, created for the first invoke, focused', async () => {
    win = new WorkbenchWindow(wb().page);
    envs = new EnvironmentsPanel(win.page);
    metrics = new MetricsPanel(win.page);
    client = new LambdaClient({ endpoint: wb().apiUrl, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    await createFunction(client, { name: FN, handler: 'index.handler', files: { 'index.mjs': HANDLER } });
    await win.sidebar.select(FN);
    await win.test.open();
    await win.test.setPayload({});
    first = await (await win.test.invoke()).facts();
    second = await (await win.test.invoke()).facts();
    expect(first.cold).toBe(true);
    expect(second.envId).toBe(first.envId);
    envId = first.envId!;

    await envs.open();
    const rows = await envs.waitForRows((r) => r.length === 1 && r[0]!.invocations === 2, 'one env with 2 invocations');
    expect(rows[0]).toMatchObject({ envId, cause: 'first-invoke' });
    expect(['idle', 'frozen']).toContain(rows[0]!.state);
    // The invocation focused last is the env's: its row is highlighted.
    expect(await envs.focusedEnvId()).toBe(envId);
  });

  it('the inspector shows /tmp/seen.txt with its size, a link as a link, binary as hex; invoke 2 modified seen.txt', async () => {
    const inspector = await envs.inspect(envId);
    const seen = await inspector.waitForTmpEntry('seen.txt', (e) => e.size === 1);
    expect(seen.type).toBe('file');
    const link = await inspector.waitForTmpEntry('link');
    expect(link).toMatchObject({ type: 'link', target: '/etc/hostname' });
    await expect.poll(() => inspector.entry('link').innerText()).toContain('→ /etc/hostname');

    const head = await inspector.openFile('seen.txt');
    expect(head).toEqual({ kind: 'text', text: '2' });
    expect((await inspector.download()).toString('utf8')).toBe('2');
    const bin = await inspector.openFile('cache/blob.bin');
    expect(bin.kind).toBe('hex');
    expect(bin.text).toContain('00 01 02 03 ff 7f 45 4c 46');

    // A link is shown, never opened: clicking it reads nothing.
    await inspector.entry('link').click();
    expect(await inspector.root.locator('[data-testid="tmp-file"][data-path="link"]').count()).toBe(0);

    const c2 = await inspector.waitForChange(second.requestId);
    expect(c2.entries).toContainEqual(expect.objectContaining({ kind: 'modified', path: 'seen.txt' }));
    const c1 = await inspector.waitForChange(first.requestId);
    expect(c1.entries).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'added', path: 'seen.txt' }), expect.objectContaining({ kind: 'added', path: 'link' })]));
    await shootBothThemes(win.page, shotName('env-inspector'));
  });

  it('Metrics count 2 invocations at a 50% cold-start rate, with the prices\' date and source', async () => {
    await metrics.open();
    const t = await metrics.waitForTotals((x) => x.invocations === 2, '2 invocations');
    expect(t).toMatchObject({ invocations: 2, coldStarts: 1, coldRate: 50, errors: 0 });
    const inv = await metrics.chartFacts('invocations');
    expect(Number(inv.total)).toBe(2);
    expect(Number(inv.points)).toBeGreaterThanOrEqual(60);
    expect(Number(inv.points)).toBeLessThanOrEqual(202);
    expect((await metrics.chartFacts('cold')).causes).toBe('first-invoke');
    expect(await metrics.pricing()).toMatch(/as of \d{4}-\d{2}-\d{2} \(https:\/\/aws\.amazon\.com\/lambda\/pricing\/\)/);
    await metrics.setRange('all');
    await metrics.waitForTotals((x) => x.invocations === 2, '2 invocations over "all"');
    await shootBothThemes(win.page, shotName('metrics'));
  });

  it('an invocation the window did not make (the AWS SDK\'s) opens from the engine\'s history', async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: FN, Payload: Buffer.from('{}') }));
    expect(JSON.parse(Buffer.from(out.Payload!).toString())).toEqual({ n: 3 });
    await envs.waitForRows((r) => r.find((x) => x.envId === envId)?.invocations === 3, 'the env\'s third invocation');
    const inspector = envs.inspector;
    await inspector.show();
    // Its change set's request id focuses it for the whole window; the card is read from the engine.
    const third = out.$metadata.requestId!;
    expect(third).toBeTruthy();
    await inspector.waitForChange(third);
    await inspector.root.locator(`[data-testid="tmp-change"][data-request-id="${third}"] button`).first().click();
    const card = win.inspector.root.locator(`[data-testid="result-card"][data-request-id="${third}"]`);
    await card.waitFor({ state: 'visible', timeout: 15_000 });
    await expect.poll(() => win.page.getByTestId('inspector-record-note').getAttribute('data-source')).toBe('sync');
    expect(await card.getAttribute('data-cold')).toBe('false');
  });

  it('kill from the row: a toast says so, the row shows it gone, the next invoke is cold with the cause "forced"', async () => {
    await envs.open();
    const said = await envs.kill(envId);
    expect(said).toMatch(/killed/i);
    await envs.waitForRows((r) => r.find((x) => x.envId === envId)?.state === 'gone', 'the killed env shown gone');
    await win.test.open();
    const card = await win.test.invoke();
    const f = await card.facts();
    expect(f.cold).toBe(true);
    expect(f.coldCause).toBe('forced');
    expect(f.envId).not.toBe(envId);
    await envs.open();
    const rows = await envs.waitForRows((r) => r.some((x) => x.envId === f.envId && x.cause === 'forced'), 'the new env, cause forced');
    expect(rows.filter((r) => r.state !== 'gone')).toHaveLength(1);
    await envs.showGone(false);
    await envs.waitForRows((r) => r.every((x) => x.state !== 'gone'), 'gone envs hidden');
    await envs.showGone(true);
  });

  it('pre-warm 2: two envs appear, created for "prewarm"', async () => {
    const said = await envs.prewarm(2);
    expect(said).toMatch(/pre-warming 2 envs/i);
    await envs.waitForRows((r) => r.filter((x) => x.cause === 'prewarm' && x.state !== 'gone').length === 2, 'two pre-warmed envs', 90_000);
    await shootBothThemes(win.page, shotName('env-panel'));
  });

  it('force cold on: the switch says so and an invoke runs cold; off again', async () => {
    await envs.setForceCold(true);
    expect(await envs.forceColdState()).toBe('true');
    await win.test.open();
    const f = await (await win.test.invoke()).facts();
    expect(f.cold).toBe(true);
    await envs.open();
    await envs.setForceCold(false);
    expect(await envs.forceColdState()).toBe('false');
  });

  it('a batch of 20 × 5 at once: Metrics draw the burst (invocations, concurrent envs, cold starts by cause)', async () => {
    const before = (await metrics.totals())?.invocations ?? 0;
    await win.test.open();
    const items = await win.test.runBatch(20, 5);
    expect(items).toHaveLength(20);
    await metrics.open();
    await metrics.setRange('5m');
    const t = await metrics.waitForTotals((x) => x.invocations >= before + 20, `${before + 20} invocations`);
    expect(t.coldStarts).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => Number((await metrics.chartFacts('concurrency')).max)).toBeGreaterThanOrEqual(2);
    // Raise the dock so every chart is on screen for the screenshots.
    const sep = win.page.locator('.pane-center .sep-h').first();
    const box = (await sep.boundingBox())!;
    await win.page.mouse.move(box.x + box.width / 2, box.y + 1);
    await win.page.mouse.down();
    await win.page.mouse.move(box.x + box.width / 2, 160, { steps: 8 });
    await win.page.mouse.up();
    await win.page.waitForTimeout(300);
    await shootBothThemes(win.page, shotName('metrics-burst'));
  }, 240_000);

  it('kill all (confirmed): no env of the function is left alive', async () => {
    const said = await envs.killAll();
    expect(said).toMatch(/killed/i);
    await envs.waitForRows((r) => r.length > 0 && r.every((x) => x.state === 'gone' || x.state === 'shuttingDown'), 'every env gone', 60_000);
  });
});
