// The execution role's credentials and local endpoints (issue 12): a function
// using @aws-sdk/client-s3, with AWS_ENDPOINT_URL(_S3) pointing at a small
// S3-compatible server on an allowlisted host port, lists a bucket; the request
// is signed with the keys of the chosen source (the test server checks the
// whole signature, not only the key id): an AWS profile of the user's (static
// keys; credential_process with a session token, resolved by AWS's own
// providers), dummy, none, and a profile that cannot be resolved. The workbench's
// defaults come from serve flags; a function's own settings override them. No
// secret appears in the configuration, the audit trail, the config history,
// the logs, the env views or the server's output.
import { randomBytes, createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer, REPO } from '../helpers/server.js';
import { createFunction, invoke } from '../helpers/lambda.js';
import { configure, getConfiguration } from '../helpers/reach.js';
import { signedFetch } from '../helpers/signed-fetch.js';

const STATIC = { id: 'AKIASTATICPROFILE01', secret: `static-secret-${randomBytes(8).toString('hex')}` };
const PROCESS = { id: 'ASIAPROCESSPROFILE1', secret: `process-secret-${randomBytes(8).toString('hex')}`, token: `process-token-${randomBytes(12).toString('hex')}` };
const DUMMY = { id: 'AKIAWORKBENCHLOCAL00', secret: 'workbench-local-secret-not-a-real-key', token: 'workbench-local-session' };
const SECRETS = { [STATIC.id]: STATIC.secret, [PROCESS.id]: PROCESS.secret, [DUMMY.id]: DUMMY.secret };

const HANDLER = `
import { S3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';
export const handler = async (event) => {
  const s3 = new S3Client({ forcePathStyle: true, maxAttempts: 1 });
  const endpoints = Object.keys(process.env).filter((k) => k.startsWith('AWS_ENDPOINT_URL')).sort();
  try {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: event.bucket }));
    return { keys: (out.Contents || []).map((c) => c.Key), endpoints };
  } catch (e) {
    return { error: e.name, message: e.message, endpoints };
  }
};`;

interface Seen {
  path: string;
  keyId: string;
  token?: string;
  /** The signature checked against the secret of that key id. */
  signatureValid: boolean;
  /** The same check with a wrong secret (a control: must be false). */
  otherSecretValid: boolean;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData) => (typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d));

class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(d: SourceData): void {
    this.h.update(bytes(d));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

/** Recomputes the request's SigV4 signature with the secret of its key id, as S3 would. */
async function signatureValid(req: IncomingMessage, keyId: string, token: string | undefined, secret = SECRETS[keyId]): Promise<boolean> {
  const auth = String(req.headers.authorization);
  const signed = auth.match(/SignedHeaders=([^,]+)/)![1]!.split(';');
  if (!secret) return false;
  const url = new URL(req.url!, `http://${req.headers.host}`);
  const headers: Record<string, string> = {};
  for (const h of signed) headers[h] = String(req.headers[h]);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const signer = new SignatureV4({ credentials: { accessKeyId: keyId, secretAccessKey: secret, sessionToken: token }, region: 'us-east-1', service: 's3', sha256: Sha256, uriEscapePath: false });
  const amzDate = String(req.headers['x-amz-date']);
  const date = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const ours = await signer.sign(
    { method: req.method!, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers },
    { signingDate: date, unsignableHeaders: new Set(), signableHeaders: new Set(signed) },
  );
  return ours.headers.authorization === auth;
}

let server: RunningServer;
let s3: Server;
let s3Port = 0;
const seen: Seen[] = [];
let awsDir: string;

beforeAll(async () => {
  // A user's AWS configuration: a profile with static keys, and one whose keys come from credential_process.
  awsDir = mkdtempSync(join(tmpdir(), 'lwb-aws-'));
  const script = join(awsDir, 'creds.cjs');
  writeFileSync(script, `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(PROCESS.id)}, SecretAccessKey: ${JSON.stringify(PROCESS.secret)}, SessionToken: ${JSON.stringify(PROCESS.token)}, Expiration: new Date(Date.now() + 3600e3).toISOString() }));`);
  writeFileSync(join(awsDir, 'config'), `[profile lwb-process]\ncredential_process = ${process.execPath} ${script}\nregion = us-east-1\n`);
  writeFileSync(join(awsDir, 'credentials'), `[lwb-static]\naws_access_key_id = ${STATIC.id}\naws_secret_access_key = ${STATIC.secret}\n`);

  // A small S3-compatible server: ListObjectsV2 on any bucket, after checking the signature.
  s3 = createServer(async (req, res) => {
    const auth = String(req.headers.authorization ?? '');
    const keyId = auth.match(/Credential=([^/]+)\//)?.[1] ?? '';
    const token = req.headers['x-amz-security-token'] as string | undefined;
    const valid = keyId ? await signatureValid(req, keyId, token) : false;
    const otherSecretValid = keyId ? await signatureValid(req, keyId, token, 'not-the-secret') : false;
    seen.push({ path: req.url!, keyId, token, signatureValid: valid, otherSecretValid });
    if (!valid) {
      res.writeHead(403, { 'content-type': 'application/xml' });
      return res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message>bad signature</Message></Error>');
    }
    const bucket = new URL(req.url!, 'http://x').pathname.split('/')[1];
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>hello.txt</Key><Size>5</Size></Contents><Contents><Key>world.txt</Key><Size>5</Size></Contents></ListBucketResult>`);
  });
  await new Promise<void>((r) => s3.listen(0, '0.0.0.0', r));
  s3Port = (s3.address() as AddressInfo).port;

  // The workbench's defaults: the static profile, the S3 server's port allowed, AWS_ENDPOINT_URL at it.
  server = await startServer({
    args: ['--credentials', 'profile:lwb-static', '--host-ports', String(s3Port), '--endpoint-url', `http://host.lambda.internal:${s3Port}`],
    env: { AWS_CONFIG_FILE: join(awsDir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(awsDir, 'credentials') },
  });
  const bundle = await build({
    stdin: { contents: HANDLER, resolveDir: REPO, loader: 'js' },
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, minify: true, logLevel: 'silent',
  });
  await createFunction(server.client(), { name: 's3-list', memory: 1024, timeout: 30, files: { 'index.js': Buffer.from(bundle.outputFiles[0]!.contents) } });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  s3?.close();
  if (awsDir) rmSync(awsDir, { recursive: true, force: true });
});

async function list(): Promise<{ out: any; requests: Seen[] }> {
  const before = seen.length;
  const r = await invoke(server.client(), 's3-list', { bucket: 'lwb-bucket' });
  expect(r.functionError, r.payload).toBeUndefined();
  return { out: r.json, requests: seen.slice(before) };
}

describe('execution role credentials and local endpoints', () => {
  it("the workbench's defaults (serve flags): a profile's static keys sign the S3 call, sent to AWS_ENDPOINT_URL on an allowlisted host port", async () => {
    const cfg = await getConfiguration(server, 's3-list');
    expect(cfg.WorkbenchCredentials.Effective).toEqual({ Source: 'profile:lwb-static', Reason: expect.stringContaining('lwb serve --credentials profile:lwb-static') });
    expect(cfg.WorkbenchEndpoints.Effective).toEqual({ AWS_ENDPOINT_URL: `http://host.lambda.internal:${s3Port}` });
    expect(cfg.WorkbenchNetwork.Effective).toMatchObject({ Mode: 'internet', HostPorts: [s3Port], Reason: expect.stringContaining('lwb serve --host-ports') });
    const { out, requests } = await list();
    expect(out).toEqual({ keys: ['hello.txt', 'world.txt'], endpoints: ['AWS_ENDPOINT_URL'] });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ keyId: STATIC.id, token: undefined, signatureValid: true });
    expect(requests[0]!.path).toMatch(/^\/lwb-bucket\/?\?list-type=2/);
    // The check can fail: the same request does not verify with another secret.
    expect(requests[0]!.otherSecretValid).toBe(false);
  }, 60_000);

  it("a function's own source and endpoint: credential_process keys with a session token, AWS_ENDPOINT_URL_S3", async () => {
    const cfg = await configure(server, 's3-list', {
      WorkbenchCredentials: { Source: 'profile:lwb-process' },
      WorkbenchEndpoints: { Services: { S3: `http://host.lambda.internal:${s3Port}` } },
    });
    expect(cfg.WorkbenchCredentials).toEqual({ Source: 'profile:lwb-process', Effective: { Source: 'profile:lwb-process', Reason: expect.stringContaining('set on the function') } });
    expect(cfg.WorkbenchEndpoints.Effective).toEqual({ AWS_ENDPOINT_URL_S3: `http://host.lambda.internal:${s3Port}` });
    const { out, requests } = await list();
    expect(out).toEqual({ keys: ['hello.txt', 'world.txt'], endpoints: ['AWS_ENDPOINT_URL_S3'] });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ keyId: PROCESS.id, token: PROCESS.token, signatureValid: true });
  }, 60_000);

  it('dummy: the clearly fake keys sign the call', async () => {
    await configure(server, 's3-list', { WorkbenchCredentials: { Source: 'dummy' } });
    const { out, requests } = await list();
    expect(out.keys).toEqual(['hello.txt', 'world.txt']);
    expect(requests[0]).toMatchObject({ keyId: DUMMY.id, token: DUMMY.token, signatureValid: true });
  }, 60_000);

  it('none: the SDK finds no credentials (the metadata address is refused at once) and nothing reaches the server', async () => {
    await configure(server, 's3-list', { WorkbenchCredentials: { Source: 'none' } });
    const started = Date.now();
    const { out, requests } = await list();
    expect(out.error).toBe('CredentialsProviderError');
    expect(requests).toHaveLength(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 60_000);

  it('a profile that cannot be resolved fails the invocation with what to do', async () => {
    await configure(server, 's3-list', { WorkbenchCredentials: { Source: 'profile:lwb-missing' } });
    const err = await invoke(server.client(), 's3-list', { bucket: 'lwb-bucket' }).then(() => undefined, (e: Error) => e);
    expect(err?.name).toBe('InvalidParameterValueException');
    expect(err?.message).toContain('lwb-missing');
    expect(err?.message).toContain('choose dummy or none');
    // Back to the workbench's default.
    const cfg = await configure(server, 's3-list', { WorkbenchCredentials: null, WorkbenchEndpoints: null });
    expect(cfg.WorkbenchCredentials).toEqual({ Effective: expect.objectContaining({ Source: 'profile:lwb-static' }) });
    expect((await list()).requests[0]).toMatchObject({ keyId: STATIC.id, signatureValid: true });
  }, 60_000);

  it('no secret appears in the configuration, the audit trail, the config history, logs, env views or the server output', async () => {
    const texts: Record<string, string> = { output: server.output() };
    for (const path of ['/2015-03-31/functions/s3-list/configuration', '/2015-03-31/functions/s3-list', '/2015-03-31/functions/', '/_workbench/audit?function=s3-list', '/_workbench/history?function=s3-list', '/_workbench/logs?function=s3-list', '/_workbench/environments', '/_workbench/events?function=s3-list']) {
      const res = await signedFetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      texts[path] = await res.text();
    }
    // Looked for where they would be if leaked: the audit trail and history did record these functions' changes.
    expect(texts['/_workbench/history?function=s3-list']).toContain('profile:lwb-process');
    for (const [where, text] of Object.entries(texts)) {
      for (const secret of [STATIC.secret, PROCESS.secret, PROCESS.token]) expect(text.includes(secret), `${secret.slice(0, 14)}… in ${where}`).toBe(false);
    }
  }, 60_000);
});
