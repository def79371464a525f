// Story 5 (issue 11): a function makes /tmp/x a link to a file on the host
// (one of the test's own, outside any env) and /tmp/y a link to /etc/shadow →
// the /tmp browser shows both as links with their targets; opening either is
// refused; the host file's content appears nowhere in the window.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { shootBothThemes } from './harness.js';
import { EnvironmentsPanel } from './pages/environments-panel.js';
import { WorkbenchWindow } from './pages/window.js';
import { story } from './story.js';

const SECRET = `host-secret-${Math.random().toString(36).slice(2)}`;
const hostDir = mkdtempSync(join(tmpdir(), 'lwb-story5-'));
const hostFile = join(hostDir, 'secret.txt');
writeFileSync(hostFile, SECRET);

const HANDLER = `import { symlinkSync, writeFileSync, rmSync } from 'node:fs';
export const handler = async () => {
  rmSync('/tmp/x', { force: true });
  rmSync('/tmp/y', { force: true });
  symlinkSync(${JSON.stringify(hostFile)}, '/tmp/x');
  symlinkSync('/etc/shadow', '/tmp/y');
  writeFileSync('/tmp/plain.txt', 'a plain file');
  return { ok: true };
};
`;

story('Story 11.5: a link in /tmp to a host file is shown as a link and never read', ({ wb, shotName }) => {
  it('the /tmp browser shows x and y as links with their targets, and a plain file', async () => {
    const win = new WorkbenchWindow(wb().page);
    await win.createFunction({ name: 'linker', template: 'nodejs-esm' });
    await win.code.open();
    await win.code.openFile((await win.code.files()).find((p) => /^index\.m?js$/.test(p))!);
    await win.code.setText(HANDLER);
    await win.code.save();
    await win.test.open();
    const f = await (await win.test.invoke()).facts();
    const envs = new EnvironmentsPanel(win.page);
    await envs.open();
    const insp = await envs.inspect(f.envId!);
    expect(await insp.waitForTmpEntry('x')).toMatchObject({ type: 'link', target: hostFile });
    expect(await insp.waitForTmpEntry('y')).toMatchObject({ type: 'link', target: '/etc/shadow' });
    expect(await insp.waitForTmpEntry('plain.txt')).toMatchObject({ type: 'file', size: 12 });

    // The plain file opens; the links do not (they are links: never followed).
    expect((await insp.openFile('plain.txt')).text).toContain('a plain file');
    for (const link of ['x', 'y']) {
      await insp.entry(link).click();
      await win.page.waitForTimeout(500);
    }
    await shootBothThemes(win.page, shotName('tmp-links'));
    const html = await win.page.content();
    expect(html).not.toContain(SECRET);
    expect(html).toContain(hostFile);
  });
});
