// Story 4 (issue 11): restart the server → the invocation history, logs,
// timeline and metrics of before are still there.
import { expect, it } from 'vitest';
import { shootBothThemes } from './harness.js';
import { LogsPanel } from './pages/logs-panel.js';
import { MetricsPanel } from './pages/metrics-panel.js';
import { TimelinePanel } from './pages/timeline-panel.js';
import { WorkbenchWindow } from './pages/window.js';
import { story } from './story.js';

const HANDLER = `let n = 0;
export const handler = async () => {
  n += 1;
  console.log('before the restart, invocation', n);
  return { n };
};
`;

story('Story 11.4: history, logs, timeline and metrics survive a restart', ({ wb, shotName }) => {
  let win: WorkbenchWindow;
  const ids: string[] = [];

  it('three invocations before the restart', async () => {
    win = new WorkbenchWindow(wb().page);
    await win.createFunction({ name: 'survivor', template: 'nodejs-esm' });
    await win.code.open();
    await win.code.openFile((await win.code.files()).find((p) => /^index\.m?js$/.test(p))!);
    await win.code.setText(HANDLER);
    await win.code.save();
    await win.test.open();
    for (let i = 0; i < 3; i++) ids.push((await (await win.test.invoke()).facts()).requestId);
    const metrics = new MetricsPanel(win.page);
    await metrics.open();
    await metrics.waitForTotals((t) => t.invocations === 3, '3 invocations');
  });

  it('after a restart on the same data directory: the timeline, the logs and the metrics of before are there', async () => {
    await wb().restart();
    win = new WorkbenchWindow(wb().page);
    await win.sidebar.select('survivor');
    const tl = new TimelinePanel(win.page);
    await tl.open();
    await tl.waitForListed(3, 30_000);
    const drawn = (await tl.invocations()).map((i) => i.requestId);
    expect(drawn.sort()).toEqual([...ids].sort());
    const lanes = await tl.lanes();
    expect(lanes).toHaveLength(1);
    expect(lanes[0]!.state).toBe('gone'); // its env went with the old server
    await shootBothThemes(win.page, shotName('timeline-after-restart'));

    const logs = new LogsPanel(win.page);
    await logs.open();
    for (const [i, id] of ids.entries()) {
      await win.page.waitForFunction(
        ({ id, n }) => [...document.querySelectorAll('[data-testid="log-row"]')].some((r) => r.getAttribute('data-request-id') === id && (r.textContent ?? '').includes(`before the restart, invocation ${n}`)),
        { id, n: i + 1 },
        { timeout: 20_000 },
      );
    }
    await shootBothThemes(win.page, shotName('logs-after-restart'));

    const metrics = new MetricsPanel(win.page);
    await metrics.open();
    const t = await metrics.waitForTotals((t) => t.invocations === 3, '3 invocations after the restart');
    expect(t.coldStarts).toBe(1);
  });

  it('a focused invocation from before the restart still opens in the inspector', async () => {
    const tl = new TimelinePanel(win.page);
    await tl.open();
    await tl.click(ids[0]!);
    await win.page.waitForFunction((id) => (document.querySelector('[data-testid="result-request-id"]')?.textContent ?? '').includes(id.slice(0, 8)), ids[0]!, { timeout: 15_000 });
  });
});
