// Story (issue 12): a function's network, set in the Configuration tab. With
// None the section says what applies and why; a fetch then fails, and the card
// shows the env had no network and what to change; Internet changes what applies.
import { expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { shootBothThemes } from './harness.js';
import { WorkbenchWindow } from './pages/window.js';
import { story } from './story.js';

// 198.51.100.0/24 is TEST-NET-2: never a real host, and never reached in this test (the env has only lo).
const FETCHES = `export const handler = async () => {
  const res = await fetch("http://198.51.100.7/");
  return { status: res.status };
};
`;

/** The section, and a save that waits for what applies to say `applies`. */
function outbound(page: Page) {
  const root = page.getByTestId('outbound-settings');
  const effective = root.getByTestId('outbound-effective-network');
  return {
    root,
    effective,
    async setNetwork(mode: 'default' | 'internet' | 'none', applies: RegExp): Promise<string> {
      await root.getByTestId('outbound-network-mode').selectOption(mode);
      await root.getByTestId('outbound-save').click();
      await waitForText(effective, applies);
      const error = root.getByTestId('error-box');
      if (await error.count()) throw new Error(`E2E_OUTBOUND_SAVE: ${await error.innerText()}`);
      return oneLine(effective);
    },
  };
}

/** The text as read aloud: the label, value and reason are flex items, which innerText puts on lines of their own. */
async function oneLine(loc: Locator): Promise<string> {
  return (await loc.innerText()).replace(/\s+/g, ' ').trim();
}

async function waitForText(loc: Locator, re: RegExp, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = await oneLine(loc).catch(() => '');
    if (re.test(last)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`E2E_TEXT: expected ${re} within ${timeout} ms; it says ${JSON.stringify(last)}`);
}

story('Story outbound: a function without a network says so, on the card and in its configuration', ({ wb, shotName }) => {
  it('sets network None in the Configuration tab, and shows what applies and why', async () => {
    const win = new WorkbenchWindow(wb().page);
    await win.createFunction({ name: 'sealed', template: 'nodejs-esm' });
    await win.config.open();
    const section = outbound(win.page);
    await section.root.waitFor({ state: 'visible', timeout: 30_000 });
    // A new function follows the workbench's default (internet, as on Lambda).
    expect(await section.root.getByTestId('outbound-network-mode').inputValue()).toBe('default');
    expect(await oneLine(section.effective)).toMatch(/^applies internet — internet: the workbench's default/i);

    const text = await section.setNetwork('none', /^applies no network — none: set on the function/i);
    expect(text).toMatch(/only lo/);
    expect(await section.root.getByTestId('outbound-save').isDisabled()).toBe(true);
  });

  it('a fetch in that env fails, and the card says the env had no network and what to change', async () => {
    const win = new WorkbenchWindow(wb().page);
    await win.code.open();
    const source = (await win.code.files()).find((p) => /^index\.m?js$/.test(p));
    await win.code.openFile(source!);
    await win.code.setText(FETCHES);
    await win.code.save();

    await win.test.open();
    const card = await win.test.invoke();
    expect((await card.facts()).functionError).toBe('Unhandled');
    const network = card.part('result-network');
    expect(await network.getAttribute('data-mode')).toBe('none');
    expect(await network.innerText()).toBe('no network');
    const hint = card.part('result-isolation-hint');
    await hint.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await oneLine(hint)).toMatch(/network isolation.*this env: no network.*has no network.*Set WorkbenchNetwork\.Mode to internet/i);
    await hint.scrollIntoViewIfNeeded();
    await shootBothThemes(win.page, shotName('card-isolation-hint'));
  });

  it('Internet changes what applies', async () => {
    const win = new WorkbenchWindow(wb().page);
    await win.config.open();
    const section = outbound(win.page);
    await section.root.scrollIntoViewIfNeeded();
    const text = await section.setNetwork('internet', /^applies internet — internet: set on the function/i);
    expect(text).not.toMatch(/no network/);
  });

  it('host ports, a profile and local endpoints: checked as typed, saved, and shown as what applies', async () => {
    const win = new WorkbenchWindow(wb().page);
    const { root } = outbound(win.page);
    const f = (id: string) => root.getByTestId(id);
    await f('outbound-host-ports').fill('5432, 70000');
    await waitForText(root, /70000 is not a TCP port/);
    expect(await f('outbound-save').isDisabled()).toBe(true);
    await f('outbound-host-ports').fill('5432, 4566');
    await f('outbound-credentials').selectOption('profile');
    await f('outbound-profile').fill('dev');
    await f('outbound-endpoint-url').fill('http://host.lambda.internal:4566');
    await f('outbound-service-endpoints').fill('S3=http://host.lambda.internal:4566');
    await f('outbound-save').click();
    await waitForText(f('outbound-effective-network'), /^applies internet \+ host :4566 :5432 — internet: set on the function.*host ports 4566, 5432 at host\.lambda\.internal/i);
    await waitForText(f('outbound-effective-credentials'), /^applies profile:dev — the keys of AWS profile dev/i);
    await waitForText(f('outbound-effective-endpoints'), /AWS_ENDPOINT_URL=http:\/\/host\.lambda\.internal:4566 AWS_ENDPOINT_URL_S3=http:\/\/host\.lambda\.internal:4566/);
    await root.scrollIntoViewIfNeeded();
    await shootBothThemes(win.page, shotName('config-network'));
  });
});
