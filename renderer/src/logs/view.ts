// What the panel lists: the positions of the buffer's lines that pass the
// panel's filter, kept current incrementally (new lines are filtered as they
// come, evicted ones trimmed from the front, older pages filtered and put in
// front). Only a filter change or a buffer rebuild filters the whole ring.
import { compileFilter, PosList, type CompiledFilter, type FilterSpec, type LogBuffer } from './buffer.js';

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
