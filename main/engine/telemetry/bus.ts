// The telemetry bus: every telemetry event gets a sequence number and a
// wall-clock time, is kept in a bounded in-memory ring (so a subscriber that
// reconnects resumes from the last sequence it saw) and is delivered to
// subscribers in batches, off the invoke path: publishing is a push onto an
// array; delivery happens once per tick (at most every DELIVER_MS).
//
// Sequence numbers continue across restarts (they start above both the last
// persisted one and the wall clock in microseconds), so a window that
// reconnects to a restarted engine never mistakes new events for old ones: it
// asks to resume from a sequence the new ring does not hold and gets a gap,
// which tells it to re-read history.
import type { TelemetryEvent } from '../../contract/telemetry.js';

export interface BusFrame {
  seq: number;
  /** Epoch ms. */
  at: number;
  event: TelemetryEvent;
}

/** What a resume finds: the frames after `from` still held, and whether some were not. */
export interface Resume {
  frames: BusFrame[];
  /** Set when frames after `from` are no longer held (the subscriber must re-read history). */
  gap?: { fromSeq: number; toSeq: number };
}

/** Frames kept for resuming: log lines travel in batches, so this is minutes of a busy workbench. */
const RING = 20_000;
/**
 * Log text the ring may hold (characters): a frame is a batch of up to 2,000 lines, so a flood of
 * long lines would otherwise keep gigabytes for resumes. Past this the oldest frames are let go.
 * Two invocations' worth of kept output (8 MB each): a window that reconnects within seconds resumes
 * from the ring; one that missed more gets a gap and reads the rest from the store.
 */
export const RING_TEXT_CHARS = 16 * 1024 * 1024;
/** Delivery batches at most this often: one message per subscriber per batch, however many events. */
const DELIVER_MS = 50;

export class TelemetryBus {
  private readonly ring: (BusFrame | undefined)[] = new Array(RING);
  private seq: number;
  private readonly pending: BusFrame[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(frames: BusFrame[]) => void>();
  private closed = false;
  /** The oldest sequence still held (frames before it were let go for RING_TEXT_CHARS). */
  private oldestHeld = 1;
  private heldChars = 0;

  constructor(lastPersistedSeq = 0, now = Date.now()) {
    this.seq = Math.max(lastPersistedSeq, Math.floor(now * 1000));
  }

  /** The sequence of the last event published. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Publishes one event; returns its sequence number. O(1): delivery is batched. */
  publish(event: TelemetryEvent, at = Date.now()): number {
    const frame: BusFrame = { seq: ++this.seq, at, event };
    const slot = frame.seq % RING;
    const overwritten = this.ring[slot];
    if (overwritten) this.heldChars -= textChars(overwritten.event);
    this.ring[slot] = frame;
    if (event.type === 'logs') {
      this.heldChars += textChars(event);
      this.oldestHeld = Math.max(this.oldestHeld, this.seq - RING + 1);
      while (this.heldChars > RING_TEXT_CHARS && this.oldestHeld < this.seq) {
        const old = this.ring[this.oldestHeld % RING];
        if (old && old.seq === this.oldestHeld) {
          this.heldChars -= textChars(old.event);
          this.ring[this.oldestHeld % RING] = undefined;
        }
        this.oldestHeld++;
      }
    }
    if (this.listeners.size === 0 || this.closed) return frame.seq;
    this.pending.push(frame);
    this.timer ??= setTimeout(() => this.deliver(), DELIVER_MS);
    return frame.seq;
  }

  /** Someone follows the bus now (live-only events are not worth building otherwise). */
  get followed(): boolean {
    return this.listeners.size > 0 && !this.closed;
  }

  /** Follows the bus: `listener` gets batches of frames in sequence order. */
  subscribe(listener: (frames: BusFrame[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The frames after `from` that are still held, and the gap when some are not. */
  since(from: number): Resume {
    const last = this.seq;
    if (from >= last) return { frames: [] };
    const oldestHeld = Math.max(1, this.oldestHeld, last - RING + 1);
    const start = Math.max(from + 1, oldestHeld);
    const frames: BusFrame[] = [];
    for (let s = start; s <= last; s++) {
      const f = this.ring[s % RING];
      if (f && f.seq === s) frames.push(f);
    }
    const firstHeld = frames[0]?.seq ?? last + 1;
    return firstHeld > from + 1 ? { frames, gap: { fromSeq: from + 1, toSeq: firstHeld - 1 } } : { frames };
  }

  /** Delivers what is pending now (tests; shutdown). */
  flush(): void {
    this.deliver();
  }

  close(): void {
    this.deliver();
    this.closed = true;
    this.listeners.clear();
  }

  private deliver(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0);
    for (const l of this.listeners) {
      try {
        l(batch);
      } catch {
        /* one subscriber's failure never stops the others */
      }
    }
  }
}

/** The log text a frame holds (0 for any other event). */
function textChars(e: TelemetryEvent): number {
  if (e.type !== 'logs') return 0;
  let n = 0;
  for (const l of e.lines) n += l.text.length + 64;
  return n;
}
