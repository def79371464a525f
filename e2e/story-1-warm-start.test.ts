// Story 1: create a Node.js function from the template → in Monaco, make the
// handler count invocations in module scope and write /tmp/seen.txt → save →
// invoke twice → counters 1 then 2; the first card is cold with the cause
// "first invoke", the second warm with the same env id.
import { expect, it } from 'vitest';
import { shoot, shootBothThemes } from './harness.js';
import { WorkbenchWindow } from './pages/window.js';
import { EnvironmentsPanel } from './pages/environments-panel.js';
import { LogsPanel } from './pages/logs-panel.js';
import { MetricsPanel } from './pages/metrics-panel.js';
import { TimelinePanel } from './pages/timeline-panel.js';
import { story } from './story.js';

const COUNTER = `import { readFileSync, writeFileSync } from 'node:fs';

// Module scope: runs once per execution environment.
let invocations = 0;

export const handler = async () => {
  invocations += 1;
  writeFileSync('/tmp/seen.txt', String(invocations));
  return { count: invocations, seen: readFileSync('/tmp/seen.txt', 'utf8') };
};
`;

story('Story 1: create, edit in Monaco, save, invoke twice, see a warm start — and inside its env', ({ wb, shotName }) => {
  let win: WorkbenchWindow;
  const ids: { first?: string; second?: string; env?: string } = {};

  it('creates a Node.js function from the template and shows it in the sidebar', async () => {
    win = new WorkbenchWindow(wb().page);
    await shootBothThemes(win.page, shotName('empty-window'));
    await win.createFunction({ name: 'counter', template: 'nodejs-esm' });
    const row = await win.sidebar.info('counter');
    expect(row.runtime).toMatch(/^nodejs/);
  });

  it('edits the handler in Monaco to count invocations in module scope and saves', async () => {
    await win.code.open();
    const source = (await win.code.files()).find((p) => /^index\.m?js$/.test(p));
    expect(source, `the template's files: ${(await win.code.files()).join(', ')}`).toBeTruthy();
    await win.code.openFile(source!);
    await win.code.setText(COUNTER);
    expect(await win.code.dirtyFiles()).toContain(source);
    await shoot(win.page, shotName('edited'));
    await win.code.save();
    expect(await win.code.text()).toBe(COUNTER);
  });

  it('invokes twice: 1 then 2; cold with "first invoke", then warm in the same env', async () => {
    await win.test.open();
    await win.test.setPayload({ order: 42 });
    const first = await win.test.invoke();
    const f1 = await first.facts();
    expect(await first.response()).toEqual({ count: 1, seen: '1' });
    expect(f1.cold).toBe(true);
    expect(f1.coldCause).toBe('first-invoke');
    expect(await first.text('result-badge')).toMatch(/cold/i);
    expect(await first.text('result-badge')).toMatch(/first invoke/i);
    expect(f1.envId).toBeTruthy();
    expect(await first.text('result-init')).toMatch(/\d/);

    const second = await win.test.invoke({ via: 'shortcut' });
    const f2 = await second.facts();
    expect(await second.response()).toEqual({ count: 2, seen: '2' });
    expect(f2.cold).toBe(false);
    expect(await second.text('result-badge')).toMatch(/warm/i);
    expect(f2.envId).toBe(f1.envId);
    expect(await second.text('result-env')).toContain(f1.envId!.slice(0, 6));
    expect(f2.requestId).not.toBe(f1.requestId);
    Object.assign(ids, { first: f1.requestId, second: f2.requestId, env: f1.envId });
    expect(await second.text('result-request-id')).toContain(f2.requestId.slice(0, 8));
    expect(await second.logs()).toContain(`REPORT RequestId: ${f2.requestId}`);
    await shootBothThemes(win.page, shotName('warm-card'));

    // The history keeps both; the first one's card comes back when clicked.
    expect(await win.inspector.historyIds()).toEqual(expect.arrayContaining([f1.requestId, f2.requestId]));
    const again = await win.inspector.focusHistory(f1.requestId);
    expect((await again.facts()).cold).toBe(true);
    expect(await again.response()).toEqual({ count: 1, seen: '1' });
  });

  it('Environments: one env with 2 invocations and /tmp/seen.txt with its size; invoke 2 shows seen.txt modified', async () => {
    const envs = new EnvironmentsPanel(win.page);
    await envs.open();
    const rows = await envs.waitForRows((r) => r.some((e) => e.envId === ids.env && e.invocations === 2), 'the env with 2 invocations');
    expect(rows.filter((r) => r.state !== 'gone')).toHaveLength(1);
    expect(rows.find((r) => r.envId === ids.env)!.cause).toBe('first-invoke');
    const insp = await envs.inspect(ids.env!);
    const seen = await insp.waitForTmpEntry('seen.txt');
    expect(seen).toMatchObject({ type: 'file', size: 1 });
    const second = await insp.waitForChange(ids.second!);
    expect(second.entries).toContainEqual(expect.objectContaining({ kind: 'modified', path: 'seen.txt' }));
    const first = await insp.waitForChange(ids.first!);
    expect(first.entries).toContainEqual(expect.objectContaining({ kind: 'added', path: 'seen.txt' }));
    await shootBothThemes(win.page, shotName('environments-tmp'));
  });

  it('Timeline: one lane with an INIT span, two invoke spans and a frozen span between them', async () => {
    const tl = new TimelinePanel(win.page);
    await tl.open();
    await tl.waitForListed(2, 20_000);
    const lanes = await tl.lanes();
    expect(lanes.map((l) => l.envId)).toEqual([ids.env]);
    const invs = await tl.invocations();
    const one = invs.find((i) => i.requestId === ids.first)!;
    const two = invs.find((i) => i.requestId === ids.second)!;
    expect(one.spans).toEqual(expect.arrayContaining(['init', 'invoke']));
    expect(two.spans).toContain('invoke');
    expect(two.spans).not.toContain('init');
    expect([one.cold, two.cold]).toEqual([true, false]);
    const times = await tl.times();
    const end1 = times[ids.first!]!.end;
    const { start: start2, end: end2 } = times[ids.second!]!;
    // The env was frozen between the two invokes: a frozen span starts after invoke 1 ended and ends
    // once invoke 2 had arrived (its thaw is part of invoke 2), before invoke 2 ended.
    const between = lanes[0]!.frozen.filter(([from, to]) => from >= end1 - 1 && from < start2 && to <= end2);
    expect(between.length, `frozen ${JSON.stringify(lanes[0]!.frozen)}, invoke 1 ended ${end1}, invoke 2 ${start2}–${end2}`).toBe(1);
    await shootBothThemes(win.page, shotName('timeline'));
  });

  it('Logs: both invocations\' START, END and REPORT lines', async () => {
    const logs = new LogsPanel(win.page);
    await logs.open();
    for (const id of [ids.first!, ids.second!]) {
      for (const kind of ['START', 'END', 'REPORT']) {
        await win.page.waitForFunction(
          ({ id, kind }) => [...document.querySelectorAll('[data-testid="log-row"]')].some((r) => r.getAttribute('data-request-id') === id && (r.textContent ?? '').includes(`${kind} RequestId: ${id}`)),
          { id, kind },
          { timeout: 20_000 },
        );
      }
    }
    await shootBothThemes(win.page, shotName('logs'));
  });

  it('Metrics: 2 invocations and a 50% cold-start rate', async () => {
    const metrics = new MetricsPanel(win.page);
    await metrics.open();
    const t = await metrics.waitForTotals((t) => t.invocations === 2, '2 invocations');
    expect(t.coldRate).toBe(50);
    expect(t.coldStarts).toBe(1);
    expect(t.errors).toBe(0);
    expect(t.costUsd).toBeGreaterThan(0);
    await shootBothThemes(win.page, shotName('metrics'));
  });
});
