// Lifecycle faults found under load and at the edges (issue 9 A and B): a
// suppressed init that times out again must fail the invoke, not loop; and an
// idle env must be frozen after every invocation, not only the first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke } from '../helpers/lambda.js';
import { environments } from '../helpers/workbench.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('lifecycle faults', () => {
  it('an INIT longer than 10 s whose retry exceeds the timeout fails with Sandbox.Timedout every time, and no env stays initializing', async () => {
    const client = server.client();
    await createFunction(client, {
      name: 'slow-init',
      timeout: 3,
      files: { 'index.mjs': 'await new Promise((r) => setTimeout(r, 12_000));\nexport const handler = async () => "never";\n' },
    });
    for (let i = 0; i < 2; i++) {
      const t0 = Date.now();
      const out = await invoke(client, 'slow-init');
      const took = Date.now() - t0;
      expect(out.functionError).toBe('Unhandled');
      expect(out.json.errorType).toBe('Sandbox.Timedout');
      // The 10 s INIT limit, then the retry within the 3 s timeout (plus a little for the platform);
      // the first invoke of a new data directory also builds the runtime image.
      if (i > 0) expect(took).toBeLessThan(10_000 + 3_000 + 2_500);
      expect(out.log).toMatch(/INIT_REPORT Init Duration: [\d.]+ ms\tPhase: init\tStatus: timeout/);
      expect(out.log).toMatch(/INIT_REPORT Init Duration: [\d.]+ ms\tPhase: invoke\tStatus: timeout/);
      expect(out.log).toMatch(/Task timed out after 3\.00 seconds/);
    }
    // Nothing keeps re-initialising in the background.
    await new Promise((r) => setTimeout(r, 4_000));
    const envs = await environments(server.url, 'slow-init');
    expect(envs.filter((e) => e.state === 'initializing')).toEqual([]);
  }, 60_000);

  it('an idle env is frozen after every invocation: a setInterval counter does not advance while idle', async () => {
    const client = server.client();
    await createFunction(client, {
      name: 'ticker',
      memory: 512,
      files: { 'index.js': 'let ticks = 0;\nsetInterval(() => ticks++, 10);\nexports.handler = async () => ({ ticks });\n' },
    });
    let last = (await invoke(client, 'ticker')).json.ticks as number;
    const gains: number[] = [];
    for (let cycle = 0; cycle < 3; cycle++) {
      await new Promise((r) => setTimeout(r, 1_500)); // 150 ticks if it kept running
      const now = (await invoke(client, 'ticker')).json.ticks as number;
      gains.push(now - last);
      last = now;
    }
    // Frozen 100 ms after each response: about 10 ticks of each 1.5 s idle period run.
    for (const g of gains) expect(g).toBeLessThan(50);
  }, 60_000);
});
