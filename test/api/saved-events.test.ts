// Saved test events live in the engine: create, list, get, rename, delete,
// export and import, and they survive a restart.
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, tempDataDir, type RunningServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { createFunction } from '../helpers/lambda.js';

const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

async function call(server: RunningServer, method: string, path: string, body?: unknown) {
  const res = await signedFetch(`${server.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('saved test events', () => {
  it('create, list, get, rename, delete; they survive a restart; export and import move them', async () => {
    const dataDir = tempDataDir();
    const first = await startServer({ dataDir });
    await createFunction(first.client(), { name: 'with-events', files: { 'index.js': 'exports.handler = async (e) => e;' } });
    const base = '/_workbench/functions/with-events/saved-events';
    expect((await call(first, 'PUT', `${base}/order-placed`, { event: { order: 1 } })).status).toBe(200);
    expect((await call(first, 'PUT', `${base}/refund`, { event: { refund: true } })).status).toBe(200);
    expect((await call(first, 'POST', `${base}/refund/rename`, { NewName: 'refund-issued' })).body.name).toBe('refund-issued');
    expect((await call(first, 'GET', base)).body.map((e: { name: string }) => e.name)).toEqual(['order-placed', 'refund-issued']);
    expect((await call(first, 'PUT', `${base}/bad name`, { event: {} })).status).toBe(400);
    const missing = await call(first, 'GET', `${base}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.Message).toMatch(/Saved: order-placed, refund-issued/);
    expect(await first.stop()).toBe(0);

    const second = await startServer({ dataDir });
    servers.push(second);
    expect((await call(second, 'GET', `${base}/order-placed`)).body.event).toEqual({ order: 1 });
    const exported = (await call(second, 'GET', '/_workbench/saved-events/export?function=with-events')).body;
    expect(exported.events).toHaveLength(2);
    expect((await call(second, 'DELETE', `${base}/order-placed`)).status).toBe(204);
    expect((await call(second, 'GET', base)).body).toHaveLength(1);
    expect((await call(second, 'POST', '/_workbench/saved-events/import', exported)).body).toEqual({ imported: 2 });
    expect((await call(second, 'GET', base)).body.map((e: { name: string }) => e.name)).toEqual(['order-placed', 'refund-issued']);
    expect((await call(second, 'POST', '/_workbench/saved-events/import', { events: [] })).status).toBe(400);
  });
});
