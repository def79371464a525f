// Story 2 (issue 11): five concurrent invokes → five envs, five lanes on the
// timeline; kill one env from the Environments panel → the next invoke of
// that function is cold with the cause "forced", in a new env.
import { expect, it } from 'vitest';
import { shootBothThemes } from './harness.js';
import { EnvironmentsPanel } from './pages/environments-panel.js';
import { TimelinePanel } from './pages/timeline-panel.js';
import { WorkbenchWindow } from './pages/window.js';
import { story } from './story.js';

const SLOW = `export const handler = async () => {
  await new Promise((r) => setTimeout(r, 1500));
  return { ok: true };
};
`;

story('Story 11.2: five concurrent invokes, five lanes; kill one env, the next invoke is cold "forced"', ({ wb, shotName }) => {
  let win: WorkbenchWindow;
  let envIds: string[] = [];

  it('five concurrent invokes run in five envs, drawn as five lanes', async () => {
    win = new WorkbenchWindow(wb().page);
    await win.createFunction({ name: 'scaler', template: 'nodejs-esm' });
    await win.code.open();
    await win.code.openFile((await win.code.files()).find((p) => /^index\.m?js$/.test(p))!);
    await win.code.setText(SLOW);
    await win.code.save();
    await win.test.open();
    const items = await win.test.runBatch(5, 5);
    expect(items.every((i) => i.status === 'ok' || i.status === '200' || i.status === 'success'), JSON.stringify(items)).toBe(true);
    envIds = [...new Set(items.map((i) => i.envId!))];
    expect(envIds).toHaveLength(5);
    const tl = new TimelinePanel(win.page);
    await tl.open();
    await tl.waitForListed(5, 30_000);
    const lanes = await tl.lanes();
    expect(lanes.map((l) => l.envId).sort()).toEqual([...envIds].sort());
    await shootBothThemes(win.page, shotName('five-lanes'));
  });

  it('kill one env from the Environments panel: it is gone ("forced"), and the next invoke is cold with the cause "forced"', async () => {
    const envs = new EnvironmentsPanel(win.page);
    await envs.open();
    await envs.waitForRows((r) => envIds.every((id) => r.some((e) => e.envId === id)), 'the five envs');
    const victim = envIds[0]!;
    const toast = await envs.kill(victim);
    expect(toast).toMatch(/kill|gone|stopp/i);
    await envs.showGone(true);
    await envs.waitForRows((r) => r.some((e) => e.envId === victim && e.state === 'gone'), 'the killed env gone');
    await win.test.open();
    const card = await win.test.invoke();
    const f = await card.facts();
    expect(f.cold).toBe(true);
    expect(f.coldCause).toBe('forced');
    expect(envIds).not.toContain(f.envId);
    expect(await card.text('result-badge')).toMatch(/forced/i);
    await shootBothThemes(win.page, shotName('forced-cold'));
  });
});
