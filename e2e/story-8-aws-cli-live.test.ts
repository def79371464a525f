// A function created with the AWS CLI appears in the sidebar without a reload
// (and goes when the CLI deletes it): the window follows the functions stream,
// whoever changed them.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { AWS_CLI, awsCliEnv, hasAwsCli } from '../test/helpers/aws-cli.js';
import { ROLE } from '../test/helpers/lambda.js';
import { makeZip } from '../test/helpers/zip.js';
import { shoot } from './harness.js';
import { WorkbenchWindow } from './pages/window.js';
import { story } from './story.js';

const run = promisify(execFile);

/** The real AWS CLI against the workbench: keys and region from the environment, as a user sets them. */
async function aws(apiUrl: string, ...args: string[]): Promise<string> {
  const env = { ...awsCliEnv(), AWS_REGION: 'us-east-1' };
  return (await run(AWS_CLI, [...args, '--endpoint-url', apiUrl, '--output', 'json'], { env })).stdout;
}

story('Story 8: a function created with the AWS CLI appears in the sidebar without a reload', ({ wb, shotName }) => {
  it.skipIf(!hasAwsCli)(`appears live, then goes when the CLI deletes it${hasAwsCli ? '' : ' (skipped: /usr/bin/aws is not installed: apt-get install awscli)'}`, async () => {
    const win = new WorkbenchWindow(wb().page);
    // A mark that a reload would wipe.
    await win.page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const dir = mkdtempSync(join(tmpdir(), 'lwb-e2e-cli-'));
    const zip = join(dir, 'code.zip');
    writeFileSync(zip, await makeZip({ 'index.js': 'exports.handler = async () => ({ via: "cli" });' }));

    const created = JSON.parse(await aws(wb().apiUrl, 'lambda', 'create-function', '--function-name', 'made-by-cli', '--runtime', 'nodejs20.x', '--role', ROLE, '--handler', 'index.handler', '--memory-size', '256', '--zip-file', `fileb://${zip}`)) as { FunctionName: string };
    expect(created.FunctionName).toBe('made-by-cli');
    const t0 = Date.now();
    await win.sidebar.waitFor('made-by-cli', 10_000);
    process.stderr.write(`[e2e] the CLI's function appeared in the sidebar after ${Date.now() - t0} ms\n`);
    expect((await win.sidebar.info('made-by-cli')).runtime).toBe('nodejs20.x');
    expect(await win.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await shoot(win.page, shotName('cli-function-listed'));

    // It runs from the window too.
    await win.sidebar.select('made-by-cli');
    await win.test.open();
    await win.test.setPayload({});
    const card = await win.test.invoke();
    expect(await card.response()).toEqual({ via: 'cli' });

    await aws(wb().apiUrl, 'lambda', 'delete-function', '--function-name', 'made-by-cli');
    await win.sidebar.row('made-by-cli').waitFor({ state: 'detached', timeout: 10_000 });
    expect(await win.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  });
});
