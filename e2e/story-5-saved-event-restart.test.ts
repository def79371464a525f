// Story 5: event library → S3 put with key `July 2026/a b.jpg` → invoke → the
// function sees the URL-encoded key; save it as a test event; restart the
// server; the saved event is still there and runs.
import { expect, it } from 'vitest';
import { shoot, shootBothThemes } from './harness.js';
import { encodeForS3 } from './pages/test-tab.js';
import { WorkbenchWindow } from './pages/window.js';
import { story } from './story.js';

const KEY = 'July 2026/a b.jpg';
const ENCODED = 'July+2026/a+b.jpg';

const THUMBNAILER = `export const handler = async (event) => {
  const { bucket, object } = event.Records[0].s3;
  return { bucket: bucket.name, key: object.key, decoded: decodeURIComponent(object.key.replace(/\\+/g, ' ')) };
};
`;

story('Story 5: an S3 event from the library, saved, still there after a restart', ({ wb, shotName }) => {
  let win: WorkbenchWindow;

  it('builds an S3 put event with the key "July 2026/a b.jpg" in the library; the function sees it URL-encoded', async () => {
    expect(encodeForS3(KEY)).toBe(ENCODED);
    win = new WorkbenchWindow(wb().page);
    await win.createFunction({ name: 'thumbs', template: 'nodejs-esm' });
    await win.code.open();
    await win.code.openFile((await win.code.files()).find((p) => /^index\.m?js$/.test(p))!);
    await win.code.setText(THUMBNAILER);
    await win.code.save();

    await win.test.open();
    const preview = await win.test.fillTemplate('s3', 'put', { key: KEY }, ENCODED);
    await shoot(win.page, shotName('event-library'));
    await win.test.useShownTemplate();
    expect(preview).toContain('"eventName": "ObjectCreated:Put"');
    const payload = JSON.parse(await win.test.payload()) as { Records: { s3: { object: { key: string } } }[] };
    expect(payload.Records[0]!.s3.object.key).toBe(ENCODED);

    const card = await win.test.invoke();
    const response = (await card.response()) as { key: string; decoded: string };
    expect(response.key).toBe(ENCODED);
    expect(response.decoded).toBe(KEY);
    await shootBothThemes(win.page, shotName('s3-card'));
  });

  it('saves it as a test event of the function', async () => {
    await win.test.saveEventAs('july-upload');
    expect(await win.test.savedEventNames()).toContain('july-upload');
  });

  it('after a restart of the server on the same data directory, the saved event is there and runs', async () => {
    await wb().restart();
    win = new WorkbenchWindow(wb().page);
    await win.sidebar.select('thumbs');
    await win.test.open();
    await win.page.waitForFunction(
      () => [...((document.querySelector('[data-testid="saved-events"]') as HTMLSelectElement | null)?.options ?? [])].some((o) => o.value === 'july-upload'),
      undefined,
      { timeout: 30_000 },
    );
    await win.test.chooseSavedEvent('july-upload');
    await win.page.waitForFunction((k) => (document.querySelector('[data-testid="payload-editor"]') as HTMLTextAreaElement | null)?.value.includes(k), ENCODED, { timeout: 10_000 });
    const card = await win.test.invoke();
    const facts = await card.facts();
    expect(await card.response()).toMatchObject({ key: ENCODED, decoded: KEY });
    // A new server: no env survived, so this one is a first invoke again.
    expect(facts.cold).toBe(true);
    expect(facts.coldCause).toBe('first-invoke');
    await shoot(win.page, shotName('after-restart'));
  }, 300_000);
});
