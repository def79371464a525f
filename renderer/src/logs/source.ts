// Where the Logs panel's lines come from: the window's one telemetry feed
// (`logs` events, live, every function) and the engine's history
// (`telemetry.logs`: the newest page of a function when the panel first shows
// it, older pages when the user scrolls to the top). Both go into one LogBuffer
// for the window, which lives as long as the window does: switching dock tabs
// or functions loses nothing. React sees none of it but a FrameVersion bumped
// at most once per animation frame.
import type { ContractError, LogLine, Page, Result } from '../../../main/contract/index.js';
import { api } from '../client.js';
import { addTelemetrySink } from '../telemetry/feed.js';
import { FrameVersion } from '../telemetry/frame-version.js';
import { LogBuffer } from './buffer.js';

/** Lines the window keeps (all functions together); the oldest fall off past it. */
export const BUFFER_LINES = 300_000;
/** A history page: the newest lines on open, then this many older ones per "load older". */
export const PAGE_LINES = 5000;
/** Catching up after a gap reads pages this big, at most enough of them to fill the buffer. */
const CATCH_UP_PAGE = 10_000;

export interface FunctionHistory {
  state: 'idle' | 'loading' | 'loaded' | 'error';
  /** The engine holds older lines of this function than the window does. */
  more: boolean;
  loadingOlder: boolean;
  error?: ContractError;
  /** A gap came while a read was running: catch up again after it. */
  catchUpAgain?: boolean;
}

export class LogSource {
  readonly buffer: LogBuffer;
  readonly version = new FrameVersion();
  private readonly histories = new Map<string, FunctionHistory>();
  private stop: (() => void) | undefined;
  /** The function last opened: a gap re-reads its history at once, the others' when next opened. */
  private current: string | undefined;
  /** Live lines received (for the panel's status and the speed specs). */
  liveLines = 0;

  constructor(capacity = BUFFER_LINES) {
    this.buffer = new LogBuffer(capacity);
  }

  /** Follows the telemetry feed (idempotent; never stops: the buffer is the window's memory of logs). */
  start(): void {
    this.stop ??= addTelemetrySink({
      event: (e) => {
        if (e.type !== 'logs' || e.lines.length === 0) return;
        this.liveLines += e.lines.length;
        this.buffer.add(e.lines);
        this.version.bump();
      },
      reset: () => {
        // Frames were missed: the function on screen reads what it missed now, the others their
        // newest page when next opened (merged by id either way).
        for (const [name, h] of this.histories) if (name !== this.current && h.state !== 'loading') h.state = 'idle';
        if (this.current) void this.catchUp(this.current);
        this.version.bump();
      },
    });
  }

  history(functionName: string): FunctionHistory {
    let h = this.histories.get(functionName);
    if (!h) {
      h = { state: 'idle', more: false, loadingOlder: false };
      this.histories.set(functionName, h);
    }
    return h;
  }

  /** The panel shows this function: reads its newest page once (again after a gap). */
  async open(functionName: string): Promise<void> {
    this.current = functionName;
    const h = this.history(functionName);
    if (h.state === 'loading' || h.state === 'loaded') return;
    h.state = 'loading';
    h.error = undefined;
    this.version.bump();
    const r = await api.request('telemetry.logs', { name: functionName, limit: PAGE_LINES });
    if (r.ok) {
      this.addHistory(r.value.items);
      h.state = 'loaded';
      h.more = r.value.more;
    } else {
      h.state = 'error';
      h.error = r.error;
    }
    this.version.bump();
  }

  /**
   * Reads the lines after the newest one the window has of this function, page by page, until it
   * has them all (or as many as the buffer holds: past that a hole stays before the newest lines).
   */
  async catchUp(functionName: string): Promise<void> {
    const h = this.history(functionName);
    if (h.state === 'loading') {
      h.catchUpAgain = true; // a gap while reading: read again once this read is done
      return;
    }
    let after: number | undefined = this.buffer.lastIdOf(functionName);
    if (after === undefined) {
      h.state = 'idle';
      return this.open(functionName);
    }
    h.state = 'loading';
    h.error = undefined;
    this.version.bump();
    for (let read = 0; read < this.buffer.capacity; ) {
      const r: Result<Page<LogLine>> = await api.request('telemetry.logs', { name: functionName, afterId: after, limit: CATCH_UP_PAGE });
      if (!r.ok) {
        h.state = 'error';
        h.error = r.error;
        break;
      }
      this.buffer.add(r.value.items);
      this.version.bump();
      read += r.value.items.length;
      const last: LogLine | undefined = r.value.items[r.value.items.length - 1];
      if (!r.value.more || !last) break;
      after = last.id;
    }
    if (h.state === 'loading') h.state = 'loaded';
    this.version.bump();
    if (h.catchUpAgain) {
      h.catchUpAgain = false;
      await this.catchUp(functionName);
    }
  }

  /** Room left for older lines (a page never pushes the newest out). */
  roomForOlder(): number {
    return Math.min(PAGE_LINES, this.buffer.capacity - this.buffer.size);
  }

  /** Reads the page before the oldest line the window keeps of this function. */
  async loadOlder(functionName: string): Promise<number> {
    const h = this.history(functionName);
    const limit = this.roomForOlder();
    if (h.loadingOlder || limit <= 0) return 0;
    const beforeId = this.buffer.firstIdOf(functionName);
    h.loadingOlder = true;
    h.error = undefined;
    this.version.bump();
    const r = await api.request('telemetry.logs', { name: functionName, limit, ...(beforeId !== undefined ? { beforeId } : {}) });
    h.loadingOlder = false;
    let added = 0;
    if (r.ok) {
      const before = this.buffer.size;
      this.addHistory(r.value.items);
      added = this.buffer.size - before;
      h.more = r.value.more;
    } else h.error = r.error;
    this.version.bump();
    return added;
  }

  private addHistory(lines: LogLine[]): void {
    this.buffer.add(lines);
  }
}

/** The window's one log source. */
export const logSource = new LogSource();
