// A linked folder is packed as `zip -r` would pack it: every file keeps its
// own mode, so a 0600 root-only file is as unreadable to the function as it
// would be on AWS (where /var/task belongs to root); symlinks are packed as
// links and never followed out of the folder.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { packFolder } from '../../main/engine/control/linked-folders.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { createFunction, invoke } from '../helpers/lambda.js';

/** The API may require a SigV4 Authorization header; a well-formed one (any key) is accepted in the default mode. */
const AUTH = { Authorization: `AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}` };

interface Packed {
  mode: number;
  content: string;
}

/** Each entry of a zip: its unix mode (with type bits) and content. */
async function entries(zip: Buffer): Promise<Record<string, Packed>> {
  const z = await new Promise<yauzl.ZipFile>((res, rej) => yauzl.fromBuffer(zip, { lazyEntries: true }, (e, f) => (e ? rej(e) : res(f!))));
  const out: Record<string, Packed> = {};
  await new Promise<void>((resolve, reject) => {
    z.on('entry', (entry: yauzl.Entry) => {
      z.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream!.on('data', (c: Buffer) => chunks.push(c));
        stream!.on('end', () => {
          out[entry.fileName] = { mode: entry.externalFileAttributes >>> 16, content: Buffer.concat(chunks).toString() };
          z.readEntry();
        });
      });
    });
    z.on('end', resolve);
    z.on('error', reject);
    z.readEntry();
  });
  return out;
}

const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lwb-linked-modes-'));
  folders.push(dir);
  return dir;
}

describe('packing a linked folder', () => {
  it('keeps each file\'s and folder\'s rwx bits (never setuid) and packs inner symlinks as relative links', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    chmodSync(join(dir, 'secret.txt'), 0o600);
    writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\n');
    chmodSync(join(dir, 'run.sh'), 0o4755);
    mkdirSync(join(dir, 'private'));
    chmodSync(join(dir, 'private'), 0o700);
    mkdirSync(join(dir, 'lib/v1'), { recursive: true });
    writeFileSync(join(dir, 'lib/v1/a.js'), 'A');
    symlinkSync('v1', join(dir, 'lib/current'));
    symlinkSync(join(dir, 'lib/v1/a.js'), join(dir, 'a.js')); // absolute, but inside: packed relative
    symlinkSync('nothing-here', join(dir, 'dangling'));
    const packed = await entries(await packFolder(dir));
    expect(packed['secret.txt']).toEqual({ mode: 0o100600, content: 'secret' });
    expect(packed['run.sh']!.mode).toBe(0o100755);
    expect(packed['private/']!.mode).toBe(0o040700);
    expect(packed['lib/current']).toEqual({ mode: 0o120777, content: 'v1' });
    expect(packed['a.js']).toEqual({ mode: 0o120777, content: 'lib/v1/a.js' });
    expect(packed['dangling']).toBeUndefined(); // nothing to pack
  });

  it('refuses a symlink that leads outside the folder, also through a folder link, without reading what it points at', async () => {
    const dir = folder();
    const outside = folder();
    writeFileSync(join(outside, 'secret'), 'outside');
    writeFileSync(join(dir, 'index.js'), '');
    symlinkSync(outside, join(dir, 'elsewhere'));
    await expect(packFolder(dir)).rejects.toMatchObject({ code: 'InvalidParameterValueException', message: `elsewhere is a symlink to ${outside}, outside the linked folder.` });
    const chained = folder();
    symlinkSync('.', join(chained, 'self'));
    symlinkSync('self/..', join(chained, 'up')); // lexically inside, really the parent folder
    await expect(packFolder(chained)).rejects.toThrow(/up is a symlink to .*, outside the linked folder/);
  });
});

describe('packing a huge linked folder', () => {
  it('is refused at Lambda\'s 250 MB before the files are read into memory', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'index.js'), '');
    truncateSync(join(dir, 'index.js'), 251 * 1024 * 1024); // sparse: no disk, no reading
    const rss = process.memoryUsage().rss;
    await expect(packFolder(dir)).rejects.toMatchObject({ code: 'InvalidParameterValueException', message: expect.stringMatching(/^Unzipped size must be smaller than 262144000 bytes/) });
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('a linked folder with a 0600 file, end to end', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const reader = `const fs = require('fs');
const read = (f) => { try { return fs.readFileSync(__dirname + '/' + f, 'utf8'); } catch (e) { return e.code; } };
exports.handler = async () => ({ open: read('open.txt'), secret: read('secret.txt'), uid: process.getuid() });`;

  it('the function gets EACCES for the 0600 file and reads the 0644 one; the served zip carries 0600', async () => {
    const client = server.client();
    await createFunction(client, { name: 'modes', files: { 'index.js': 'exports.handler = async () => "zip";' } });
    const dir = folder();
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'index.js'), reader);
    writeFileSync(join(dir, 'open.txt'), 'hello');
    chmodSync(join(dir, 'open.txt'), 0o644);
    writeFileSync(join(dir, 'secret.txt'), 'root only');
    chmodSync(join(dir, 'secret.txt'), 0o600);
    const res = await fetch(`${server.url}/_workbench/functions/modes/linked-folder`, { method: 'PUT', headers: AUTH, body: JSON.stringify({ Folder: dir }) });
    expect(res.status).toBe(200);

    const out = await invoke(client, 'modes');
    expect(out.json).toMatchObject({ open: 'hello', secret: 'EACCES' });
    expect(out.json.uid).not.toBe(0);

    const location = (await client.send(new GetFunctionCommand({ FunctionName: 'modes' }))).Code!.Location!;
    const zip = await fetch(location, { headers: AUTH });
    expect(zip.status).toBe(200);
    const packed = await entries(Buffer.from(await zip.arrayBuffer()));
    expect(packed['secret.txt']!.mode & 0o7777).toBe(0o600);
    expect(packed['open.txt']!.mode & 0o7777).toBe(0o644);
  });

  it('a zip upload keeps its modes too: 0600 is unreadable, 0644 readable', async () => {
    const client = server.client();
    await createFunction(client, {
      name: 'zip-modes',
      files: { 'index.js': reader, 'open.txt': { content: 'hello', mode: 0o100644 }, 'secret.txt': { content: 'root only', mode: 0o100600 } },
    });
    expect((await invoke(client, 'zip-modes')).json).toMatchObject({ open: 'hello', secret: 'EACCES' });
  });
});
