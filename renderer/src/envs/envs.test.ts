// The Environments panel's pure parts: sorting and filtering the envs, how
// times and sizes read, the /tmp tree built from the init's flat listing, a
// file's head as text or hex, and per-invocation changes merged with live ones.
import { describe, expect, it } from 'vitest';
import type { EnvRecord, TmpChange, TmpEntry } from '../../../main/contract/telemetry.js';
import { bytes, bytesShort, causeLabel, fraction, relative, sortEnvs, stateInfo, visibleEnvs } from './format.js';
import { buildTmpTree, describeHead, hexDump, mergeTmpChanges, visibleRows } from './tmp.js';

const env = (over: Partial<EnvRecord>): EnvRecord => ({
  envId: '0000000000000000',
  functionName: 'orders',
  version: '$LATEST',
  cause: 'first-invoke',
  initializationType: 'on-demand',
  createdAt: 1000,
  state: 'idle',
  stateSince: 1000,
  invocations: 0,
  memoryPeakMb: 0,
  memorySizeMb: 128,
  tmpSizeBytes: 512 * 1024 * 1024,
  network: 'none',
  ...over,
});

describe('env table', () => {
  const a = env({ envId: 'a'.repeat(16), state: 'frozen', createdAt: 3000, invocations: 5, memoryPeakMb: 60 });
  const b = env({ envId: 'b'.repeat(16), state: 'invoking', createdAt: 1000, invocations: 9, memoryPeakMb: 40, functionName: 'thumbs' });
  const c = env({ envId: 'c'.repeat(16), state: 'gone', createdAt: 2000, invocations: 1, endReason: 'forced' });

  it('sorts by a column either way, live states before gone ones', () => {
    expect(sortEnvs([a, b, c], { key: 'invocations', desc: true }).map((e) => e.envId[0])).toEqual(['b', 'a', 'c']);
    expect(sortEnvs([a, b, c], { key: 'invocations', desc: false }).map((e) => e.envId[0])).toEqual(['c', 'a', 'b']);
    expect(sortEnvs([a, b, c], { key: 'created', desc: true }).map((e) => e.envId[0])).toEqual(['a', 'c', 'b']);
    expect(sortEnvs([a, b, c], { key: 'state', desc: false }).map((e) => e.state)).toEqual(['invoking', 'frozen', 'gone']);
    expect(sortEnvs([a, b, c], { key: 'memory', desc: true })[0]).toBe(a);
  });

  it('shows one function or all, with or without the gone ones', () => {
    expect(visibleEnvs([a, b, c], { functionName: 'orders', allFunctions: false, showGone: true })).toEqual([a, c]);
    expect(visibleEnvs([a, b, c], { functionName: 'orders', allFunctions: false, showGone: false })).toEqual([a]);
    expect(visibleEnvs([a, b, c], { functionName: 'orders', allFunctions: true, showGone: false })).toEqual([a, b]);
  });

  it('says states, causes, times and sizes as a person reads them', () => {
    expect(stateInfo('shuttingDown').word).toBe('shutting down');
    expect(stateInfo('frozen').tone).toBe('frozen');
    expect(causeLabel('after-code-change')).toBe('code changed');
    expect(causeLabel('some-new-cause')).toBe('some new cause');
    expect(relative(10_000, 10_500)).toBe('now');
    expect(relative(0, 42_000)).toBe('42 s ago');
    expect(relative(0, 5 * 60_000)).toBe('5 min ago');
    expect(bytes(1536)).toBe('1.5 KB');
    expect(bytes(512 * 1024 * 1024)).toBe('512 MB');
    expect(bytesShort(512 * 1024 * 1024)).toBe('512M');
    expect(bytesShort(1536)).toBe('1.5K');
    expect(fraction(64, 128)).toBe(0.5);
    expect(fraction(5, 0)).toBe(0);
    expect(fraction(500, 128)).toBe(1);
  });
});

describe('/tmp tree', () => {
  const e = (path: string, type: TmpEntry['type'], size = 0, target?: string): TmpEntry => ({ path, type, size, mtimeMs: 0, target });
  const entries = [e('seen.txt', 'file', 1), e('cache', 'dir'), e('cache/a.bin', 'file', 100), e('cache/deep/b.txt', 'file', 20), e('x', 'link', 11, '/etc/shadow')];

  it('nests paths under their directories, directories first, sizes summed up', () => {
    const tree = buildTmpTree(entries);
    expect(tree.map((n) => `${n.name}:${n.type}`)).toEqual(['cache:dir', 'seen.txt:file', 'x:link']);
    const cache = tree[0]!;
    expect(cache.totalBytes).toBe(120);
    // 'cache/deep' is implied by its child's path though not listed itself
    expect(cache.children.map((n) => n.path)).toEqual(['cache/deep', 'cache/a.bin']);
    expect(cache.children[0]!.entry).toBeUndefined();
    expect(tree[2]!.entry?.target).toBe('/etc/shadow');
  });

  it('lists the rows a folded tree shows, in order', () => {
    const tree = buildTmpTree(entries);
    expect(visibleRows(tree, new Set()).map((n) => n.path)).toEqual(['cache', 'cache/deep', 'cache/deep/b.txt', 'cache/a.bin', 'seen.txt', 'x']);
    expect(visibleRows(tree, new Set(['cache'])).map((n) => n.path)).toEqual(['cache', 'seen.txt', 'x']);
  });
});

describe('file heads', () => {
  it('shows UTF-8 text as text, even when the head cut a character in two', () => {
    const bytesOf = new TextEncoder().encode('héllo wörld ✓');
    expect(describeHead(bytesOf)).toEqual({ kind: 'text', text: 'héllo wörld ✓' });
    const cut = describeHead(bytesOf.subarray(0, bytesOf.length - 1));
    expect(cut.kind).toBe('text');
    expect(cut.kind === 'text' && cut.text).toBe('héllo wörld ');
  });

  it('shows binary (a NUL, many control bytes, invalid UTF-8) as a hex dump', () => {
    expect(describeHead(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1])).kind).toBe('hex');
    expect(describeHead(new Uint8Array(Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 1 : 65)))).kind).toBe('hex');
    expect(describeHead(new Uint8Array([0xff, 0xfe, 0x41, 0x41, 0x41, 0x41, 0x41])).kind).toBe('hex');
    expect(hexDump(new TextEncoder().encode('Hello, hex dump!!'))).toEqual([
      '00000000  48 65 6c 6c 6f 2c 20 68 65 78 20 64 75 6d 70 21  |Hello, hex dump!|',
      '00000010  21                                               |!|',
    ]);
  });
});

describe('per-invocation changes', () => {
  const ch = (requestId: string, at: number, added: string[] = []): TmpChange => ({ requestId, at, added: added.map((p) => ({ path: p, type: 'file', size: 1, mtimeMs: at })), modified: [], removed: [] });
  it('merges fetched and live changes by request id, the live one winning, newest first', () => {
    const merged = mergeTmpChanges([ch('r1', 1), ch('r2', 2)], [ch('r2', 2, ['late.txt']), ch('r3', 3)]);
    expect(merged.map((c) => c.requestId)).toEqual(['r3', 'r2', 'r1']);
    expect(merged[1]!.added.map((e) => e.path)).toEqual(['late.txt']);
  });
});
