// Code packages are checked before anything touches the disk: names that
// escape the root and symlinks that point outside are refused, nothing is
// ever written through a link, sizes are counted as bytes are written, and
// files keep the modes the zip gives them.
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, constants as zc } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CodeStore, checkEntryName, extractZip, MAX_UNZIPPED_BYTES } from '../../main/engine/control/code-store.js';
import { makeZip, rawZip } from '../helpers/zip.js';
import { walk } from '../helpers/walk.js';

const link = (target: string) => ({ content: target, mode: 0o120777 });


/** A store two levels below a folder of its own, so anything written around it shows. */
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function isolatedStore() {
  const top = mkdtempSync(join(tmpdir(), 'lwb-code-'));
  made.push(top);
  const root = join(top, 'data', 'code');
  mkdirSync(root, { recursive: true });
  return { top, root, store: new CodeStore(root) };
}

/** `mb` MB of zeros as one raw deflate stream, built from repeated sync-flushed blocks (no big buffer). */
function zeroBomb(mb: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: zc.Z_SYNC_FLUSH });
  return Buffer.concat([...Array.from({ length: mb }, () => block), deflateRawSync(Buffer.alloc(0))]);
}

describe('checkEntryName', () => {
  it.each(['../x', 'a/../../x', '/etc/passwd', '..\\x', 'C:/x', 'a/..'])('refuses %s', (name) => {
    expect(() => checkEntryName(name)).toThrow(/absolute|escapes/);
  });
  it.each(['index.js', 'lib/a.js', './b.js', 'a/./c.js'])('accepts %s', (name) => {
    expect(() => checkEntryName(name)).not.toThrow();
  });
  it('refuses NUL and names longer than Linux allows', () => {
    expect(() => checkEntryName('a\0b')).toThrow(/NUL/);
    expect(() => checkEntryName('x'.repeat(256))).toThrow(/longer than Linux allows/);
    expect(() => checkEntryName('a/'.repeat(2100) + 'b')).toThrow(/longer than Linux allows/);
  });
});

describe('CodeStore', () => {
  it('stores a package once by content and keeps execute bits and inner symlinks', async () => {
    const { store } = isolatedStore();
    const zip = await makeZip({
      'bootstrap': { content: '#!/bin/sh\n', mode: 0o100755 },
      'lib/data.txt': 'data',
      'link.txt': link('lib/data.txt'),
    });
    const a = await store.put(zip);
    const b = await store.put(zip);
    expect(b).toEqual(a);
    expect(a.sha256).toMatch(/=$/);
    const dir = store.dir(a.key);
    expect(statSync(join(dir, 'bootstrap')).mode & 0o777).toBe(0o755);
    expect(statSync(join(dir, 'lib/data.txt')).mode & 0o777).toBe(0o644);
    expect(readlinkSync(join(dir, 'link.txt'))).toBe('lib/data.txt');
    expect(readFileSync(join(dir, 'link.txt'), 'utf8')).toBe('data');
  });

  it('refuses something that is not a zip, with a code', async () => {
    const { store } = isolatedStore();
    await expect(store.put(Buffer.from('not a zip at all'))).rejects.toMatchObject({ code: 'InvalidParameterValueException' });
  });

  it('two uploads of the same bytes at once both succeed, into one stored tree', async () => {
    const { store, root } = isolatedStore();
    const zip = await makeZip({ 'index.js': 'x', 'lib/a.js': 'a' });
    const [a, b, c] = await Promise.all([store.put(zip), store.put(zip), store.put(zip)]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(readdirSync(root).sort()).toEqual([a.key, `${a.key}.size`, `${a.key}.zip`]);
  });

  it('refuses an empty zip as AWS does', async () => {
    const { store } = isolatedStore();
    await expect(store.put(rawZip([]))).rejects.toMatchObject({ code: 'InvalidParameterValueException', message: 'Uploaded file must be a non-empty zip' });
  });
});

describe('extraction never writes through a symlink', () => {
  it('refuses the link chain a/b -> .., a/b/c -> .., a/b/c/d -> .. + a/b/c/d/ESCAPED.txt; nothing is written outside', async () => {
    const { top, root, store } = isolatedStore();
    const zip = await makeZip({ 'a/b': link('..'), 'a/b/c': link('..'), 'a/b/c/d': link('..'), 'a/b/c/d/ESCAPED.txt': 'pwned' });
    await expect(store.put(zip)).rejects.toMatchObject({ code: 'InvalidParameterValueException' });
    expect(walk(top).map((p) => p.slice(top.length))).toEqual(['/data', '/data/code']);
    expect(walk(root)).toEqual([]); // the half-extracted tree is gone too
  });

  it('refuses the chain without the file, too (the links alone leave the root)', async () => {
    const { top, store } = isolatedStore();
    await expect(store.put(await makeZip({ 'a/b': link('..'), 'a/b/c': link('..') }))).rejects.toThrow(/inside the symlink "a\/b"/);
    expect(walk(top).map((p) => p.slice(top.length))).toEqual(['/data', '/data/code']);
  });

  it('resolves links part by part: u -> . plus v -> u/.. passes a lexical check but leaves the root', async () => {
    const { store } = isolatedStore();
    await expect(store.put(await makeZip({ u: link('.'), v: link('u/..'), 'index.js': 'x' }))).rejects.toThrow(/"v" is a symlink to "u\/\.\.", outside the package root/);
    await expect(store.put(await makeZip({ 'd/e': link('../..') }))).rejects.toThrow(/outside the package root/);
    await expect(store.put(await makeZip({ abs: link('/etc/passwd') }))).rejects.toThrow(/outside the package root/);
    await expect(store.put(await makeZip({ p: link('q'), q: link('p') }))).rejects.toThrow(/never resolves/);
  });

  it('keeps links that stay inside, including chains and links to folders', async () => {
    const { store } = isolatedStore();
    const stored = await store.put(await makeZip({ 'lib/v1/a.js': 'A', 'lib/current': link('v1'), 'a.js': link('lib/current/a.js'), 'up/here': link('..'), dangling: link('nothing/here') }));
    const dir = store.dir(stored.key);
    expect(readFileSync(join(dir, 'a.js'), 'utf8')).toBe('A');
    expect(readlinkSync(join(dir, 'up/here'))).toBe('..');
    expect(readlinkSync(join(dir, 'dangling'))).toBe('nothing/here');
  });

  it('refuses a file that clashes with a folder and an entry inside a file', async () => {
    const { store } = isolatedStore();
    await expect(store.put(await makeZip({ 'a/b': 'x', a: 'y' }))).rejects.toThrow(/both a file and a folder/);
    await expect(store.put(rawZip([{ name: 'a', data: Buffer.from('y') }, { name: 'a/b', data: Buffer.from('x') }]))).rejects.toThrow(/needs "a" to be a folder/);
    await expect(store.put(rawZip([{ name: 'a', data: Buffer.from('x') }, { name: 'a', data: Buffer.from('x'), mode: 0o120777 }]))).rejects.toThrow(/both a symlink and a file/);
  });

  it('a repeated name: the later entry wins', async () => {
    const { store } = isolatedStore();
    const stored = await store.put(rawZip([{ name: 'f', data: Buffer.from('one') }, { name: 'f', data: Buffer.from('two') }]));
    expect(readFileSync(join(store.dir(stored.key), 'f'), 'utf8')).toBe('two');
  });
});

describe('modes', () => {
  it('files and folders keep the zip\'s rwx bits; setuid, setgid and sticky are dropped; entries without unix modes get 0644 / 0755', async () => {
    const { store } = isolatedStore();
    const stored = await store.put(rawZip([
      { name: 'secret.txt', data: Buffer.from('s'), mode: 0o100600 },
      { name: 'group.txt', data: Buffer.from('g'), mode: 0o100640 },
      { name: 'suid', data: Buffer.from('x'), mode: 0o106755 },
      { name: 'private/', mode: 0o41700 },
      { name: 'private/f', data: Buffer.from('f'), mode: 0o100644 },
      { name: 'windows.txt', data: Buffer.from('w'), mode: 0 },
      { name: 'windir/', mode: 0 },
      { name: 'implicit/f.txt', data: Buffer.from('i'), mode: 0 },
    ]));
    const dir = store.dir(stored.key);
    const mode = (p: string) => statSync(join(dir, p)).mode & 0o7777;
    expect(mode('secret.txt')).toBe(0o600);
    expect(mode('group.txt')).toBe(0o640);
    expect(mode('suid')).toBe(0o755);
    expect(mode('private')).toBe(0o700);
    expect(mode('windows.txt')).toBe(0o644);
    expect(mode('windir')).toBe(0o755);
    expect(mode('implicit')).toBe(0o755);
    expect(mode('.')).toBe(0o755);
  });
});

describe('size and entry caps', () => {
  it('a deflate bomb whose sizes lie is stopped while streaming, without buffering it', async () => {
    const { root } = isolatedStore();
    const bomb = zeroBomb(300); // 300 MB of zeros in ~300 KB
    const zip = rawZip([{ name: 'bomb', compressed: bomb, data: Buffer.alloc(0), declaredSize: 1000, crc: 0 }]);
    const rss = process.memoryUsage().rss;
    const started = Date.now();
    await expect(extractZip(zip, join(root, 'x'))).rejects.toMatchObject({ code: 'InvalidParameterValueException' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 1024 * 1024);
    expect(statSync(join(root, 'x', 'bomb')).size).toBeLessThanOrEqual(1000);
  });

  it('a large entry is streamed to disk byte-exact; a large lying one stops at its declared size', async () => {
    const { root } = isolatedStore();
    const big = Buffer.alloc(3 * 1024 * 1024, 'lambda');
    expect(await extractZip(rawZip([{ name: 'big.bin', data: big }]), join(root, 'ok'))).toBe(big.length);
    expect(readFileSync(join(root, 'ok', 'big.bin')).equals(big)).toBe(true);
    const rss = process.memoryUsage().rss;
    const liar = rawZip([{ name: 'bomb', compressed: zeroBomb(200), data: Buffer.alloc(0), declaredSize: 2 * 1024 * 1024, crc: 0 }]);
    await expect(extractZip(liar, join(root, 'bomb'))).rejects.toMatchObject({ code: 'InvalidParameterValueException' });
    expect(statSync(join(root, 'bomb', 'bomb')).size).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 1024 * 1024);
  });

  it('the streaming path counts written bytes against the cap as the in-memory one does', async () => {
    const { root } = isolatedStore();
    const entries = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: Buffer.alloc(300, i) }));
    await expect(extractZip(rawZip(entries), join(root, 's'), { maxBytes: 1000, maxEntries: 10, inMemoryBytes: 0 })).rejects.toThrow('Unzipped size must be smaller than 1000 bytes');
    expect(await extractZip(rawZip(entries), join(root, 't'), { maxBytes: 1500, maxEntries: 10, inMemoryBytes: 0 })).toBe(1500);
    expect(readFileSync(join(root, 't', 'f4')).equals(Buffer.alloc(300, 4))).toBe(true);
  });

  it('an honest entry over 250 MB is refused before a byte of it is written', async () => {
    const { root } = isolatedStore();
    const zip = rawZip([{ name: 'big', compressed: zeroBomb(1), data: Buffer.alloc(0), declaredSize: MAX_UNZIPPED_BYTES + 1, crc: 0 }]);
    await expect(extractZip(zip, join(root, 'x'))).rejects.toThrow(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
    expect(readdirSync(join(root, 'x'))).toEqual([]);
  });

  it('counts the bytes actually written across entries, and the entry count', async () => {
    const { root } = isolatedStore();
    const entries = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: Buffer.alloc(300) }));
    await expect(extractZip(rawZip(entries), join(root, 'a'), { maxBytes: 1000, maxEntries: 10 })).rejects.toThrow('Unzipped size must be smaller than 1000 bytes');
    expect(walk(join(root, 'a')).reduce((n, p) => n + statSync(p).size, 0)).toBeLessThanOrEqual(1000);
    await expect(extractZip(rawZip(entries), join(root, 'b'), { maxBytes: 10_000, maxEntries: 4 })).rejects.toThrow('more than 4 entries');
    expect(await extractZip(rawZip(entries), join(root, 'c'), { maxBytes: 1500, maxEntries: 5 })).toBe(1500);
  });
});
