// A provided.al2023 function whose bootstrap is a shell script speaking the
// Runtime API with curl; and a workbench killed with SIGKILL leaves containers
// that the next start removes.
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, tempDataDir, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke, report } from '../helpers/lambda.js';
import { docker, environments } from '../helpers/workbench.js';

const BOOTSTRAP = `#!/bin/sh
set -euo pipefail
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
echo "bootstrap starting for \${_HANDLER}"
while true; do
  HEADERS="$(mktemp)"
  EVENT=$(curl -sS -LD "$HEADERS" "$API/invocation/next")
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  DEADLINE=$(grep -Fi Lambda-Runtime-Deadline-Ms "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  echo "handling $REQUEST_ID"
  RESPONSE="{\\"echo\\":$EVENT,\\"deadline\\":$DEADLINE,\\"shell\\":\\"\${BASH_VERSION:+bash}\\"}"
  curl -sS -o /dev/null -X POST "$API/invocation/$REQUEST_ID/response" -d "$RESPONSE"
  rm -f "$HEADERS"
done
`;

const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

describe('custom runtime and crash recovery', () => {
  it('runs a provided.al2023 function whose bootstrap is a shell script using curl', async () => {
    const server = await startServer();
    servers.push(server);
    const client = server.client();
    await createFunction(client, {
      name: 'shell-fn',
      runtime: 'provided.al2023',
      handler: 'function.handler',
      files: { bootstrap: { content: BOOTSTRAP, mode: 0o100755 } },
    });
    const before = Date.now();
    const first = await invoke(client, 'shell-fn', { hello: 'shell' });
    expect(first.functionError).toBeUndefined();
    expect(first.json.echo).toEqual({ hello: 'shell' });
    expect(first.json.shell).toBe('bash');
    expect(first.json.deadline).toBeGreaterThan(before + 2000);
    expect(first.log).toMatch(/bootstrap starting for function\.handler/);
    expect(first.log).toMatch(/handling [0-9a-f-]{36}/);
    const second = await invoke(client, 'shell-fn', { n: 2 });
    expect(second.json.echo).toEqual({ n: 2 });
    expect(report(second.log)['Init Duration']).toBeUndefined();
  });

  it('after kill -9 of the server, a restart removes the containers the dead one left', async () => {
    const dataDir = tempDataDir();
    const first = await startServer({ dataDir });
    const client = first.client();
    await createFunction(client, { name: 'survivor', files: { 'index.js': 'exports.handler = async () => "ok";' } });
    expect((await invoke(client, 'survivor')).json).toBe('ok');
    const [env] = await environments(first.url, 'survivor');
    const ownedBy = (pid: number) =>
      docker.listContainers({ all: true, filters: { label: [`lambda-workbench.pid=${pid}`] } });
    expect((await ownedBy(first.proc.pid!)).length).toBeGreaterThanOrEqual(1);

    await first.kill9();
    const orphans = await ownedBy(first.proc.pid!);
    expect(orphans.map((c) => c.Id)).toContain(env!.containerId);

    const second = await startServer({ dataDir });
    expect(await ownedBy(first.proc.pid!)).toHaveLength(0);
    expect(second.output()).toMatch(/removed \d+ container\(s\) left by a workbench that died/);
    // The function itself survived in SQLite and runs again.
    expect((await invoke(second.client(), 'survivor')).json).toBe('ok');
    expect((await ownedBy(second.proc.pid!)).length).toBeGreaterThanOrEqual(1);

    // A clean stop (SIGTERM) removes every container the server made.
    expect(await second.stop()).toBe(0);
    expect(await ownedBy(second.proc.pid!)).toHaveLength(0);
  });
});
