// Hostile and broken input gets AWS's error codes and clear messages, and the
// server stays up: unknown names, zip slip, escaping symlinks, oversized and
// malformed payloads, invalid configuration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { createFunction, invoke, ROLE } from '../helpers/lambda.js';
import { makeZip } from '../helpers/zip.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
  await createFunction(server.client(), { name: 'echo', files: { 'index.js': 'exports.handler = async (e) => e;' } });
});
afterAll(async () => {
  await server?.stop();
});

/** A zip whose entry name is rewritten after building (zip tools refuse to write such names). */
async function zipWithName(placeholder: string, hostile: string): Promise<Buffer> {
  expect(placeholder.length).toBe(hostile.length);
  const zip = await makeZip({ [placeholder]: 'exports.handler = async () => "pwned";' });
  const out = Buffer.from(zip);
  let at = out.indexOf(placeholder);
  expect(at).toBeGreaterThan(0);
  while (at >= 0) {
    out.write(hostile, at);
    at = out.indexOf(placeholder, at + 1);
  }
  return out;
}

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await signedFetch(`${server.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), body: text ? JSON.parse(text) : undefined };
}

const createBody = (zip: Buffer, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ FunctionName: 'bad', Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip.toString('base64') }, ...extra });

describe('bad input', () => {
  it('unknown function: 404 ResourceNotFoundException naming the ARN', async () => {
    const r = await post('/2015-03-31/functions/nope/invocations', '{}');
    expect(r.status).toBe(404);
    expect(r.type).toBe('ResourceNotFoundException');
    expect(r.body.Message).toBe('Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope');
    await expect(invoke(server.client(), 'nope')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('refuses a zip with ../ entries (zip slip)', async () => {
    const r = await post('/2015-03-31/functions', createBody(await zipWithName('aa/evil.js', '../evil.js')));
    expect(r.status).toBe(400);
    expect(r.type).toBe('InvalidParameterValueException');
    expect(r.body.Message).toMatch(/\.\.\/evil\.js|invalid relative path/);
  });

  it('refuses a zip with absolute paths', async () => {
    const r = await post('/2015-03-31/functions', createBody(await zipWithName('xtmp/evil.js', '/tmp/evil.js')));
    expect(r.status).toBe(400);
    expect(r.type).toBe('InvalidParameterValueException');
    expect(r.body.Message).toMatch(/absolute/);
  });

  it('refuses a symlink that points outside the package', async () => {
    const zip = await makeZip({ 'index.js': 'exports.handler = async () => 1;', 'passwd': { content: '../../../../etc/passwd', mode: 0o120777 } });
    const r = await post('/2015-03-31/functions', createBody(zip));
    expect(r.status).toBe(400);
    expect(r.body.Message).toMatch(/symlink to "..\/..\/..\/..\/etc\/passwd", outside the package root/);
  });

  it('refuses a request body over 6 MB with 413', async () => {
    const big = JSON.stringify({ data: 'x'.repeat(6 * 1024 * 1024) });
    const r = await post('/2015-03-31/functions/echo/invocations', big);
    expect(r.status).toBe(413);
    expect(r.type).toBe('RequestTooLargeException');
    expect(r.body.Message).toBe('Request must be smaller than 6291456 bytes for the InvokeFunction operation');
  });

  it('refuses malformed JSON with 400 InvalidRequestContentException', async () => {
    const r = await post('/2015-03-31/functions/echo/invocations', '{"unterminated": ');
    expect(r.status).toBe(400);
    expect(r.type).toBe('InvalidRequestContentException');
    expect(r.body.Message).toMatch(/Could not parse request body into json/);
    const c = await post('/2015-03-31/functions', '{not json');
    expect(c.status).toBe(400);
    expect(c.type).toBe('InvalidRequestContentException');
  });

  it('validates configuration with AWS exception codes and messages that say what to fix', async () => {
    const zip = await makeZip({ 'index.js': 'exports.handler = async () => 1;' });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ MemorySize: 64 }, /Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128/],
      [{ Timeout: 901 }, /Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900/],
      [{ Runtime: 'nodejs16.x' }, /nodejs16\.x is no longer supported.*new runtime \(nodejs22\.x\)/],
      [{ Runtime: 'cobol85' }, /'runtime' failed to satisfy constraint/],
      [{ Environment: { Variables: { AWS_REGION: 'x' } } }, /Reserved keys used in this request: AWS_REGION/],
      [{ FunctionName: 'bad name!' }, /failed to satisfy constraint/],
      [{ EphemeralStorage: { Size: 256 } }, /Value '256' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value greater than or equal to 512/],
      [{ EphemeralStorage: { Size: 20480 } }, /failed to satisfy constraint: Member must have value less than or equal to 10240/],
      [{ Handler: 'index handler' }, /'handler' failed to satisfy constraint: .*no whitespace/],
      [{ Handler: 'x'.repeat(129) }, /'handler' failed to satisfy constraint: Member must have length less than or equal to 128/],
      [{ Environment: { Variables: { BIG: 'x'.repeat(4100) } } }, /exceeded the 4KB limit/],
      [{ Environment: { Variables: { '1BAD': 'x' } } }, /must start with a letter/],
      [{ Layers: ['not-an-arn'] }, /is not a layer version ARN/],
      [{ Architectures: ['sparc'] }, /exactly one of 'x86_64' or 'arm64'/],
      [{ PackageType: 'Image' }, /PackageType Image is not supported/],
    ];
    for (const [extra, message] of cases) {
      const r = await post('/2015-03-31/functions', createBody(zip, extra));
      expect(r.status, JSON.stringify(extra)).toBe(400);
      // A value outside the API model's constraints is AWS's ValidationException, with the same wording.
      expect(r.type, JSON.stringify(extra)).toBe(/failed to satisfy constraint/.test(message.source) ? 'ValidationException' : 'InvalidParameterValueException');
      expect(r.body.Message).toMatch(message);
    }
  });

  it('refuses zipped code over 50 MB with 413 naming the CreateFunction limit (its base64 is what AWS measures)', async () => {
    const { randomBytes } = await import('node:crypto');
    const big = await makeZip({ 'index.js': 'exports.handler = async () => 1;', 'noise.bin': randomBytes(51 * 1024 * 1024) });
    expect(big.length).toBeGreaterThan(50 * 1024 * 1024);
    const r = await post('/2015-03-31/functions', createBody(big));
    expect(r.status).toBe(413);
    expect(r.type).toBe('RequestTooLargeException');
    expect(r.body.Message).toBe('Request must be smaller than 69905067 bytes for the CreateFunction operation');
  });

  it('stays up: the function still answers after all of that', async () => {
    const out = await invoke(server.client(), 'echo', { still: 'here' });
    expect(out.json).toEqual({ still: 'here' });
    expect(server.proc.exitCode).toBeNull();
  });
});
