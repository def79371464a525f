// Story 1: create a Node.js function from the template → in Monaco, make the
// handler count invocations in module scope and write /tmp/seen.txt → save →
// invoke twice → counters 1 then 2; the first card is cold with the cause
// "first invoke", the second warm with the same env id.
import { expect, it } from 'vitest';
import { shoot, shootBothThemes } from './harness.js';
import { WorkbenchWindow } from './pages/window.js';
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

story('Story 1: create, edit in Monaco, save, invoke twice, see a warm start', ({ wb, shotName }) => {
  let win: WorkbenchWindow;

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
    expect(await second.text('result-request-id')).toContain(f2.requestId.slice(0, 8));
    expect(await second.logs()).toContain(`REPORT RequestId: ${f2.requestId}`);
    await shootBothThemes(win.page, shotName('warm-card'));

    // The history keeps both; the first one's card comes back when clicked.
    expect(await win.inspector.historyIds()).toEqual(expect.arrayContaining([f1.requestId, f2.requestId]));
    const again = await win.inspector.focusHistory(f1.requestId);
    expect((await again.facts()).cold).toBe(true);
    expect(await again.response()).toEqual({ count: 1, seen: '1' });
  });
});
