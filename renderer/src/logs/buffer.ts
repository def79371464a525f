// The window's memory of log lines: a ring of at most `capacity` lines, kept in
// columns (typed arrays plus one array of texts) outside React. Columns instead
// of the LogLine objects the stream delivers because a flood keeps 300,000 of
// them: the function, env and request ids repeat on every line and JSON.parse
// gives each line its own copies, so interning them into small integers keeps
// the ring near 10 bytes a line plus its text, and the filter compares integers.
//
// Lines are ordered by LogLine.id (the order they happened in). Each kept line
// has a position `pos`: base + its index from the oldest. Positions survive
// evictions and prepends (base moves, the others keep theirs), so a view can
// hold positions across frames; only a rebuild (an overlapping merge) renumbers
// them, and says so by bumping `generation`.
import type { LogLine, LogStreamKind } from '../../../main/contract/telemetry.js';
import type { CompiledFilter } from './filter.js';
import { prefixLevel } from './format.js';

export const STREAM_KINDS: readonly LogStreamKind[] = ['stdout', 'stderr', 'platform'];
export const STREAM_CODE: Record<LogStreamKind, number> = { stdout: 0, stderr: 1, platform: 2 };

/** Strings to small integers and back, for columns that repeat a few values. */
export class Interner {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  // Lines come in runs of one function, env and request: the last answer saves the hash lookup.
  private lastValue: string | undefined;
  private lastId = -1;

  id(s: string): number {
    if (s === this.lastValue) return this.lastId;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
    }
    this.lastValue = s;
    this.lastId = i;
    return i;
  }

  find(s: string | undefined): number {
    return s === undefined ? -1 : (this.index.get(s) ?? -1);
  }

  get size(): number {
    return this.values.length;
  }
}

/** One kept line, as a row renders it (made only for the rows on screen). */
export interface KeptLine extends LogLine {
  pos: number;
  envIndex: number;
  requestIndex: number;
}

interface Columns {
  ids: Float64Array;
  ats: Float64Array;
  fns: Int32Array;
  envs: Int32Array;
  reqs: Int32Array;
  streams: Uint8Array;
  /** 0: no level; otherwise the level's interned index + 1. */
  levels: Uint16Array;
  texts: (string | undefined)[];
}

function columns(n: number): Columns {
  return {
    ids: new Float64Array(n),
    ats: new Float64Array(n),
    fns: new Int32Array(n),
    envs: new Int32Array(n),
    reqs: new Int32Array(n),
    streams: new Uint8Array(n),
    levels: new Uint16Array(n),
    texts: new Array<string | undefined>(n),
  };
}

export class LogBuffer {
  readonly capacity: number;
  private c: Columns;
  /** Physical index of the oldest line. */
  private head = 0;
  size = 0;
  /** Position of the oldest line (positions of kept lines never change, except at a rebuild). */
  base = 0;
  /** Bumped when positions were renumbered (an overlapping merge): views refilter. */
  generation = 0;
  readonly functions = new Interner();
  readonly envIds = new Interner();
  readonly requestIds = new Interner();
  readonly levelNames = new Interner();
  /** The function each env belongs to (an env serves one function). */
  readonly envFunction: number[] = [];
  /** Lines that fell off the ring, per function index. */
  readonly dropped: number[] = [];
  droppedTotal = 0;
  /** Lines kept, per function index. */
  private counts: number[] = [];

  constructor(capacity = 300_000) {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.c = columns(this.capacity);
  }

  /** One past the newest line's position. */
  get end(): number {
    return this.base + this.size;
  }

  private phys(pos: number): number {
    return (this.head + (pos - this.base)) % this.capacity;
  }

  get firstId(): number {
    return this.size ? this.c.ids[this.head]! : Infinity;
  }

  get lastId(): number {
    return this.size ? this.c.ids[this.phys(this.end - 1)]! : -Infinity;
  }

  /** Adds lines (live or history, any order, duplicates ignored). Oldest lines fall off past capacity. */
  add(lines: readonly LogLine[]): void {
    if (lines.length === 0) return;
    // The live path: a batch newer than everything kept, in order.
    let ordered = lines[0]!.id > this.lastId;
    for (let i = 1; ordered && i < lines.length; i++) ordered = lines[i]!.id > lines[i - 1]!.id;
    if (ordered) {
      for (const l of lines) this.append(l);
      return;
    }
    const sorted = [...lines].sort((a, b) => a.id - b.id);
    const fresh: LogLine[] = [];
    for (let i = 0; i < sorted.length; i++) {
      const l = sorted[i]!;
      if (i > 0 && sorted[i - 1]!.id === l.id) continue;
      if (this.posOfId(l.id) >= 0) continue;
      fresh.push(l);
    }
    if (fresh.length === 0) return;
    if (fresh[0]!.id > this.lastId) {
      for (const l of fresh) this.append(l);
    } else if (fresh[fresh.length - 1]!.id < this.firstId && this.size + fresh.length <= this.capacity) {
      this.prepend(fresh);
    } else {
      this.merge(fresh);
    }
  }

  private write(p: number, l: LogLine): void {
    const c = this.c;
    const fn = this.functions.id(l.functionName);
    this.counts[fn] = (this.counts[fn] ?? 0) + 1;
    const env = this.envIds.id(l.envId);
    if (this.envFunction[env] === undefined) this.envFunction[env] = fn;
    c.ids[p] = l.id;
    c.ats[p] = l.at;
    c.fns[p] = fn;
    c.envs[p] = env;
    c.reqs[p] = l.requestId ? this.requestIds.id(l.requestId) : -1;
    c.streams[p] = STREAM_CODE[l.stream] ?? 0;
    // The engine names JSON lines' levels; a runtime's text prefix ("...Z\t<id>\tINFO\t") names the others'.
    const level = l.level ?? (l.stream === 'platform' ? undefined : prefixLevel(l.text));
    c.levels[p] = level ? Math.min(this.levelNames.id(level) + 1, 0xffff) : 0;
    c.texts[p] = l.text;
  }

  private append(l: LogLine): void {
    if (this.size === this.capacity) this.evictOldest();
    this.write((this.head + this.size) % this.capacity, l);
    this.size++;
  }

  private evictOldest(): void {
    const fn = this.c.fns[this.head]!;
    this.dropped[fn] = (this.dropped[fn] ?? 0) + 1;
    this.droppedTotal++;
    this.counts[fn] = (this.counts[fn] ?? 1) - 1;
    this.c.texts[this.head] = undefined; // let the string go now, not when the slot is reused
    this.head = (this.head + 1) % this.capacity;
    this.base++;
    this.size--;
  }

  /** Lines all older than the oldest kept, with room for them. */
  private prepend(older: LogLine[]): void {
    for (let i = older.length - 1; i >= 0; i--) {
      this.head = (this.head - 1 + this.capacity) % this.capacity;
      this.write(this.head, older[i]!);
      this.base--;
      this.size++;
    }
  }

  /** Lines that interleave with the kept ones: one linear merge into fresh columns (rare: history after a gap). */
  private merge(fresh: LogLine[]): void {
    const total = this.size + fresh.length;
    const skip = Math.max(0, total - this.capacity); // the oldest of the merged set that do not fit
    const old = this.c;
    const oldHead = this.head;
    const oldSize = this.size;
    const next = columns(this.capacity);
    this.c = next;
    this.head = 0;
    this.size = 0;
    this.counts = [];
    let a = 0;
    let b = 0;
    let n = 0;
    while (a < oldSize || b < fresh.length) {
      const pa = (oldHead + a) % this.capacity;
      const takeOld = b >= fresh.length || (a < oldSize && old.ids[pa]! < fresh[b]!.id);
      if (n++ < skip) {
        const fn = takeOld ? old.fns[pa]! : this.functions.id(fresh[b]!.functionName);
        this.dropped[fn] = (this.dropped[fn] ?? 0) + 1;
        this.droppedTotal++;
        if (takeOld) a++;
        else b++;
        continue;
      }
      const p = this.size++;
      if (takeOld) {
        this.counts[old.fns[pa]!] = (this.counts[old.fns[pa]!] ?? 0) + 1;
        next.ids[p] = old.ids[pa]!;
        next.ats[p] = old.ats[pa]!;
        next.fns[p] = old.fns[pa]!;
        next.envs[p] = old.envs[pa]!;
        next.reqs[p] = old.reqs[pa]!;
        next.streams[p] = old.streams[pa]!;
        next.levels[p] = old.levels[pa]!;
        next.texts[p] = old.texts[pa];
        a++;
      } else {
        this.write(p, fresh[b]!);
        b++;
      }
    }
    this.base = 0;
    this.generation++;
  }

  /** The position of the line with this id, or -1. */
  posOfId(id: number): number {
    let lo = 0;
    let hi = this.size - 1;
    const ids = this.c.ids;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[(this.head + mid) % this.capacity]!;
      if (v === id) return this.base + mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  has(pos: number): boolean {
    return pos >= this.base && pos < this.end;
  }

  idAt(pos: number): number {
    return this.c.ids[this.phys(pos)]!;
  }

  requestAt(pos: number): number {
    return this.c.reqs[this.phys(pos)]!;
  }

  envAt(pos: number): number {
    return this.c.envs[this.phys(pos)]!;
  }

  textAt(pos: number): string {
    return this.c.texts[this.phys(pos)] ?? '';
  }

  line(pos: number): KeptLine | undefined {
    if (!this.has(pos)) return undefined;
    const p = this.phys(pos);
    const c = this.c;
    const req = c.reqs[p]!;
    const level = c.levels[p]!;
    return {
      pos,
      id: c.ids[p]!,
      at: c.ats[p]!,
      functionName: this.functions.values[c.fns[p]!]!,
      envIndex: c.envs[p]!,
      envId: this.envIds.values[c.envs[p]!]!,
      requestIndex: req,
      requestId: req >= 0 ? this.requestIds.values[req] : undefined,
      stream: STREAM_KINDS[c.streams[p]!] ?? 'stdout',
      level: level ? this.levelNames.values[level - 1] : undefined,
      text: c.texts[p] ?? '',
    };
  }

  /** Lines kept of one function. */
  countOf(functionName: string): number {
    const fn = this.functions.find(functionName);
    return fn < 0 ? 0 : (this.counts[fn] ?? 0);
  }

  /** Lines of one function that fell off the ring. */
  droppedOf(functionName: string): number {
    const fn = this.functions.find(functionName);
    return fn < 0 ? 0 : (this.dropped[fn] ?? 0);
  }

  /** The oldest kept line's id of one function (what "load older" asks the engine before), or undefined. */
  firstIdOf(functionName: string): number | undefined {
    const fn = this.functions.find(functionName);
    if (fn < 0) return undefined;
    const c = this.c;
    for (let i = 0; i < this.size; i++) {
      const p = (this.head + i) % this.capacity;
      if (c.fns[p] === fn) return c.ids[p];
    }
    return undefined;
  }

  /** The newest kept line's id of one function (where catching up after a gap starts), or undefined. */
  lastIdOf(functionName: string): number | undefined {
    const fn = this.functions.find(functionName);
    if (fn < 0) return undefined;
    const c = this.c;
    for (let i = this.size - 1; i >= 0; i--) {
      const p = (this.head + i) % this.capacity;
      if (c.fns[p] === fn) return c.ids[p];
    }
    return undefined;
  }

  /** Env indices of one function's lines seen so far, in the order they first appeared. */
  envsOf(functionName: string): number[] {
    const fn = this.functions.find(functionName);
    const out: number[] = [];
    if (fn < 0) return out;
    for (let e = 0; e < this.envFunction.length; e++) if (this.envFunction[e] === fn) out.push(e);
    return out;
  }

  /**
   * Appends to `out` the positions in [from, to) whose line passes `filter`. The one hot loop of the
   * panel (a filter change runs it over the whole ring): integers first, the text last.
   */
  scan(filter: CompiledFilter, from: number, to: number, out: { push(pos: number): void }): void {
    from = Math.max(from, this.base);
    to = Math.min(to, this.end);
    if (filter.fn < 0 || from >= to) return;
    const c = this.c;
    const cap = this.capacity;
    let p = this.phys(from);
    const { fn, envMask, req, levelMask, streamMask, text, foldPlatform } = filter;
    const reqNames = this.requestIds.values;
    for (let pos = from; pos < to; pos++, p = p + 1 === cap ? 0 : p + 1) {
      if (c.fns[p] !== fn) continue;
      if (envMask && !envMask.has(c.envs[p]!)) continue;
      if (req !== undefined && c.reqs[p] !== req) continue;
      if (levelMask && !levelMask.has(c.levels[p]!)) continue;
      if ((streamMask & (1 << c.streams[p]!)) === 0) continue;
      // Folded: a request's START and END go, its REPORT stays as the summary line.
      if (foldPlatform && c.streams[p] === 2 && isStartOrEnd(c.texts[p]!)) continue;
      if (text && !text.test(c.texts[p]!)) {
        const r = c.reqs[p]!;
        if (r < 0 || !filter.requestMatches(r, reqNames)) continue;
      }
      out.push(pos);
    }
  }
}

const isStartOrEnd = (t: string) => t.startsWith('START RequestId') || t.startsWith('END RequestId');
