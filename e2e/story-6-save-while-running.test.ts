// Story 6: save new code while a 3 s invocation runs → that invocation returns
// the old code's result; the next invoke runs the new code, cold, cause "code
// changed". One window, the keyboard only: the new code is typed into Monaco,
// Ctrl/Cmd+Enter invokes (the saved $LATEST), and Ctrl/Cmd+S saves while the
// handler still sleeps; the Inspector then shows the old code's answer.
import { expect, it } from 'vitest';
import { environments } from '../test/helpers/workbench.js';
import { shoot, shootBothThemes } from './harness.js';
import { WorkbenchWindow } from './pages/window.js';
import { story } from './story.js';

const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

const slow = (version: string) => `export const handler = async () => {
  await new Promise((resolve) => setTimeout(resolve, 3000));
  return { version: '${version}' };
};
`;

async function invokingEnvs(apiUrl: string): Promise<string[]> {
  return (await environments(apiUrl, 'slow')).filter((e) => e.state === 'invoking').map((e) => e.id);
}

story('Story 6: saving while an invocation runs', ({ wb, shotName }) => {
  let win: WorkbenchWindow;
  let source: string;

  it('creates a function whose handler takes 3 s', async () => {
    win = new WorkbenchWindow(wb().page);
    await win.createFunction({ name: 'slow', template: 'nodejs-esm', timeout: 15 });
    await win.code.open();
    source = (await win.code.files()).find((p) => /^index\.m?js$/.test(p))!;
    await win.code.openFile(source);
    await win.code.setText(slow('old'));
    await win.code.save();
  });

  it('the running invocation finishes on the old code though new code was saved meanwhile', async () => {
    // The new code is in the editor, not saved yet: $LATEST is still the old one.
    await win.code.setText(slow('new'));
    expect(await win.code.dirtyFiles()).toEqual([source]);
    const seen = new Set([await win.inspector.currentRequestId(), ...(await win.inspector.historyIds())]);
    await win.code.focus();
    await win.page.keyboard.press(`${MOD}+Enter`);
    // Wait until an env really runs the handler, then save while it does.
    const until = Date.now() + 60_000;
    let running: string[] = [];
    while (running.length === 0 && Date.now() < until) {
      running = await invokingEnvs(wb().apiUrl);
      if (running.length === 0) await new Promise((r) => setTimeout(r, 25));
    }
    expect(running, 'an env invoking the handler').toHaveLength(1);
    await win.code.save();
    // The save was taken while the invocation still ran (its env still invoking).
    expect(await invokingEnvs(wb().apiUrl), 'the 3 s invocation still running after the save').toEqual(running);
    await shoot(win.page, shotName('saved-while-running'));

    const card = await win.inspector.waitForNewCard(seen);
    expect(await card.response()).toEqual({ version: 'old' });
    expect((await card.facts()).envId).toBe(running[0]);
  });

  it('the next invoke runs the new code in a new env, cold, cause "code changed"', async () => {
    const before = (await win.inspector.card().facts()).envId;
    await win.test.open();
    const card = await win.test.invoke();
    const facts = await card.facts();
    expect(await card.response()).toEqual({ version: 'new' });
    expect(facts.cold).toBe(true);
    expect(facts.coldCause).toBe('after-code-change');
    expect(await card.text('result-badge')).toMatch(/code changed/i);
    expect(facts.envId).not.toBe(before);
    await shootBothThemes(win.page, shotName('cold-after-code-change'));
  });
});
