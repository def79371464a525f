// Story 7: batch runner, 5 invokes at concurrency 5 → five cards with five
// different env ids.
import { expect, it } from 'vitest';
import { shootBothThemes } from './harness.js';
import { WorkbenchWindow } from './pages/window.js';
import { story } from './story.js';

// Each invocation holds its env long enough that five at once need five envs.
const HOLDS = `export const handler = async () => {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return { ok: true };
};
`;

story('Story 7: a batch of 5 at concurrency 5 runs in five envs', ({ wb, shotName }) => {
  it('runs 5 invokes at concurrency 5 and shows five results with five different env ids', async () => {
    const win = new WorkbenchWindow(wb().page);
    await win.createFunction({ name: 'fanout', template: 'nodejs-esm', timeout: 30 });
    await win.code.open();
    await win.code.openFile((await win.code.files()).find((p) => /^index\.m?js$/.test(p))!);
    await win.code.setText(HOLDS);
    await win.code.save();

    await win.test.open();
    await win.test.setPayload({});
    const results = await win.test.runBatch(5, 5);
    expect(results).toHaveLength(5);
    expect(results.map((r) => r.status)).toEqual(Array(5).fill('200'));
    const envs = new Set(results.map((r) => r.envId));
    expect(envs.has(null) || envs.has(''), `env ids: ${[...envs].join(', ')}`).toBe(false);
    expect(envs.size, `env ids: ${results.map((r) => r.envId).join(', ')}`).toBe(5);
    expect(results.every((r) => r.cold === 'true')).toBe(true);
    await shootBothThemes(win.page, shotName('batch'));

    // Each of the five is a card of its own in the history, and the cards name the same five envs.
    const ids = await win.inspector.historyIds();
    expect(ids).toHaveLength(5);
    const cardEnvs = new Set<string | null>();
    for (const id of ids) cardEnvs.add((await (await win.inspector.focusHistory(id)).facts()).envId);
    expect([...cardEnvs].sort()).toEqual([...envs].sort());
  });
});
