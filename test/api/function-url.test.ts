// Function URLs: the Lambda API's Create/Get/Update/Delete/ListFunctionUrlConfig
// through the SDK, and the URL itself through real HTTP clients (node:http with
// the URL's host name, the /_lambda-url/ path, curl resolving *.localhost):
// payload-2.0 events, response mapping, CORS preflights, AWS_IAM refusing
// unsigned requests. URLs live on a listener of their own, never the API's
// port, so a function's page cannot share the API's origin.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateAliasCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  ListFunctionUrlConfigsCommand,
  PublishVersionCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction } from '../helpers/lambda.js';
import { signHeaders, TEST_CREDENTIALS } from '../helpers/signed-fetch.js';

const run = promisify(execFile);

let server: RunningServer;
/** The function URL listener's port, as `serve` prints it. */
let urlPort: number;
beforeAll(async () => {
  server = await startServer();
  urlPort = Number(server.output().match(/Function URLs on http:\/\/127\.0\.0\.1:(\d+)/)?.[1]);
  await createFunction(server.client(), { name: 'web', files: { 'index.js': WEB } });
});
afterAll(async () => {
  await server?.stop();
});

const WEB = `
let calls = 0;
exports.handler = async (event) => {
  calls++;
  const q = event.queryStringParameters || {};
  if (q.mode === 'custom') return { statusCode: 201, headers: { 'X-Custom': 'v' }, cookies: ['c=1', 'd=2'], body: Buffer.from('hi').toString('base64'), isBase64Encoded: true };
  if (q.mode === 'plain') return { plain: true, calls };
  if (q.mode === 'throw') throw new Error('boom');
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event, calls }) };
};`;

const STREAMER = `
exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
  if ((event.queryStringParameters || {}).mode === 'http') {
    const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 202, headers: { 'Content-Type': 'text/plain', 'X-Streamed': 'yes' }, cookies: ['k=v'] });
    stream.write('part1');
    stream.write('part2');
    stream.end();
    return;
  }
  responseStream.write('just bytes');
  responseStream.end();
});`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One HTTP request to the function URL listener (or `port`) with the given Host header. */
function http(method: string, host: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string, port = urlPort): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (a: Answer) => JSON.parse(a.body.toString()) as { event: Record<string, any>; calls: number };

describe('function URLs', () => {
  let url: URL;
  let host: string;

  it('are created, read, updated and listed through the SDK, with AWS\'s validation', async () => {
    const client = server.client();
    const created = await client.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE' }));
    expect(urlPort).toBeGreaterThan(0);
    expect(urlPort).not.toBe(server.port);
    expect(created.FunctionUrl).toMatch(new RegExp(`^http://[a-z0-9]{32}\\.lambda-url\\.us-east-1\\.localhost:${urlPort}/$`));
    expect(created).toMatchObject({ FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:web', AuthType: 'NONE', InvokeMode: 'BUFFERED' });
    url = new URL(created.FunctionUrl!);
    host = url.host;

    await expect(client.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE' }))).rejects.toMatchObject({ name: 'ResourceConflictException' });
    await expect(client.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: 'live', AuthType: 'NONE' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const { Version } = await client.send(new PublishVersionCommand({ FunctionName: 'web' }));
    await expect(client.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: Version, AuthType: 'NONE' }))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('alias'),
    });
    await expect(client.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'OPEN' as 'NONE' }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    await expect(
      client.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE', Cors: { MaxAge: 90_000 } })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringContaining('MaxAge') });

    const updated = await client.send(
      new UpdateFunctionUrlConfigCommand({ FunctionName: 'web', Cors: { AllowOrigins: ['https://app.example'], AllowMethods: ['POST'], AllowHeaders: ['x-token'], MaxAge: 300 } }),
    );
    expect(updated).toMatchObject({ AuthType: 'NONE', FunctionUrl: created.FunctionUrl, Cors: { AllowOrigins: ['https://app.example'], MaxAge: 300 } });
    expect((await client.send(new GetFunctionUrlConfigCommand({ FunctionName: 'web' }))).Cors?.AllowMethods).toEqual(['POST']);
    expect((await client.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'web' }))).FunctionUrlConfigs).toHaveLength(1);
  });

  it('turn a request into a payload 2.0 event: raw path and query, joined values, cookies apart, lower-cased headers', async () => {
    const a = await http('GET', host, '/orders/42?x=1&x=2&y=%20z', { Cookie: 'a=1; b=2', 'X-Trace-Me': 'yes' });
    expect(a.status).toBe(200);
    const { event } = json(a);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/orders/42',
      rawQueryString: 'x=1&x=2&y=%20z',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { x: '1,2', y: ' z' },
      isBase64Encoded: false,
      requestContext: {
        accountId: 'anonymous',
        apiId: url.hostname.split('.')[0],
        domainName: url.hostname,
        domainPrefix: url.hostname.split('.')[0],
        http: { method: 'GET', path: '/orders/42', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
        routeKey: '$default',
        stage: '$default',
      },
    });
    expect(event.headers['x-trace-me']).toBe('yes');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
    expect(a.headers['x-amzn-requestid']).toBe(event.requestContext.requestId);
  });

  it('passes text bodies as text and anything else base64', async () => {
    const text = json(await http('POST', host, '/', { 'Content-Type': 'application/json' }, '{"n":1}')).event;
    expect(text).toMatchObject({ body: '{"n":1}', isBase64Encoded: false });
    const binary = json(await http('POST', host, '/upload', { 'Content-Type': 'application/octet-stream' }, Buffer.from([0, 1, 2, 255]))).event;
    expect(binary).toMatchObject({ body: Buffer.from([0, 1, 2, 255]).toString('base64'), isBase64Encoded: true });
  });

  it('maps the result: status, headers, cookies and a base64 body; other JSON is a 200 JSON body; a function error is a 502', async () => {
    const custom = await http('GET', host, '/?mode=custom');
    expect(custom.status).toBe(201);
    expect(custom.headers['x-custom']).toBe('v');
    expect(custom.headers['set-cookie']).toEqual(['c=1', 'd=2']);
    expect(custom.body.toString()).toBe('hi');

    const plain = await http('GET', host, '/?mode=plain');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('application/json');
    expect(JSON.parse(plain.body.toString())).toMatchObject({ plain: true });

    const failed = await http('GET', host, '/?mode=throw');
    expect(failed.status).toBe(502);
    expect(JSON.parse(failed.body.toString())).toEqual({ Message: 'Internal Server Error' });
  });

  it('answers CORS preflights from the URL\'s settings without invoking, and adds the CORS headers to answers', async () => {
    const before = (JSON.parse((await http('GET', host, '/?mode=plain')).body.toString()) as { calls: number }).calls;
    const pre = await http('OPTIONS', host, '/', { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-token' });
    expect(pre.status).toBe(200);
    expect(pre.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'x-token',
      'access-control-max-age': '300',
    });
    const stranger = await http('OPTIONS', host, '/', { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' });
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    const after = JSON.parse((await http('GET', host, '/?mode=plain', { Origin: 'https://app.example' })).body.toString()) as { calls: number };
    expect(after.calls).toBe(before + 1); // the two preflights never reached the function
  });

  it('is also reachable under /_lambda-url/<id>/ on the URL port for clients that cannot resolve *.localhost', async () => {
    const a = await http('GET', `127.0.0.1:${urlPort}`, `/_lambda-url/${url.hostname.split('.')[0]}/deep/path?k=v`);
    expect(json(a).event).toMatchObject({ rawPath: '/deep/path', rawQueryString: 'k=v', requestContext: { domainName: url.hostname } });
    // Anything else on the URL port is what AWS's URL front end answers for an unknown URL.
    expect((await http('GET', `127.0.0.1:${urlPort}`, '/2015-03-31/functions')).status).toBe(403);
    expect((await http('GET', `127.0.0.1:${urlPort}`, `/_lambda-url/${'0'.repeat(32)}/`)).status).toBe(403);
  });

  it('are not served on the API\'s port, by path or by host name: a function\'s page never gets the API\'s origin', async () => {
    const id = url.hostname.split('.')[0];
    const byPath = await http('GET', `127.0.0.1:${server.port}`, `/_lambda-url/${id}/?mode=plain`, {}, undefined, server.port);
    expect(byPath.status).toBe(404);
    expect(byPath.headers['x-amzn-errortype']).toBe('UnknownOperationException');
    expect(JSON.parse(byPath.body.toString()).Message).toContain(`http://127.0.0.1:${urlPort}`);
    const byHost = await http('GET', `${url.hostname}:${server.port}`, '/?mode=plain', {}, undefined, server.port);
    expect(byHost.status).toBe(404);
    expect(byHost.body.toString()).not.toContain('"plain":true');
    // Different origins (the port is part of one), and the API grants no CORS to the URL's origin.
    expect(url.origin).not.toBe(server.url);
    expect(new URL(`http://127.0.0.1:${urlPort}/`).origin).not.toBe(server.url);
    const read = await http('GET', `127.0.0.1:${server.port}`, '/2015-03-31/functions', { Origin: url.origin }, undefined, server.port);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.skipIf(!existsSync('/usr/bin/curl'))('works from curl with the URL exactly as CreateFunctionUrlConfig gave it', async () => {
    const { stdout } = await run('/usr/bin/curl', ['-s', '--max-time', '20', `${url.href}from-curl?via=curl`]);
    expect(JSON.parse(stdout).event).toMatchObject({ rawPath: '/from-curl', queryStringParameters: { via: 'curl' } });
  });

  it('RESPONSE_STREAM URLs serve streamifyResponse handlers: the HttpResponseStream prelude gives status, headers and cookies', async () => {
    const client = server.client();
    await createFunction(client, { name: 'streamer', files: { 'index.js': STREAMER } });
    const { FunctionUrl } = await client.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'streamer', AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' }));
    const h = new URL(FunctionUrl!).host;
    const http1 = await http('GET', h, '/?mode=http');
    expect(http1.status).toBe(202);
    expect(http1.headers['x-streamed']).toBe('yes');
    expect(http1.headers['set-cookie']).toEqual(['k=v']);
    expect(http1.headers['content-type']).toBe('text/plain');
    expect(http1.body.toString()).toBe('part1part2');
    const raw = await http('GET', h, '/');
    expect(raw.status).toBe(200);
    expect(raw.headers['content-type']).toBe('application/octet-stream');
    expect(raw.body.toString()).toBe('just bytes');
  });

  it('AWS_IAM URLs refuse unsigned requests; an alias gets its own URL; a deleted URL answers 403', async () => {
    const client = server.client();
    await client.send(new CreateAliasCommand({ FunctionName: 'web', Name: 'live', FunctionVersion: '1' }));
    const iam = await client.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: 'live', AuthType: 'AWS_IAM' }));
    expect(iam.FunctionArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:web:live');
    const iamHost = new URL(iam.FunctionUrl!).host;
    expect(iamHost).not.toBe(host);
    expect((await http('GET', iamHost, '/')).status).toBe(403);
    const signed = await http('GET', iamHost, '/', {
      Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDCALLER/20261127/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=00',
    });
    expect(signed.status).toBe(200);
    expect(json(signed).event.requestContext).toMatchObject({ accountId: '123456789012', authorizer: { iam: { accessKey: 'AKIDCALLER' } } });
    expect((await client.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'web' }))).FunctionUrlConfigs).toHaveLength(2);

    await client.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'web' }));
    expect((await http('GET', host, '/')).status).toBe(403);
    await expect(client.send(new GetFunctionUrlConfigCommand({ FunctionName: 'web' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('under --auth strict, AWS_IAM URLs verify the signature: the workbench\'s keys pass, other keys and a fake of the right form do not', async () => {
    const strict = await startServer({ args: ['--auth', 'strict'] });
    try {
      const client = strict.client();
      await createFunction(client, { name: 'iamfn', files: { 'index.js': WEB } });
      const { FunctionUrl } = await client.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'iamfn', AuthType: 'AWS_IAM' }));
      const u = new URL(FunctionUrl!);
      const port = Number(u.port);
      const target = new URL(`http://${u.host}/?mode=plain`);
      const signedBy = async (credentials: { accessKeyId: string; secretAccessKey: string }) =>
        http('GET', u.host, '/?mode=plain', await signHeaders('GET', target, {}, undefined, { credentials }), undefined, port);
      const good = await signedBy(strict.workbenchCredentials);
      expect(good.status).toBe(200);
      expect(JSON.parse(good.body.toString())).toMatchObject({ plain: true });
      expect((await signedBy(TEST_CREDENTIALS)).status).toBe(403);
      const fake = await http('GET', u.host, '/?mode=plain', {
        Authorization: `AWS4-HMAC-SHA256 Credential=${strict.workbenchCredentials.accessKeyId}/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
      }, undefined, port);
      expect(fake.status).toBe(403);
    } finally {
      await strict.stop();
    }
  });
});
