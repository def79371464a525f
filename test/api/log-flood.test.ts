// A function that prints far more than anyone reads must not hurt the
// workbench: 600 MB of output in one invocation used to crash the server
// (RangeError: Invalid string length) and 100 MB raised its RSS by ~500 MB.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke } from '../helpers/lambda.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const rssMb = (pid: number): number => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) / 1024;

describe('hostile log output', () => {
  it('600 MB printed in one invocation: the invoke completes, the server lives and its memory stays bounded', async () => {
    const client = server.client();
    await createFunction(client, {
      name: 'flood',
      // Python's stdout is a blocking pipe: the function prints as fast as the host reads.
      runtime: 'python3.11',
      handler: 'app.handler',
      memory: 1769,
      timeout: 120,
      files: {
        'app.py': `import sys
def handler(event, context):
    block = ('x' * 1023 + '\\n') * 1024
    for _ in range(event.get('mb', 0)):
        sys.stdout.write(block)
    print('last line', flush=True)
    return {'printedMb': event.get('mb', 0)}
`,
      },
    });
    // Warm up the env and the server's own heap before the baseline.
    for (let i = 0; i < 3; i++) expect((await invoke(client, 'flood', { mb: 20 })).json).toEqual({ printedMb: 20 });
    const before = rssMb(server.proc.pid!);
    const out = await invoke(client, 'flood', { mb: 600 });
    expect(out.functionError).toBeUndefined();
    expect(out.json).toEqual({ printedMb: 600 });
    expect(out.log).toContain('last line');
    expect(out.log).toMatch(/REPORT RequestId/);
    const after = rssMb(server.proc.pid!);
    console.log(`server RSS: ${before.toFixed(1)} MB before, ${after.toFixed(1)} MB after 600 MB of output`);
    expect(after - before).toBeLessThan(64);
    // The stream says what it dropped, and the server still serves.
    expect((await invoke(client, 'flood', { mb: 0 })).json).toEqual({ printedMb: 0 });
  }, 180_000);
});
