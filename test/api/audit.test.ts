// The audit trail records every control-plane call, masks secrets, and its
// hash chain shows tampering: `lwb audit verify` says intact, then names the
// entry that was altered. Config history keeps every state with diffs.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateAliasCommand, DeleteAliasCommand, PublishVersionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { REPO, startServer, type RunningServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { createFunction } from '../helpers/lambda.js';

const run = promisify(execFile);
let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

async function verify(dataDir: string): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(REPO, 'main/server/cli.ts'), 'audit', 'verify', '--data-dir', dataDir], { cwd: REPO });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

describe('audit trail and config history', () => {
  it('records a scripted set of calls, verifies intact, then names the altered entry', async () => {
    const client = server.client();
    await createFunction(client, { name: 'audited', files: { 'index.js': 'exports.handler = async () => 1;' }, env: { DB_PASSWORD: 'hunter2-very-secret' } });
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'audited', MemorySize: 256 }));
    await client.send(new PublishVersionCommand({ FunctionName: 'audited' }));
    await client.send(new CreateAliasCommand({ FunctionName: 'audited', Name: 'live', FunctionVersion: '1' }));
    await expect(client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'audited', Timeout: 9999 }))).rejects.toThrow();
    await client.send(new DeleteAliasCommand({ FunctionName: 'audited', Name: 'live' }));

    const entries = (await (await signedFetch(`${server.url}/_workbench/audit?function=audited`)).json()) as any[];
    expect(entries.map((e) => `${e.operation}:${e.result}`)).toEqual([
      'CreateFunction:success',
      'UpdateFunctionConfiguration:success',
      'PublishVersion:success',
      'CreateAlias:success',
      'UpdateFunctionConfiguration:error',
      'DeleteAlias:success',
    ]);
    expect(entries[4].errorCode).toBe('ValidationException');
    expect(entries[0].caller).toMatchObject({ type: 'sdk', accessKeyId: 'AKIDWORKBENCHTEST' });
    expect(entries[0].parameters.Environment.Variables.DB_PASSWORD).toBe('****');
    expect(entries[0].parameters.Code.ZipFile).toMatchObject({ sha256: expect.any(String), bytes: expect.any(Number) });

    // Config history: every state, with a diff between two of them.
    const history = (await (await signedFetch(`${server.url}/_workbench/history?function=audited`)).json()) as any[];
    expect(history.map((h) => h.change)).toEqual(['created', 'updated', 'published']);
    const diff = (await (await signedFetch(`${server.url}/_workbench/history?function=audited&from=${history[0].id}&to=${history[1].id}`)).json()) as any[];
    expect(diff).toEqual([{ path: 'MemorySize', kind: 'changed', from: 128, to: 256 }]);

    expect(await server.stop()).toBe(0);
    const sqlite = new Database(join(server.dataDir, 'workbench.db'));
    const stored = sqlite.prepare('SELECT parameters FROM audit_log').all() as { parameters: string }[];
    expect(stored.some((r) => r.parameters.includes('hunter2-very-secret'))).toBe(false);
    const ok = await verify(server.dataDir);
    expect(ok).toEqual({ code: 0, stdout: 'intact\n' });

    const target = sqlite.prepare("SELECT id FROM audit_log WHERE operation = 'CreateAlias'").get() as { id: number };
    sqlite.prepare('UPDATE audit_log SET parameters = ? WHERE id = ?').run(JSON.stringify({ FunctionName: 'audited', Name: 'evil' }), target.id);
    sqlite.close();
    const broken = await verify(server.dataDir);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(new RegExp(`^broken at entry ${target.id}: `));
  });
});
