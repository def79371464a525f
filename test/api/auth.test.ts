// Only the workbench's user can call its API. What a web page can send
// (a cross-origin text/plain or form POST, a DNS-rebound Host, a preflight)
// is refused with AWS's error shape and creates nothing; the AWS CLI, the SDK
// and boto3 keep working: with any keys in default mode, with the
// workbench's own keys in strict mode, where other keys, a tampered body and
// an old signature are refused with AWS's codes.
import { execFile } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { REPO, startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke, ROLE } from '../helpers/lambda.js';
import { makeZip } from '../helpers/zip.js';
import { AWS_CLI, awsCliAs, awsCliEnv } from '../helpers/aws-cli.js';
import { signedFetch, signHeaders, type Credentials } from '../helpers/signed-fetch.js';
import { REFUSAL_BURST, REFUSAL_REFILL_MS } from '../../main/server/auth/refusals.js';
import { writeAwsProfile } from '../../main/server/auth/credentials.js';
import { FAST_MAX, HmacSha256, sha256HexSmall } from '../../main/server/auth/sha256.js';

const run = promisify(execFile);
const OTHER: Credentials = { accessKeyId: 'AKIAOTHERPERSON00000', secretAccessKey: 'not-the-workbench-secret-at-all-0000000' };
const HANDLER = { 'index.js': 'exports.handler = async (e) => ({ echo: e });' };

let open: RunningServer;
let strict: RunningServer;
let createBody: string;
beforeAll(async () => {
  [open, strict] = await Promise.all([startServer(), startServer({ args: ['--auth', 'strict'] })]);
  createBody = JSON.stringify({ FunctionName: 'pwned', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: (await makeZip(HANDLER)).toString('base64') } });
});
afterAll(async () => {
  await Promise.all([open?.stop(), strict?.stop()]);
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request exactly as given (Host included), as a browser or attacker could send it. */
function raw(server: RunningServer, method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** 403 in AWS's rest-json error shape with the given code. */
function expectRefused(r: Raw, code: string): void {
  expect(r.status).toBe(403);
  expect(r.headers['x-amzn-errortype']).toBe(code);
  expect(r.headers['content-type']).toBe('application/json');
  expect(JSON.parse(r.body)).toMatchObject({ message: expect.any(String) });
}

async function functionNames(server: RunningServer): Promise<string[]> {
  const out = await server.client().send(new ListFunctionsCommand({}));
  return (out.Functions ?? []).map((f) => f.FunctionName!);
}

async function auditEntries(server: RunningServer): Promise<any[]> {
  return (await (await signedFetch(`${server.url}/_workbench/audit`)).json()) as any[];
}

/** boto3 (Debian's python3-boto3) with the given keys: list functions, then invoke `fn`. */
async function boto3(server: RunningServer, creds: Credentials, fn: string): Promise<any> {
  const script = `
import json, sys, boto3, botocore.config, botocore.exceptions
c = boto3.client('lambda', endpoint_url=sys.argv[1], region_name='us-east-1', config=botocore.config.Config(retries={'max_attempts': 1}))
try:
    names = [f['FunctionName'] for f in c.list_functions()['Functions']]
    out = c.invoke(FunctionName=sys.argv[2], Payload=b'{"from": "boto3"}')
    print(json.dumps({'ok': True, 'names': names, 'payload': json.loads(out['Payload'].read())}))
except botocore.exceptions.ClientError as e:
    print(json.dumps({'ok': False, 'status': e.response['ResponseMetadata']['HTTPStatusCode'], 'code': e.response['Error']['Code'], 'message': e.response['Error']['Message']}))
`;
  const env = { ...awsCliEnv(creds) };
  const { stdout } = await run('/usr/bin/python3', ['-c', script, server.url, fn], { env });
  return JSON.parse(stdout);
}

describe('what a web page can send is refused, and nothing is created', () => {
  it('a cross-origin text/plain POST (a "simple" request, no preflight)', async () => {
    const r = await raw(open, 'POST', '/2015-03-31/functions', { Host: `127.0.0.1:${open.port}`, Origin: 'https://evil.example', 'Content-Type': 'text/plain' }, createBody);
    expectRefused(r, 'AccessDeniedException');
    expect(await functionNames(open)).not.toContain('pwned');
  });

  it('form posts, urlencoded and multipart, with a foreign Origin or Origin: null', async () => {
    const boundary = '----lwbform';
    const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="${createBody.replace(/"/g, '\\"')}"\r\n\r\nx\r\n--${boundary}--\r\n`;
    const attempts: [Record<string, string>, string][] = [
      [{ Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' }, `${encodeURIComponent(createBody)}=`],
      [{ Origin: 'https://evil.example', 'Content-Type': `multipart/form-data; boundary=${boundary}` }, multipart],
      [{ Origin: 'null', 'Content-Type': 'application/x-www-form-urlencoded' }, `${encodeURIComponent(createBody)}=`],
      // A page on another local port (another dev server) is a foreign origin too.
      [{ Origin: `http://127.0.0.1:${open.port + 1}`, 'Content-Type': 'text/plain' }, createBody],
    ];
    for (const [headers, body] of attempts) {
      expectRefused(await raw(open, 'POST', '/2015-03-31/functions', { Host: `127.0.0.1:${open.port}`, ...headers }, body), 'AccessDeniedException');
    }
    expect(await functionNames(open)).not.toContain('pwned');
  });

  it('a DNS-rebinding Host is refused before routing, even with a well-formed signature, and for reads and the UI page too', async () => {
    const host = `evil.example:${open.port}`;
    const signed = await signHeaders('POST', new URL(`http://${host}/2015-03-31/functions`), { 'content-type': 'application/json' }, createBody);
    expectRefused(await raw(open, 'POST', '/2015-03-31/functions', { ...signed, host }, createBody), 'AccessDeniedException');
    expectRefused(await raw(open, 'GET', '/_workbench/audit', { Host: host }), 'AccessDeniedException');
    expectRefused(await raw(open, 'GET', '/', { Host: host }), 'AccessDeniedException');
    expectRefused(await raw(open, 'GET', '/2015-03-31/functions', { Host: 'localhost.evil.example' }), 'AccessDeniedException');
    expect(await functionNames(open)).not.toContain('pwned');
    // The same page on a loopback name needs no signature: it answers with its own session check (401 without the window's cookie).
    expect((await raw(open, 'GET', '/', { Host: `localhost:${open.port}` })).status).toBe(401);
  });

  it('an unsigned request (any client without a signature) gets Lambda\'s MissingAuthenticationTokenException', async () => {
    const r = await raw(open, 'POST', '/2015-03-31/functions', { Host: `127.0.0.1:${open.port}`, 'Content-Type': 'application/json' }, createBody);
    expectRefused(r, 'MissingAuthenticationTokenException');
    expect(JSON.parse(r.body).message).toBe('Missing Authentication Token');
    expectRefused(await raw(open, 'GET', '/_workbench/environments', { Host: `127.0.0.1:${open.port}` }), 'MissingAuthenticationTokenException');
    // A header that only looks like SigV4 is not one.
    expectRefused(await raw(open, 'GET', '/2015-03-31/functions', { Host: `127.0.0.1:${open.port}`, Authorization: 'AWS4-HMAC-SHA256 Credential=x' }), 'IncompleteSignatureException');
    expect(await functionNames(open)).not.toContain('pwned');
  });

  it('a CORS preflight gets no Access-Control-Allow-* grant', async () => {
    const r = await raw(open, 'OPTIONS', '/2015-03-31/functions', {
      Host: `127.0.0.1:${open.port}`,
      Origin: 'https://evil.example',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization,content-type,x-amz-date',
    });
    expect(r.status).toBe(403);
    expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('refused writes are in the audit trail as refused, with their code; a flood of them is bounded', async () => {
    const refused = (await auditEntries(open)).filter((e) => e.caller.type === 'refused');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ operation: 'CreateFunction', result: 'error', errorCode: 'AccessDeniedException', caller: { type: 'refused', origin: 'https://evil.example' } });
    expect(refused.map((e) => e.errorCode)).toContain('MissingAuthenticationTokenException');

    const started = Date.now();
    for (let i = 0; i < 100; i++) {
      const r = await raw(open, 'POST', '/2015-03-31/functions/flood/invocations', { Host: `127.0.0.1:${open.port}`, Origin: 'https://evil.example', 'Content-Type': 'text/plain' }, '{}');
      expect(r.status).toBe(403);
    }
    const flood = (await auditEntries(open)).filter((e) => e.caller.type === 'refused' && e.functionName === 'flood');
    expect(flood.length).toBeGreaterThan(0);
    expect(flood.length).toBeLessThanOrEqual(REFUSAL_BURST + Math.ceil((Date.now() - started) / REFUSAL_REFILL_MS));
    expect(flood[0]).toMatchObject({ operation: 'InvokeFunction', errorCode: 'AccessDeniedException' });
    // Once the bucket refills, the next refusal recorded says how many were left out.
    await new Promise((r) => setTimeout(r, REFUSAL_REFILL_MS + 100));
    await raw(open, 'POST', '/2015-03-31/functions/flood/invocations', { Host: `127.0.0.1:${open.port}`, 'Content-Type': 'text/plain' }, '{}');
    const last = (await auditEntries(open)).filter((e) => e.caller.type === 'refused').at(-1);
    expect(last).toMatchObject({ errorCode: 'MissingAuthenticationTokenException', parameters: { FunctionName: 'flood', RefusalsNotRecorded: 100 - flood.length } });
  });
});

describe('default mode: AWS clients work unchanged, with any keys', () => {
  beforeAll(async () => {
    await createFunction(open.client(OTHER), { name: 'echo', files: HANDLER });
  });

  it('the SDK with arbitrary keys, recorded by its (unverified) access key', async () => {
    const out = await invoke(open.client({ accessKeyId: 'AKIAANYTHING', secretAccessKey: 'anything' }), 'echo', { from: 'sdk' });
    expect(out.json).toEqual({ echo: { from: 'sdk' } });
    const created = (await auditEntries(open)).find((e) => e.operation === 'CreateFunction' && e.result === 'success');
    expect(created.caller).toMatchObject({ type: 'sdk', accessKeyId: OTHER.accessKeyId, verified: false });
  });

  it('the AWS CLI with arbitrary keys', async () => {
    const listed = JSON.parse(await awsCliAs(OTHER, open.url, 'lambda', 'list-functions'));
    expect(listed.Functions.map((f: any) => f.FunctionName)).toContain('echo');
  });

  it('boto3 with arbitrary keys', async () => {
    expect(await boto3(open, OTHER, 'echo')).toMatchObject({ ok: true, names: expect.arrayContaining(['echo']), payload: { echo: { from: 'boto3' } } });
  });

  it('a signed request from the workbench\'s own origin is served', async () => {
    const res = await signedFetch(`${open.url}/2015-03-31/functions`, { headers: { Origin: open.url } });
    expect(res.status).toBe(200);
  });
});

describe('strict mode: only the workbench\'s own keys', () => {
  beforeAll(async () => {
    await createFunction(strict.client(), { name: 'echo', files: HANDLER });
  });

  it('keys made on first start: 0600 in the data dir, shown by `lwb credentials`; a bad --auth is a usage error', async () => {
    const file = join(strict.dataDir, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(strict.workbenchCredentials.accessKeyId).toMatch(/^LWBK[A-Z2-7]{16}$/);
    const lwb = (...args: string[]) => run(process.execPath, ['--import', 'tsx', join(REPO, 'main/server/cli.ts'), ...args], { cwd: REPO });
    const [shown, help, badMode] = await Promise.all([
      lwb('credentials', '--data-dir', strict.dataDir),
      lwb('credentials', '--help'),
      lwb('serve', '--auth', 'none').catch((err) => err as { code: number; stderr: string }),
    ]);
    expect(shown.stdout).toBe(`AWS_ACCESS_KEY_ID=${strict.workbenchCredentials.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${strict.workbenchCredentials.secretAccessKey}\n`);
    expect(help.stdout).toMatch(/^usage: lwb credentials .*--write-profile/s);
    expect(badMode).toMatchObject({ code: 2, stderr: expect.stringContaining('--auth must be one of off, default, strict') });
  });

  it('the SDK with the workbench\'s keys works and is recorded as verified', async () => {
    const out = await invoke(strict.client(), 'echo', { from: 'sdk' });
    expect(out.json).toEqual({ echo: { from: 'sdk' } });
    const created = (await auditEntries(strict)).find((e) => e.operation === 'CreateFunction' && e.result === 'success');
    expect(created.caller).toMatchObject({ type: 'sdk', accessKeyId: strict.workbenchCredentials.accessKeyId, verified: true });
  });

  it('the SDK with other keys: UnrecognizedClientException; with the right id and a wrong secret: InvalidSignatureException', async () => {
    await expect(strict.client(OTHER).send(new ListFunctionsCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(strict.client({ accessKeyId: strict.workbenchCredentials.accessKeyId, secretAccessKey: OTHER.secretAccessKey }).send(new ListFunctionsCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringMatching(/^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\./),
      $metadata: { httpStatusCode: 403 },
    });
    await expect(createFunction(strict.client(OTHER), { name: 'pwned', files: HANDLER })).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    expect(await functionNames(strict)).not.toContain('pwned');
    const refused = (await auditEntries(strict)).find((e) => e.caller.type === 'refused' && e.operation === 'CreateFunction');
    expect(refused).toMatchObject({ errorCode: 'UnrecognizedClientException', caller: { accessKeyId: OTHER.accessKeyId } });
  });

  it('the AWS CLI: with a profile `lwb credentials --write-profile` wrote it works; with other keys it is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lwb-profile-'));
    const env = { ...process.env, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config') };
    const refusedCli = awsCliAs(OTHER, strict.url, 'lambda', 'list-functions').then((stdout) => ({ stderr: `unexpectedly served: ${stdout}` }), (err) => err as { stderr: string });
    await run(process.execPath, ['--import', 'tsx', join(REPO, 'main/server/cli.ts'), 'credentials', '--data-dir', strict.dataDir, '--write-profile', 'workbench', '--region', 'eu-west-1'], { cwd: REPO, env });
    expect(readFileSync(join(dir, 'credentials'), 'utf8')).toContain(`[workbench]\naws_access_key_id = ${strict.workbenchCredentials.accessKeyId}\n`);
    expect(readFileSync(join(dir, 'config'), 'utf8')).toBe('[profile workbench]\nregion = eu-west-1\n');
    expect(statSync(join(dir, 'credentials')).mode & 0o777).toBe(0o600);

    const cliEnv = { ...env, AWS_PAGER: '' } as NodeJS.ProcessEnv;
    delete cliEnv.AWS_ACCESS_KEY_ID;
    delete cliEnv.AWS_SECRET_ACCESS_KEY;
    delete cliEnv.AWS_PROFILE;
    const { stdout } = await run(AWS_CLI, ['lambda', 'list-functions', '--profile', 'workbench', '--endpoint-url', strict.url], { env: cliEnv });
    expect(JSON.parse(stdout).Functions.map((f: any) => f.FunctionName)).toContain('echo');

    expect((await refusedCli).stderr).toContain('(UnrecognizedClientException) when calling the ListFunctions operation: The security token included in the request is invalid.');
  });

  it('boto3: the workbench\'s keys work, other keys are refused', async () => {
    expect(await boto3(strict, strict.workbenchCredentials, 'echo')).toMatchObject({ ok: true, payload: { echo: { from: 'boto3' } } });
    expect(await boto3(strict, OTHER, 'echo')).toEqual({ ok: false, status: 403, code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
  });

  it('a valid signature with a tampered body is refused, and nothing is created', async () => {
    const url = new URL(`${strict.url}/2015-03-31/functions`);
    const signed = await signHeaders('POST', url, { 'content-type': 'application/json' }, createBody.replace('pwned', 'fine1'));
    const r = await raw(strict, 'POST', url.pathname, signed, createBody);
    expectRefused(r, 'InvalidSignatureException');
    expect(JSON.parse(r.body).message).toMatch(/^The request signature we calculated does not match/);
    // The same header without the (signed) x-amz-content-sha256: the body's own hash still decides.
    const { 'x-amz-content-sha256': _hash, ...rest } = signed;
    expect((await raw(strict, 'POST', url.pathname, rest, createBody)).status).toBe(403);
    expect(await functionNames(strict)).not.toContain('pwned');
  });

  it('hostile but well-formed headers get a 403 in AWS\'s shape, never a 5xx', async () => {
    const now = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const auth = (signed: string) =>
      `AWS4-HMAC-SHA256 Credential=${strict.workbenchCredentials.accessKeyId}/${now.slice(0, 8)}/us-east-1/lambda/aws4_request, SignedHeaders=${signed}, Signature=${'0'.repeat(64)}`;
    const base = { Host: `127.0.0.1:${strict.port}`, 'X-Amz-Date': now };
    expectRefused(await raw(strict, 'POST', '/2015-03-31/functions', { ...base, Authorization: auth('__proto__;constructor;host') }, createBody), 'InvalidSignatureException');
    expectRefused(await raw(strict, 'GET', '/2015-03-31/functions', { ...base, Authorization: auth('x-amz-date') }), 'IncompleteSignatureException');
    expectRefused(await raw(strict, 'GET', '/2015-03-31/functions', { ...base, 'X-Amz-Date': 'yesterday', Authorization: auth('host') }), 'IncompleteSignatureException');
    expectRefused(await raw(strict, 'GET', '/2015-03-31/functions', { ...base, Authorization: auth('host').replace(now.slice(0, 8), '20000101') }), 'InvalidSignatureException');
    expect(await functionNames(strict)).not.toContain('pwned');
  });

  it('a signature outside AWS\'s 15-minute window: "Signature expired" / "Signature not yet current"', async () => {
    const at = (minutes: number) => signedFetch(`${strict.url}/2015-03-31/functions`, { sign: { signingDate: new Date(Date.now() + minutes * 60_000) } });
    const old = await at(-16);
    expect(old.status).toBe(403);
    expect(old.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(((await old.json()) as any).message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    const future = await at(16);
    expect(future.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(((await future.json()) as any).message).toMatch(/^Signature not yet current: /);
    expect((await at(-10)).status).toBe(200);
  });

  it('signed raw requests with query strings and escaped paths verify (the canonical request matches the SDK signer)', async () => {
    // Unknown query parameters are ignored by the operation but still signed: odd characters must canonicalise alike.
    const res = await signedFetch(`${strict.url}/2015-03-31/functions?MaxItems=1&z=a%20b%2Bc%2F%7E&a=2&a=1`);
    expect(res.status).toBe(200);
    const arn = encodeURIComponent('arn:aws:lambda:us-east-1:123456789012:function:echo');
    expect((await signedFetch(`${strict.url}/2015-03-31/functions/${arn}/configuration`)).status).toBe(200);
    expect((await raw(strict, 'GET', '/2015-03-31/functions', { Host: `127.0.0.1:${strict.port}` })).headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
  });

  it.each([
    '/2015-03-31/functions/a%20b/configuration',
    '/2015-03-31/functions/caf%C3%A9',
    '/2015-03-31/functions/x%2Fy?Qualifier=%24LATEST',
    '/2015-03-31/functions/echo/configuration?Qualifier=a+b&k=1&k=0&j=&x=%E2%9C%93&~=%7E',
    '/2015-03-31/functions/echo/',
    '/2015-03-31//functions',
  ])('odd paths and queries signed by the SDK\'s signer verify: %s', async (path) => {
    const res = await signedFetch(`${strict.url}${path}`);
    expect(['MissingAuthenticationTokenException', 'IncompleteSignatureException', 'InvalidSignatureException', 'UnrecognizedClientException']).not.toContain(res.headers.get('x-amzn-errortype'));
    expect(res.status).not.toBe(403);
  });
});

describe('the verifier\'s SHA-256 and HMAC-SHA256', () => {
  it('equal node:crypto\'s for random keys, strings and bytes of every padding length', () => {
    const lengths = [...Array.from({ length: 300 }, (_, i) => i), 511, 512, 513, FAST_MAX - 1, FAST_MAX];
    for (const [i, n] of lengths.entries()) {
      const key = randomBytes(i % 3 === 0 ? 32 : 1 + (i % 64));
      const text = randomBytes(n).toString('base64').slice(0, n);
      const bytes = randomBytes(n);
      expect(new HmacSha256(key).hexOfAscii(text)).toBe(createHmac('sha256', key).update(text).digest('hex'));
      expect(sha256HexSmall(text)).toBe(createHash('sha256').update(text).digest('hex'));
      expect(sha256HexSmall(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    // Not ASCII, or longer than the fast path takes: the caller falls back to node:crypto.
    expect(new HmacSha256(randomBytes(32)).hexOfAscii('caf\u00e9')).toBeUndefined();
    expect(new HmacSha256(randomBytes(32)).hexOfAscii('x'.repeat(FAST_MAX + 1))).toBeUndefined();
    expect(sha256HexSmall('caf\u00e9')).toBeUndefined();
    expect(sha256HexSmall(randomBytes(FAST_MAX + 1))).toBeUndefined();
  });
});

describe('AWS CLI profiles', () => {
  it('--write-profile keeps the other profiles and replaces its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lwb-profile-'));
    const env = { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config') };
    writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE, '# mine\n[default]\naws_access_key_id = AKIAMINE\naws_secret_access_key = mine\n\n[wb]\naws_access_key_id = OLD\naws_secret_access_key = OLD\n[other]\nx = 1\n');
    writeFileSync(env.AWS_CONFIG_FILE, '[default]\nregion = eu-west-1\n');
    writeAwsProfile('wb', { accessKeyId: 'LWBKNEW', secretAccessKey: 'new-secret' }, 'us-east-1', env);
    expect(readFileSync(env.AWS_SHARED_CREDENTIALS_FILE, 'utf8')).toBe(
      '# mine\n[default]\naws_access_key_id = AKIAMINE\naws_secret_access_key = mine\n\n[other]\nx = 1\n\n[wb]\naws_access_key_id = LWBKNEW\naws_secret_access_key = new-secret\n',
    );
    expect(readFileSync(env.AWS_CONFIG_FILE, 'utf8')).toBe('[default]\nregion = eu-west-1\n\n[profile wb]\nregion = us-east-1\n');
    expect(() => writeAwsProfile('bad name]', { accessKeyId: 'A', secretAccessKey: 'B' }, 'us-east-1', env)).toThrow(/profile name/);
  });
});
