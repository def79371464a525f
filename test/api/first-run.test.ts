// First run (issue 9 H): the init and runtime images are built once per
// machine and cached by the content of their inputs, shared by every data
// directory; the invocation that waited for a build says what was built and
// how long it took. The test uses a cache folder and an image repository of
// its own, so it sees the builds a fresh machine would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke } from '../helpers/lambda.js';
import { docker } from '../helpers/workbench.js';

const cache = mkdtempSync(join(tmpdir(), 'lwb-cache-'));
const repo = `lambda-workbench/first-run-${process.pid}`;
const servers: RunningServer[] = [];

afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const img of await docker.listImages({ filters: { reference: [`${repo}:*`] } })) await docker.getImage(img.Id).remove({ force: true }).catch(() => {});
  rmSync(cache, { recursive: true, force: true });
});

async function firstInvoke(imageRepo: string): Promise<{ log: string; output: string }> {
  const saved = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, LWB_IMAGE_REPO: process.env.LWB_IMAGE_REPO };
  process.env.XDG_CACHE_HOME = cache;
  process.env.LWB_IMAGE_REPO = imageRepo;
  const server = await startServer().finally(() => Object.assign(process.env, saved));
  servers.push(server);
  const client = server.client();
  await createFunction(client, { name: 'hello', runtime: 'provided.al2023', handler: 'x', files: { bootstrap: { mode: 0o100755, content: BOOTSTRAP } } });
  const out = await invoke(client, 'hello');
  expect(out.payload).toBe('"hi"');
  return { log: out.log, output: server.output() };
}

const BOOTSTRAP = `#!/bin/bash
while true; do
  H=$(mktemp); curl -sS -D "$H" -o /dev/null "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next"
  ID=$(grep -i Lambda-Runtime-Aws-Request-Id "$H" | tr -d '\\r' | cut -d' ' -f2)
  curl -sS -o /dev/null -X POST -d '"hi"' "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$ID/response"
done
`;

describe('first run', () => {
  it('compiles the init once per machine, builds each image once, and the first invoke says what it waited for', async () => {
    const first = await firstInvoke(repo);
    expect(first.output).toContain('compiling the init');
    expect(first.log).toMatch(/\[workbench\] built the provided\.al2023 runtime image \S+ in [\d.]+ s \(compiled the init, /);

    // Another data directory: the image is there, nothing is built.
    const second = await firstInvoke(repo);
    expect(second.output).not.toContain('compiling the init');
    expect(second.output).not.toContain('assembling the root filesystem');
    expect(second.log).not.toContain('[workbench] built');

    // Another image repository (as after `docker rmi`): the image is built again, the init is not compiled again.
    const third = await firstInvoke(`${repo}-b`);
    expect(third.output).toContain('assembling the root filesystem');
    expect(third.output).not.toContain('compiling the init');
    expect(third.log).toMatch(/\[workbench\] built the provided\.al2023 runtime image \S+ in [\d.]+ s \(assembled/);
    for (const img of await docker.listImages({ filters: { reference: [`${repo}-b:*`] } })) await docker.getImage(img.Id).remove({ force: true }).catch(() => {});
  }, 180_000);
});
