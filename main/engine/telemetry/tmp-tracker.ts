// One env's /tmp as the host knows it: the init lists /tmp after each
// invocation (a TMP frame, sent only when the listing changed; see
// runtimes/init/PROTOCOL.md), and this turns those listings into the view the
// window browses and the per-invocation changes (added, modified, removed).
// Pure: no I/O, no clock (the caller says when a listing arrived).
import type { TmpChange, TmpEntry, TmpView } from '../../contract/telemetry.js';

/** A TMP frame's content (channel.ts's `tmp` message). */
export interface TmpListing {
  requestId: string;
  usedBytes: number;
  sizeBytes: number;
  truncated: boolean;
  entries: TmpEntry[];
}

/** Changes kept per env: the newest 200, and no more entries in all than this (a change may list 4,000). */
export const MAX_CHANGES = 200;
export const MAX_CHANGE_ENTRIES = 10_000;

const sameEntry = (a: TmpEntry, b: TmpEntry): boolean => a.type === b.type && a.size === b.size && a.mtimeMs === b.mtimeMs && a.target === b.target;
const weight = (c: TmpChange): number => c.added.length + c.modified.length + c.removed.length;

export class TmpTracker {
  /** What the last listing showed, in the init's order. */
  private last: TmpListing | undefined;
  private lastAt: number | undefined;
  /**
   * Every entry known to exist, by path: the last complete listing's, plus what truncated
   * listings since added or changed. A truncated listing says nothing of the entries past its
   * cut, so they are kept (never reported removed, nor added again when a later listing shows them).
   */
  private known = new Map<string, TmpEntry>();
  private log: TmpChange[] = [];
  private logWeight = 0;

  constructor(
    readonly envId: string,
    /** The env's ephemeral storage in bytes, shown until the first listing gives the filesystem's own size. */
    private readonly sizeBytes: number,
  ) {}

  /** Takes a listing; what changed since the previous one, or undefined when no entry did. */
  onListing(msg: TmpListing, at: number): TmpChange | undefined {
    const added: TmpEntry[] = [];
    const modified: TmpEntry[] = [];
    const removed: string[] = [];
    const seen = new Map<string, TmpEntry>();
    for (const e of msg.entries) {
      seen.set(e.path, e);
      const before = this.known.get(e.path);
      if (!before) added.push(e);
      else if (!sameEntry(before, e)) modified.push(e);
    }
    if (msg.truncated) {
      for (const [path, e] of seen) this.known.set(path, e);
    } else {
      for (const path of this.known.keys()) if (!seen.has(path)) removed.push(path);
      this.known = seen;
    }
    this.last = { ...msg, entries: msg.entries.slice() };
    this.lastAt = at;
    if (added.length === 0 && modified.length === 0 && removed.length === 0) return undefined;
    const change: TmpChange = { requestId: msg.requestId, at, added, modified, removed };
    this.remember(change);
    return change;
  }

  /** The env's /tmp as of its last listing (empty, of the configured size, before any). */
  view(): TmpView {
    const l = this.last;
    if (!l) return { envId: this.envId, available: true, usedBytes: 0, sizeBytes: this.sizeBytes, entries: [], truncated: false };
    return {
      envId: this.envId,
      available: true,
      usedBytes: l.usedBytes,
      sizeBytes: l.sizeBytes || this.sizeBytes,
      asOf: this.lastAt,
      requestId: l.requestId,
      entries: l.entries.slice(),
      truncated: l.truncated,
    };
  }

  /** The newest changes, oldest first (at most MAX_CHANGES, and MAX_CHANGE_ENTRIES entries in all). */
  changes(): TmpChange[] {
    return this.log.slice();
  }

  private remember(change: TmpChange): void {
    this.log.push(change);
    this.logWeight += weight(change);
    while (this.log.length > MAX_CHANGES || (this.logWeight > MAX_CHANGE_ENTRIES && this.log.length > 1)) {
      this.logWeight -= weight(this.log.shift()!);
    }
  }
}
