// Hostile functions from test/escape/functions, deployed through the real API,
// and the host-side measurements the escape suite compares against (no vitest
// here, so a one-off script can use it too).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { RunningServer } from '../../helpers/server.js';
import { ROLE } from '../../helpers/lambda.js';
import { makeZip } from '../../helpers/zip.js';
import { signedFetch } from '../../helpers/signed-fetch.js';

const FUNCTIONS = join(import.meta.dirname, '..', 'functions');

export interface HostileSpec {
  name: string;
  /** A file in test/escape/functions: `x.py` (python3.11) or `x.js` (nodejs20.x); its `handler` is the entry point. */
  source: string;
  memory?: number;
  timeout?: number;
  ephemeralMb?: number;
  env?: Record<string, string>;
  /** Extra files in the zip (e.g. a secret the function's own code holds). */
  extra?: Record<string, string>;
  /** WorkbenchNetwork (e.g. `{ Mode: 'none' }`); default: the workbench's (internet). Needs `deploy`'s server. */
  network?: Record<string, unknown>;
}

/** `server`: where to set what AWS clients cannot send (WorkbenchNetwork). */
export async function deploy(client: LambdaClient, spec: HostileSpec, server?: RunningServer): Promise<void> {
  const python = spec.source.endsWith('.py');
  const module = spec.source.replace(/\.(py|js)$/, '');
  const files: Record<string, string> = { [spec.source]: readFileSync(join(FUNCTIONS, spec.source), 'utf8'), ...spec.extra };
  if (python) files['escape_lib.py'] = readFileSync(join(FUNCTIONS, 'escape_lib.py'), 'utf8');
  await client.send(
    new CreateFunctionCommand({
      FunctionName: spec.name,
      Runtime: python ? 'python3.11' : 'nodejs20.x',
      Role: ROLE,
      Handler: `${module}.handler`,
      Code: { ZipFile: await makeZip(files) },
      MemorySize: spec.memory ?? 256,
      Timeout: spec.timeout ?? 30,
      EphemeralStorage: spec.ephemeralMb ? { Size: spec.ephemeralMb } : undefined,
      Environment: spec.env ? { Variables: spec.env } : undefined,
    }),
  );
  if (spec.network) {
    if (!server) throw new Error(`${spec.name}: a network setting needs the server`);
    const res = await signedFetch(`${server.url}/2015-03-31/functions/${spec.name}/configuration`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ WorkbenchNetwork: spec.network }),
    });
    if (!res.ok) throw new Error(`${spec.name}: WorkbenchNetwork not set: ${res.status} ${await res.text()}`);
  }
}

/** GET on the workbench's own API, signed as it requires (with a strict server's own keys, if it has them). */
export async function workbenchGet(server: RunningServer, path: string): Promise<any> {
  const res = await signedFetch(`${server.url}${path}`);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** The server process's resident memory in MB, from the kernel. */
export function serverRssMb(server: RunningServer): number {
  const status = readFileSync(`/proc/${server.proc.pid}/status`, 'utf8');
  return Number(status.match(/^VmRSS:\s+(\d+) kB/m)![1]) / 1024;
}
