// Hostile packages through the real API, as an attacker would send them with
// the AWS SDK: each is refused with a 4xx before anything is created, and
// nothing is written outside the code store (the workbench runs as root).
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetFunctionCommand, ListLayerVersionsCommand, PublishLayerVersionCommand, UpdateFunctionCodeCommand, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, ROLE } from '../helpers/lambda.js';
import { makeZip, rawZip } from '../helpers/zip.js';

const link = (target: string) => ({ content: target, mode: 0o120777 });

let server: RunningServer;
let parent: string;
beforeAll(async () => {
  // The data dir sits in a folder of the test's own, so a write one level (or more) above it shows.
  parent = mkdtempSync(join(tmpdir(), 'lwb-hostile-'));
  mkdirSync(join(parent, 'a', 'b'), { recursive: true });
  server = await startServer({ dataDir: join(parent, 'a', 'b', 'data') });
  await createFunction(server.client(), { name: 'target', files: { 'index.js': 'exports.handler = async () => "good";' } });
});
afterAll(async () => {
  await server?.stop();
  if (parent) rmSync(parent, { recursive: true, force: true });
});

/** Paths under `dir` named `name` (lstat: links not followed). */
function find(dir: string, name: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (entry === name) out.push(p);
    if (lstatSync(p).isDirectory()) find(p, name, out);
  }
  return out;
}

const chainZip = () => makeZip({ 'a/b': link('..'), 'a/b/c': link('..'), 'a/b/c/d': link('..'), 'a/b/c/d/ESCAPED.txt': 'written outside the store' });
const createInput = (name: string, zip: Buffer) => ({ FunctionName: name, Runtime: 'nodejs20.x' as const, Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip } });
const refused = { name: 'InvalidParameterValueException', $metadata: { httpStatusCode: 400 } };

describe('a zip that writes through its own symlinks', () => {
  it('CreateFunction refuses it and creates nothing', async () => {
    const client = server.client();
    await expect(client.send(new CreateFunctionCommand(createInput('escaper', await chainZip())))).rejects.toMatchObject(refused);
    await expect(client.send(new GetFunctionCommand({ FunctionName: 'escaper' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(find(parent, 'ESCAPED.txt')).toEqual([]);
  });

  it('UpdateFunctionCode refuses it and the function keeps its code', async () => {
    const client = server.client();
    const before = (await client.send(new GetFunctionCommand({ FunctionName: 'target' }))).Configuration!.CodeSha256;
    await expect(client.send(new UpdateFunctionCodeCommand({ FunctionName: 'target', ZipFile: await chainZip() }))).rejects.toMatchObject(refused);
    expect((await client.send(new GetFunctionCommand({ FunctionName: 'target' }))).Configuration!.CodeSha256).toBe(before);
    expect(find(parent, 'ESCAPED.txt')).toEqual([]);
  });

  it('PublishLayerVersion refuses it and publishes no version', async () => {
    const client = server.client();
    await expect(client.send(new PublishLayerVersionCommand({ LayerName: 'escaper', Content: { ZipFile: await chainZip() } }))).rejects.toMatchObject(refused);
    expect((await client.send(new ListLayerVersionsCommand({ LayerName: 'escaper' }))).LayerVersions).toEqual([]);
    expect(find(parent, 'ESCAPED.txt')).toEqual([]);
  });

  it('a link that passes a lexical check but resolves outside (u -> ., v -> u/..) and an empty zip are refused too', async () => {
    const client = server.client();
    const sneaky = await makeZip({ 'index.js': 'exports.handler = async () => 1;', u: link('.'), v: link('u/..') });
    await expect(client.send(new CreateFunctionCommand(createInput('sneaky', sneaky)))).rejects.toMatchObject({ ...refused, message: 'Zip entry "v" is a symlink to "u/..", outside the package root.' });
    await expect(client.send(new CreateFunctionCommand(createInput('empty', rawZip([]))))).rejects.toMatchObject({ ...refused, message: 'Uploaded file must be a non-empty zip' });
    await expect(client.send(new GetFunctionCommand({ FunctionName: 'sneaky' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    // Nothing half-extracted is left in the store either.
    expect(readdirSync(join(parent, 'a', 'b', 'data', 'code')).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});
