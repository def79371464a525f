// Code packages are checked before anything touches the disk: names that
// escape the root and symlinks that point outside are refused.
import { mkdtempSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodeStore, checkEntryName } from '../../main/engine/control/code-store.js';
import { makeZip } from '../helpers/zip.js';

describe('checkEntryName', () => {
  it.each(['../x', 'a/../../x', '/etc/passwd', '..\\x', 'C:/x', 'a/..'])('refuses %s', (name) => {
    expect(() => checkEntryName(name)).toThrow(/absolute|escapes/);
  });
  it.each(['index.js', 'lib/a.js', './b.js', 'a/./c.js'])('accepts %s', (name) => {
    expect(() => checkEntryName(name)).not.toThrow();
  });
});

describe('CodeStore', () => {
  it('stores a package once by content and keeps execute bits and inner symlinks', async () => {
    const store = new CodeStore(mkdtempSync(join(tmpdir(), 'lwb-code-')));
    const zip = await makeZip({
      'bootstrap': { content: '#!/bin/sh\n', mode: 0o100755 },
      'lib/data.txt': 'data',
      'link.txt': { content: 'lib/data.txt', mode: 0o120777 },
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
    const store = new CodeStore(mkdtempSync(join(tmpdir(), 'lwb-code-')));
    await expect(store.put(Buffer.from('not a zip at all'))).rejects.toMatchObject({ code: 'InvalidParameterValueException' });
  });
});
