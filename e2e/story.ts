// A story runs once per launcher (Chromium in front of serve mode; Electron where
// its binary exists, skipped with the reason in its name where it does not),
// on one workbench per file, and ends by asserting the window logged no console
// error, threw nothing and broke no CSP rule. A failed step leaves a screenshot.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clearScreenshots, shoot } from './harness.js';
import { LAUNCHERS, type LaunchOptions, type Workbench } from './launchers.js';

export interface StoryContext {
  /** The workbench of this run (the same one for every step of the story). */
  wb(): Workbench;
  /** A screenshot name unique to this story and target. */
  shotName(moment: string): string;
}

export function story(title: string, body: (ctx: StoryContext) => void, opts: LaunchOptions = {}): void {
  const slug = title.replace(/:.*$/, '').trim().toLowerCase().replace(/[^a-z0-9]+/g, '-');
  for (const launcher of LAUNCHERS) {
    const skipped = launcher.unavailable ? ` (skipped: ${launcher.unavailable})` : '';
    describe.skipIf(Boolean(launcher.unavailable))(`${title} [${launcher.name}]${skipped}`, () => {
      let wb: Workbench | undefined;
      const ctx: StoryContext = {
        wb: () => {
          if (!wb) throw new Error('E2E_NO_WORKBENCH: the workbench did not start (see beforeAll)');
          return wb;
        },
        shotName: (moment) => `${slug}-${launcher.name}-${moment}`,
      };
      beforeAll(async () => {
        clearScreenshots(`${slug}-${launcher.name}-`);
        const t = performance.now();
        wb = await launcher.open(opts);
        process.stderr.write(`[e2e] ${slug} [${launcher.name}]: window ready in ${Math.round(performance.now() - t)} ms\n`);
      });
      afterEach(async (test) => {
        if (test.task.result?.state === 'fail' && wb) {
          const path = await shoot(wb.page, ctx.shotName(`FAILED-${test.task.name}`));
          process.stderr.write(`[e2e] failure screenshot: ${path}\n`);
        }
      });
      afterAll(async () => {
        await wb?.close();
      });

      body(ctx);

      it('the window logged no console error, threw nothing and broke no CSP rule', () => {
        const w = ctx.wb().watch;
        expect(w.problems, `problems seen by the page:\n${w.describe()}`).toEqual([]);
      });
    });
  }
}
