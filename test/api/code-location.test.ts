// GetFunction's Code.Location and GetLayerVersion's Content.Location are
// presigned URLs that expire after 10 minutes (as AWS's S3 URLs do): they
// download without an Authorization header while their signature holds, and an
// unsigned, tampered or expired request gets 403 with an error code.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetFunctionCommand, GetLayerVersionCommand, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { startServer, tempDataDir, removeDir, type RunningServer } from '../helpers/server.js';
import { createFunction } from '../helpers/lambda.js';
import { makeZip } from '../helpers/zip.js';
import { Presigner } from '../../main/server/presign.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
  await createFunction(server.client(), { name: 'coded', files: { 'index.js': 'exports.handler = async () => 1;' } });
});
afterAll(async () => {
  await server?.stop();
});

/** A GET with no Authorization header, as a browser or curl follows a presigned URL. */
async function download(url: string): Promise<{ status: number; code: string | null; body: Buffer }> {
  const res = await fetch(url);
  return { status: res.status, code: res.headers.get('x-amzn-errortype'), body: Buffer.from(await res.arrayBuffer()) };
}

describe('presigned code locations', () => {
  it('Code.Location is a presigned URL that downloads the package, without an Authorization header, for 10 minutes', async () => {
    const got = await server.client().send(new GetFunctionCommand({ FunctionName: 'coded' }));
    const location = new URL(got.Code!.Location!);
    expect(location.origin).toBe(server.url);
    expect(location.pathname).toMatch(/^\/_workbench\/code\/[0-9a-f]{64}\.zip$/);
    expect(location.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(location.searchParams.get('X-Amz-Date')).toMatch(/^\d{8}T\d{6}Z$/);
    expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const ok = await download(location.href);
    expect(ok.status).toBe(200);
    expect(createHash('sha256').update(ok.body).digest('base64')).toBe(got.Configuration!.CodeSha256);
  });

  it('refuses the open path, a tampered signature, another key under the same signature and an expired URL (403 with a code)', async () => {
    const location = new URL((await server.client().send(new GetFunctionCommand({ FunctionName: 'coded' }))).Code!.Location!);
    const open = await download(`${location.origin}${location.pathname}`);
    expect(open).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(JSON.parse(open.body.toString())).toMatchObject({ Code: 'AccessDenied', Message: expect.stringContaining('presigned') });

    const tampered = new URL(location.href);
    const sig = tampered.searchParams.get('X-Amz-Signature')!;
    tampered.searchParams.set('X-Amz-Signature', `${sig[0] === 'a' ? 'b' : 'a'}${sig.slice(1)}`);
    expect(await download(tampered.href)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });

    const longer = new URL(location.href);
    longer.searchParams.set('X-Amz-Expires', '604800'); // stretching the lifetime breaks the signature
    expect(await download(longer.href)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });

    const otherKey = new URL(location.href);
    otherKey.pathname = `/_workbench/code/${'0'.repeat(64)}.zip`;
    expect(await download(otherKey.href)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });

    // Signed with the workbench's own key eleven minutes ago: a URL GetFunction gave then has expired.
    const key = Presigner.forDataDir(server.dataDir);
    const old = key.sign(location.pathname, new Date(Date.now() - 11 * 60_000));
    const expired = await download(`${server.url}${old}`);
    expect(expired).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(JSON.parse(expired.body.toString()).Message).toBe('Request has expired');
    // …and nine minutes ago it still works.
    expect((await download(`${server.url}${key.sign(location.pathname, new Date(Date.now() - 9 * 60_000))}`)).status).toBe(200);
  });

  it('the signing key is the workbench\'s own: in the data directory, owner-only', () => {
    expect(statSync(join(server.dataDir, 'presign.key')).mode & 0o777).toBe(0o600);
    const other = tempDataDir();
    try {
      const stranger = Presigner.forDataDir(other).sign('/_workbench/code/x.zip');
      expect(Presigner.forDataDir(server.dataDir).verify('/_workbench/code/x.zip', new URL(stranger, 'http://h').searchParams)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    } finally {
      removeDir(other);
    }
  });

  it('GetLayerVersion\'s Content.Location is presigned the same way', async () => {
    const client = server.client();
    const zip = await makeZip({ 'lib/x.txt': 'layer' });
    const published = await client.send(new PublishLayerVersionCommand({ LayerName: 'signed', Content: { ZipFile: zip } }));
    const got = await client.send(new GetLayerVersionCommand({ LayerName: 'signed', VersionNumber: published.Version }));
    const location = new URL(got.Content!.Location!);
    expect(location.searchParams.get('X-Amz-Expires')).toBe('600');
    const ok = await download(location.href);
    expect(ok.status).toBe(200);
    expect(ok.body.equals(zip)).toBe(true);
    expect((await download(`${location.origin}${location.pathname}`)).status).toBe(403);
  });
});
