// The host's view of an env's /tmp from the init's TMP listings: per-invocation changes
// (added, modified, removed), no change for an equal listing, truncated listings that never
// report what lies past their cut, and a bounded change log.
import { describe, expect, it } from 'vitest';
import { MAX_CHANGE_ENTRIES, MAX_CHANGES, TmpTracker, type TmpListing } from '../../main/engine/telemetry/tmp-tracker.js';
import type { TmpEntry } from '../../main/contract/telemetry.js';

const file = (path: string, size = 1, mtimeMs = 1000): TmpEntry => ({ path, type: 'file', size, mtimeMs });
const dir = (path: string, mtimeMs = 1000): TmpEntry => ({ path, type: 'dir', size: 4096, mtimeMs });
const link = (path: string, target: string): TmpEntry => ({ path, type: 'link', size: target.length, mtimeMs: 1000, target });
const listing = (requestId: string, entries: TmpEntry[], truncated = false, usedBytes = 4096): TmpListing => ({ requestId, usedBytes, sizeBytes: 500_000_000, truncated, entries });

describe('TmpTracker', () => {
  it('shows an empty /tmp of the configured size before any listing', () => {
    const t = new TmpTracker('e1', 512 * 1024 * 1024);
    expect(t.view()).toEqual({ envId: 'e1', available: true, usedBytes: 0, sizeBytes: 512 * 1024 * 1024, entries: [], truncated: false });
    expect(t.changes()).toEqual([]);
  });

  it('reports what each invocation added, modified and removed', () => {
    const t = new TmpTracker('e1', 1);
    const first = t.onListing(listing('r1', [file('seen.txt', 5)]), 10);
    expect(first).toEqual({ requestId: 'r1', at: 10, added: [file('seen.txt', 5)], modified: [], removed: [] });

    // Same size, newer mtime: modified. A type change (file -> dir) and a link retargeted too.
    t.onListing(listing('r2', [file('seen.txt', 5), file('a'), link('l', '/etc/shadow')]), 20);
    const third = t.onListing(listing('r3', [file('seen.txt', 5, 2000), dir('a'), link('l', '/etc/passwd')]), 30);
    expect(third).toEqual({ requestId: 'r3', at: 30, added: [], modified: [file('seen.txt', 5, 2000), dir('a'), link('l', '/etc/passwd')], removed: [] });

    const fourth = t.onListing(listing('r4', [dir('a'), dir('a/sub'), link('l', '/etc/passwd')]), 40);
    expect(fourth).toEqual({ requestId: 'r4', at: 40, added: [dir('a/sub')], modified: [], removed: ['seen.txt'] });

    expect(t.changes().map((c) => c.requestId)).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(t.view()).toMatchObject({ requestId: 'r4', asOf: 40, usedBytes: 4096, sizeBytes: 500_000_000, truncated: false, entries: [dir('a'), dir('a/sub'), link('l', '/etc/passwd')] });
  });

  it('a listing equal to the previous one is no change (only the view moves on)', () => {
    const t = new TmpTracker('e1', 1);
    t.onListing(listing('r1', [file('x', 3)]), 10);
    expect(t.onListing(listing('r2', [file('x', 3)], false, 8192), 20)).toBeUndefined();
    expect(t.changes()).toHaveLength(1);
    expect(t.view()).toMatchObject({ requestId: 'r2', asOf: 20, usedBytes: 8192 });
    // An empty first listing is no change either.
    expect(new TmpTracker('e2', 1).onListing(listing('r1', []), 1)).toBeUndefined();
  });

  it('a truncated listing never reports removals of entries past its cut, nor adds them again later', () => {
    const t = new TmpTracker('e1', 1);
    const all = Array.from({ length: 10 }, (_, i) => file(`f${i}`));
    t.onListing(listing('r1', all), 10);
    // The init stopped at 4 entries: f4..f9 are past the cut, not gone; f0 changed.
    const cut = t.onListing(listing('r2', [file('f0', 2), ...all.slice(1, 4)], true), 20);
    expect(cut).toEqual({ requestId: 'r2', at: 20, added: [], modified: [file('f0', 2)], removed: [] });
    expect(t.view()).toMatchObject({ truncated: true, entries: [file('f0', 2), ...all.slice(1, 4)] });
    // Another cut shows f5..f8 (they were there all along): nothing added.
    expect(t.onListing(listing('r3', [file('f0', 2), ...all.slice(5, 9)], true), 30)).toBeUndefined();
    // A complete listing again: what is missing now is removed, once.
    const whole = t.onListing(listing('r4', [file('f0', 2), ...all.slice(1, 8)]), 40);
    expect(whole).toEqual({ requestId: 'r4', at: 40, added: [], modified: [], removed: ['f8', 'f9'] });
  });

  it('keeps the newest 200 changes, and at most 10,000 entries of them', () => {
    const t = new TmpTracker('e1', 1);
    for (let i = 0; i < MAX_CHANGES + 50; i++) t.onListing(listing(`r${i}`, [file('x', 1, i)]), i);
    const kept = t.changes();
    expect(kept).toHaveLength(MAX_CHANGES);
    expect(kept[0]!.requestId).toBe('r50');
    expect(kept.at(-1)!.requestId).toBe(`r${MAX_CHANGES + 49}`);

    const big = new TmpTracker('e2', 1);
    for (let i = 0; i < 6; i++) big.onListing(listing(`r${i}`, Array.from({ length: 2000 }, (_, k) => file(`f${k}`, 1, i))), i);
    const weights = big.changes().map((c) => c.added.length + c.modified.length + c.removed.length);
    expect(weights.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(MAX_CHANGE_ENTRIES);
    expect(big.changes().at(-1)!.requestId).toBe('r5');
  });

  it('the view and the changes are copies: callers cannot rewrite its history', () => {
    const t = new TmpTracker('e1', 1);
    const entries = [file('a')];
    t.onListing(listing('r1', entries), 1);
    entries.push(file('b'));
    t.view().entries.push(file('c'));
    t.changes().pop();
    expect(t.view().entries).toEqual([file('a')]);
    expect(t.changes()).toHaveLength(1);
  });
});
