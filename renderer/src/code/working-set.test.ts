// The working set turns the Code tab's edits into one ordered list of save
// operations; these cases pin what the engine receives.
import { describe, expect, it } from 'vitest';
import type { CodeEntry } from '../../../main/contract/results.js';
import { languageFor } from '../monaco/languages.js';
import { sourcesToPreload } from './sources.js';
import { addFile, addFolder, checkNewPath, dirtyPaths, emptyWorkingSet, hasChanges, remove, rename, saveOps, sortEntries, type WorkingSet } from './working-set.js';

const file = (path: string, extra: Partial<CodeEntry> = {}): CodeEntry => ({ path, kind: 'file', size: 10, binary: false, mode: 0o644, ...extra });
const dir = (path: string): CodeEntry => ({ path, kind: 'dir', size: 0, binary: false, mode: 0o755 });

function loaded(ws: WorkingSet, path: string, text: string): WorkingSet {
  return { ...ws, files: { ...ws.files, [path]: { original: text, text } } };
}
const edit = (ws: WorkingSet, path: string, text: string): WorkingSet => ({ ...ws, files: { ...ws.files, [path]: { ...ws.files[path]!, text } } });

describe('working set', () => {
  const base = () => loaded(emptyWorkingSet([file('index.mjs'), dir('lib'), file('lib/db.mjs'), file('lib/util.mjs')]), 'index.mjs', 'a');

  it('has nothing to save until something changes, and an undone edit is clean again', () => {
    let ws = base();
    expect(hasChanges(ws)).toBe(false);
    expect(saveOps(ws)).toEqual([]);
    ws = edit(ws, 'index.mjs', 'b');
    expect(saveOps(ws)).toEqual([{ op: 'write', path: 'index.mjs', content: 'b' }]);
    expect([...dirtyPaths(ws)]).toEqual(['index.mjs']);
    ws = edit(ws, 'index.mjs', 'a');
    expect(hasChanges(ws)).toBe(false);
  });

  it('sends structure in the order it was made, then the texts at their new paths', () => {
    let ws = edit(base(), 'index.mjs', 'b');
    ws = rename(ws, 'index.mjs', 'main.mjs');
    ws = addFolder(ws, 'assets');
    ws = remove(ws, 'lib/util.mjs');
    ws = addFile(ws, 'lib/new.mjs', 'n');
    expect(saveOps(ws)).toEqual([
      { op: 'rename', from: 'index.mjs', to: 'main.mjs' },
      { op: 'mkdir', path: 'assets' },
      { op: 'delete', path: 'lib/util.mjs' },
      { op: 'write', path: 'lib/new.mjs', content: 'n' },
      { op: 'write', path: 'main.mjs', content: 'b' },
    ]);
    expect(ws.entries.map((e) => e.path)).toEqual(['assets', 'lib', 'lib/db.mjs', 'lib/new.mjs', 'main.mjs']);
    expect([...dirtyPaths(ws)].sort()).toEqual(['assets', 'lib', 'lib/new.mjs', 'main.mjs']);
  });

  it('a file made and dropped before a save never reaches the engine', () => {
    let ws = addFile(base(), 'tmp/scratch.mjs', 'x');
    expect(ws.entries.some((e) => e.path === 'tmp' && e.isNew)).toBe(true);
    ws = rename(ws, 'tmp/scratch.mjs', 'tmp/s2.mjs');
    ws = remove(ws, 'tmp');
    expect(saveOps(ws)).toEqual([]);
    expect(ws.entries.map((e) => e.path)).toEqual(['lib', 'lib/db.mjs', 'lib/util.mjs', 'index.mjs']);
  });

  it('a new empty folder renamed before saving is created under its final name', () => {
    let ws = addFolder(base(), 'asets');
    ws = rename(ws, 'asets', 'assets');
    expect(saveOps(ws)).toEqual([{ op: 'mkdir', path: 'assets' }]);
  });

  it('renaming a folder moves what is inside, texts included', () => {
    let ws = loaded(base(), 'lib/db.mjs', 'db');
    ws = edit(ws, 'lib/db.mjs', 'db2');
    ws = rename(ws, 'lib', 'src');
    expect(ws.entries.map((e) => e.path)).toEqual(['src', 'src/db.mjs', 'src/util.mjs', 'index.mjs']);
    expect(saveOps(ws)).toEqual([
      { op: 'rename', from: 'lib', to: 'src' },
      { op: 'write', path: 'src/db.mjs', content: 'db2' },
    ]);
  });

  it('deleting a folder deletes once, with whatever was edited inside', () => {
    let ws = loaded(base(), 'lib/db.mjs', 'db');
    ws = edit(ws, 'lib/db.mjs', 'changed');
    ws = remove(ws, 'lib');
    expect(saveOps(ws)).toEqual([{ op: 'delete', path: 'lib' }]);
  });

  it('refuses names that exist, climb out, or go through a file', () => {
    const ws = base();
    expect(checkNewPath(ws, 'index.mjs')).toMatch(/already exists/);
    expect(checkNewPath(ws, '../x')).toMatch(/relative/);
    expect(checkNewPath(ws, 'a//b')).toMatch(/relative/);
    expect(checkNewPath(ws, 'index.mjs/x')).toMatch(/is a file/);
    expect(checkNewPath(ws, 'lib/x.mjs')).toBeUndefined();
  });

  it('lists folders before files at every level', () => {
    const sorted = sortEntries([file('b.js'), file('a/z.js'), dir('a'), file('A.md'), dir('a/b'), file('a/b/c.js')]);
    expect(sorted.map((e) => e.path)).toEqual(['a', 'a/b', 'a/b/c.js', 'a/z.js', 'A.md', 'b.js']);
  });
});

describe('languages', () => {
  it('by extension, and a bootstrap by its shebang', () => {
    expect(['a.js', 'a.mjs', 'a.cjs', 'a.ts', 'a.mts', 'a.cts', 'x.py', 'p.json', 't.yaml', 't.yml', 's.sh', 'README.md'].map((p) => languageFor(p))).toEqual([
      'javascript', 'javascript', 'javascript', 'typescript', 'typescript', 'typescript', 'python', 'json', 'yaml', 'yaml', 'shell', 'plaintext',
    ]);
    expect(languageFor('bootstrap', '#!/bin/bash')).toBe('shell');
    expect(languageFor('bootstrap')).toBe('shell');
    expect(languageFor('run', '#!/usr/bin/env python3')).toBe('python');
    expect(languageFor('LICENSE')).toBe('plaintext');
  });
});

describe('sources the type checker reads', () => {
  it('skips dependencies, build outputs, binaries and large files', () => {
    const entries = [file('index.ts'), file('node_modules/x/index.js'), file('dist/index.js', { generated: true }), file('logo.png', { binary: true }), file('big.js', { size: 10_000_000 }), file('data.json'), file('README.md')];
    expect(sourcesToPreload(entries)).toEqual(['index.ts', 'data.json']);
  });
});
