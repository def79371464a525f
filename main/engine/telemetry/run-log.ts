// One invocation's log block, bounded in memory. A function may print as much
// as it likes (CloudWatch would bill it); the workbench keeps the platform's
// own lines (INIT_START, START, END, REPORT, …) and the newest output up to a
// cap, and says how much it dropped. Without a cap, 600 MB of console.log in one
// invocation crashed the server (a join past V8's string limit) and 100 MB
// raised its RSS by about 500 MB.

/** Output (not platform lines) one invocation keeps: the same as a log stream's cap. */
export const RUN_LOG_CAP_BYTES = 1024 * 1024;

interface Part {
  text: string;
  /** Platform lines are never dropped: they are small and the REPORT depends on them. */
  platform: boolean;
}

export class RunLog {
  private parts: Part[] = [];
  /** Characters of function output held (a string's length: cheap, and within 4x of its bytes). */
  private outputChars = 0;
  private droppedChars = 0;
  /** Where the drop marker goes: before the first output part kept after a drop. */
  private dropAt = -1;

  constructor(private readonly cap = RUN_LOG_CAP_BYTES) {}

  /** The function's own output. */
  output(text: string): void {
    if (!text) return;
    if (text.length > this.cap) {
      // One chunk larger than the cap on its own: keep its tail.
      this.droppedChars += text.length - this.cap;
      text = text.slice(text.length - this.cap);
    }
    this.parts.push({ text, platform: false });
    this.outputChars += text.length;
    // Trim down to three quarters in one pass, so trimming stays rare and amortised O(1) per chunk.
    if (this.outputChars > this.cap) this.trim((this.cap * 3) / 4);
  }

  /** A platform line (START, END, REPORT, INIT_*, timeouts). */
  platform(text: string): void {
    if (text) this.parts.push({ text, platform: true });
  }

  /** Takes a platform line back (a START line given back when the invocation re-initialises). */
  remove(text: string | undefined): void {
    if (text === undefined) return;
    const i = this.parts.findIndex((p) => p.platform && p.text === text);
    if (i < 0) return;
    this.parts.splice(i, 1);
    if (this.dropAt > i) this.dropAt--;
  }

  /** Output characters dropped so far. */
  get dropped(): number {
    return this.droppedChars;
  }

  text(): string {
    if (this.droppedChars === 0) return this.parts.map((p) => p.text).join('');
    const marker = `[workbench] ${this.droppedChars} characters of this invocation's output were dropped: the workbench keeps the newest ${this.cap} of each invocation\n`;
    let at = this.dropAt;
    if (at < 0) at = this.parts.findIndex((p) => !p.platform);
    if (at < 0) at = this.parts.length;
    const texts = this.parts.map((p) => p.text);
    texts.splice(at, 0, marker);
    return texts.join('');
  }

  private trim(target: number): void {
    const kept: Part[] = [];
    let firstKeptOutput = -1;
    for (const p of this.parts) {
      if (!p.platform && this.outputChars > target) {
        this.outputChars -= p.text.length;
        this.droppedChars += p.text.length;
        continue;
      }
      if (!p.platform && firstKeptOutput < 0) firstKeptOutput = kept.length;
      kept.push(p);
    }
    this.parts = kept;
    this.dropAt = firstKeptOutput < 0 ? kept.length : firstKeptOutput;
  }
}
