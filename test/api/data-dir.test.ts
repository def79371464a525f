// One workbench per data directory: a second one is refused with a message
// that names the first (it would otherwise remove the first's containers as
// orphans), and a lock left by a killed workbench is taken over. Also: serve
// refuses settings out of range instead of starting an odd workbench.
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, tempDataDir, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke } from '../helpers/lambda.js';

const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

describe('the data directory', () => {
  it('refuses a second workbench while the first runs, and is taken over after the first is killed', async () => {
    const dataDir = tempDataDir();
    const first = await startServer({ dataDir });
    servers.push(first);
    await createFunction(first.client(), { name: 'kept', files: { 'index.js': 'let n = 0; exports.handler = async () => ++n;' } });
    expect((await invoke(first.client(), 'kept')).json).toBe(1);

    await expect(startServer({ dataDir })).rejects.toThrow(new RegExp(`is in use by another workbench \\(pid ${first.proc.pid} `));
    // The refused start touched nothing: the first workbench's warm env still answers.
    expect((await invoke(first.client(), 'kept')).json).toBe(2);

    await first.kill9();
    const second = await startServer({ dataDir });
    servers.push(second);
    expect((await invoke(second.client(), 'kept')).json).toBe(1);
  });

  it('serve refuses out-of-range settings with a usage error that names the flag', async () => {
    await expect(startServer({ args: ['--async-concurrency', '0'] })).rejects.toThrow(/exited \(2\)[\s\S]*--async-concurrency must be a whole number from 1 to 1000, got 0/);
    await expect(startServer({ args: ['--keepalive-ms', '2.5'] })).rejects.toThrow(/--keepalive-ms must be a whole number/);
  });
});
