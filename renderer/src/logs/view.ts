// What the panel lists: the positions of the buffer's lines that pass the
// panel's filter, kept current incrementally (new lines are filtered as they
// come, evicted ones trimmed from the front, older pages filtered and put in
// front). Only a filter change or a buffer rebuild filters the whole ring.
import type { LogBuffer } from './buffer.js';
import { compileFilter, type CompiledFilter, type FilterSpec } from './filter.js';

export interface SyncResult {
  /** Matching lines added at the end since the last sync. */
  appended: number;
  /** Matching lines put in front (an older page). */
  prepended: number;
  /** Matching lines that fell off the front. */
  trimmed: number;
  /** Everything was filtered again (the filter or the buffer's numbering changed). */
  refiltered: boolean;
}

export class LogView {
  readonly list = new PosList();
  private filter: CompiledFilter;
  private spec: FilterSpec = {};
  private specKey = '';
  private seenGeneration = -1;
  private seenBase = 0;
  private seenEnd = 0;
  /** The last full filter's duration (ms): the panel shows it, the tests bound it. */
  lastFilterMs = 0;

  constructor(private readonly buffer: LogBuffer) {
    this.filter = compileFilter(buffer, this.spec);
  }

  get length(): number {
    return this.list.length;
  }

  posAt(i: number): number {
    return this.list.at(i);
  }

  /** Changes the filter (a no-op when it is the same); the next sync filters everything again. */
  setFilter(spec: FilterSpec): void {
    const key = JSON.stringify(spec);
    if (key === this.specKey) return;
    this.spec = spec;
    this.specKey = key;
    this.seenGeneration = -1;
  }

  /** Brings the list up to the buffer's contents. Cheap when nothing changed. */
  sync(): SyncResult {
    const b = this.buffer;
    const r: SyncResult = { appended: 0, prepended: 0, trimmed: 0, refiltered: false };
    if (this.seenGeneration !== b.generation) {
      // The function (or an env, request, level) may have been interned since the filter was compiled.
      this.filter = compileFilter(b, this.spec);
      const t0 = performance.now();
      this.list.clear();
      b.scan(this.filter, b.base, b.end, this.list);
      this.lastFilterMs = performance.now() - t0;
      r.refiltered = true;
    } else {
      if (this.filter.fn < 0 && this.spec.functionName !== undefined && b.functions.find(this.spec.functionName) >= 0) {
        // The selected function's first lines arrived after the filter was compiled.
        this.filter = compileFilter(b, this.spec);
      }
      r.trimmed = this.list.trimBefore(b.base);
      if (b.base < this.seenBase) {
        const older = new PosList();
        b.scan(this.filter, b.base, this.seenBase, older);
        this.list.prepend(older);
        r.prepended = older.length;
      }
      const from = Math.max(this.seenEnd, b.base);
      const before = this.list.length;
      b.scan(this.filter, from, b.end, this.list);
      r.appended = this.list.length - before;
    }
    this.seenGeneration = b.generation;
    this.seenBase = b.base;
    this.seenEnd = b.end;
    return r;
  }

  /** The list index of the first line of a request (by its interned index), or -1. */
  indexOfRequest(requestIndex: number): number {
    for (let i = 0; i < this.list.length; i++) if (this.buffer.requestAt(this.list.at(i)) === requestIndex) return i;
    return -1;
  }

  /** The list index of a position (or of the first line after it). */
  indexOfPos(pos: number): number {
    return this.list.lowerBound(pos);
  }
}

/** A growable list of positions (ascending), trimmed from the front as the ring evicts. */
export class PosList {
  private a: Float64Array;
  private start = 0;
  private n = 0;

  constructor(initial = 1024) {
    this.a = new Float64Array(initial);
  }

  get length(): number {
    return this.n - this.start;
  }

  at(i: number): number {
    return this.a[this.start + i]!;
  }

  push(pos: number): void {
    if (this.n === this.a.length) {
      const live = this.n - this.start;
      // Compact when half of it is trimmed front, grow otherwise.
      if (live * 2 <= this.a.length) this.a.copyWithin(0, this.start, this.n);
      else {
        const next = new Float64Array(this.a.length * 2);
        next.set(this.a.subarray(this.start, this.n));
        this.a = next;
      }
      this.start = 0;
      this.n = live;
    }
    this.a[this.n++] = pos;
  }

  /** Puts `older` (ascending, all before the first) in front. */
  prepend(older: PosList): void {
    const k = older.length;
    if (k === 0) return;
    if (this.start >= k) {
      this.start -= k;
      for (let i = 0; i < k; i++) this.a[this.start + i] = older.at(i);
      return;
    }
    const live = this.length;
    const next = new Float64Array(Math.max(1024, (live + k) * 2));
    for (let i = 0; i < k; i++) next[i] = older.at(i);
    next.set(this.a.subarray(this.start, this.n), k);
    this.a = next;
    this.start = 0;
    this.n = live + k;
  }

  /** Drops the leading positions below `pos` (evicted lines). */
  trimBefore(pos: number): number {
    const i = this.lowerBound(pos);
    this.start += i;
    return i;
  }

  /** The index of the first position ≥ pos. */
  lowerBound(pos: number): number {
    let lo = this.start;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.a[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.start;
  }

  clear(): void {
    this.start = 0;
    this.n = 0;
  }
}
