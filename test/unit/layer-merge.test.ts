// Layers are merged into an env's /opt on the host, as root: whatever the
// layers hold, the merge must stay inside the env's folder. Three layers that
// are each harmless (every link points inside its own tree) used to combine
// into a link that led out of the folder, and the next layer was then written
// (and an existing host file deleted) through it.
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CodeStore } from '../../main/engine/control/code-store.js';
import { makeZip } from '../helpers/zip.js';
import { walk } from '../helpers/walk.js';

const link = (target: string) => ({ content: target, mode: 0o120777 });

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tempTop = () => {
  const dir = mkdtempSync(join(tmpdir(), 'lwb-merge-'));
  made.push(dir);
  return dir;
};


describe('merging layers into an env folder', () => {
  it('never writes or deletes outside the folder, whatever the layers link to', async () => {
    const top = tempTop();
    const store = new CodeStore(join(top, 'store'));
    const opt = join(top, 'env', 'opt'); // as a sandbox's /opt: two levels below `top`
    mkdirSync(opt, { recursive: true });
    // A host file the merged layers would reach through `opt/x -> ../..`.
    mkdirSync(join(top, 'victim'));
    writeFileSync(join(top, 'victim', 'sentinel.txt'), 'keep');
    const sentinelIno = statSync(join(top, 'victim', 'sentinel.txt')).ino;

    const layers = [
      await makeZip({ a: link('.') }), // a -> . : inside
      await makeZip({ 'a/a/x': link('../..') }), // a/a/x -> ../.. : the layer's own root
      await makeZip({ 'x/victim/sentinel.txt': 'from a layer', 'x/victim/new.txt': 'new' }),
    ];
    const keys = [];
    for (const zip of layers) keys.push((await store.put(zip)).key);
    const before = walk(top).filter((p) => !p.startsWith(opt + '/'));
    for (const key of keys) store.place(key, opt);

    expect(readFileSync(join(top, 'victim', 'sentinel.txt'), 'utf8')).toBe('keep');
    expect(statSync(join(top, 'victim', 'sentinel.txt')).ino).toBe(sentinelIno);
    const after = walk(top).filter((p) => !p.startsWith(opt + '/'));
    expect(after.map((p) => relative(top, p)).sort()).toEqual(before.map((p) => relative(top, p)).sort());

    // A later layer's folder replaced the earlier layer's link (the link itself, not what it points at).
    expect(lstatSync(join(opt, 'a')).isDirectory()).toBe(true);
    expect(readlinkSync(join(opt, 'a/a/x'))).toBe('../..');
    expect(lstatSync(join(opt, 'x')).isDirectory()).toBe(true);
    expect(readFileSync(join(opt, 'x/victim/sentinel.txt'), 'utf8')).toBe('from a layer');
  });

  it('a later layer replaces an earlier one\'s link, file or folder by its own entry', async () => {
    const top = tempTop();
    const store = new CodeStore(join(top, 'store'));
    const opt = join(top, 'opt');
    mkdirSync(join(top, 'outside'));
    writeFileSync(join(top, 'outside', 'f'), 'keep');
    // The first layer's links point inside its own tree; the merge must not write through them.
    const first = await store.put(await makeZip({ 'real/f': 'one', dirlink: link('real'), filelink: link('real/f'), folder: { dir: 0o40755 }, 'folder/g': 'g', plain: 'p' }));
    const second = await store.put(await makeZip({ 'dirlink/f': 'two', filelink: 'three', folder: 'now a file', 'plain/h': 'now a folder' }));
    store.place(first.key, opt);
    store.place(second.key, opt);
    expect(readFileSync(join(opt, 'real/f'), 'utf8')).toBe('one');
    expect(lstatSync(join(opt, 'dirlink')).isDirectory()).toBe(true);
    expect(readFileSync(join(opt, 'dirlink/f'), 'utf8')).toBe('two');
    expect(lstatSync(join(opt, 'filelink')).isFile()).toBe(true);
    expect(readFileSync(join(opt, 'filelink'), 'utf8')).toBe('three');
    expect(readFileSync(join(opt, 'folder'), 'utf8')).toBe('now a file');
    expect(readFileSync(join(opt, 'plain/h'), 'utf8')).toBe('now a folder');
    expect(readFileSync(join(top, 'outside', 'f'), 'utf8')).toBe('keep');
  });
});
