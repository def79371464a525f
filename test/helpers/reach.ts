// The workbench's extension fields of a function's configuration
// (WorkbenchNetwork, WorkbenchCredentials, WorkbenchEndpoints): AWS clients do
// not send them, so tests set them through the REST API, signed as clients sign.
import type { RunningServer } from './server.js';
import { signedFetch } from './signed-fetch.js';

export async function getConfiguration(server: RunningServer, name: string): Promise<any> {
  const res = await signedFetch(`${server.url}/2015-03-31/functions/${name}/configuration`);
  if (!res.ok) throw new Error(`GetFunctionConfiguration ${name}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** UpdateFunctionConfiguration with whatever fields are given; resolves with the new configuration. */
export async function configure(server: RunningServer, name: string, fields: Record<string, unknown>): Promise<any> {
  const res = await signedFetch(`${server.url}/2015-03-31/functions/${name}/configuration`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fields),
  });
  const text = await res.text();
  if (!res.ok) throw Object.assign(new Error(`UpdateFunctionConfiguration ${name}: ${res.status} ${text}`), { status: res.status, body: text });
  return JSON.parse(text);
}

/** CreateFunction through the REST API (so the workbench fields can be given at once). */
export async function createWith(server: RunningServer, body: Record<string, unknown>): Promise<{ status: number; json: any }> {
  const res = await signedFetch(`${server.url}/2015-03-31/functions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}
