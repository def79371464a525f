// Log streams as CloudWatch Logs shows them: one stream per execution
// environment, named like Lambda's, holding the platform lines (START, END,
// REPORT, …) and the function's own output, in order.
import { randomBytes } from 'node:crypto';

/** A stream keeps its newest bytes; older text is dropped past this size. */
const STREAM_CAP_BYTES = 1024 * 1024;

export interface LogEvent {
  /** Wall-clock ms. */
  at: number;
  text: string;
}

export class LogStream {
  readonly name: string;
  readonly createdAt: number;
  /** Set when its env is gone: nothing more will be written. */
  ended = false;
  private events: LogEvent[] = [];
  private bytes = 0;

  constructor(readonly group: string, version: string, now = new Date()) {
    const d = now.toISOString().slice(0, 10).replace(/-/g, '/');
    this.name = `${d}/[${version}]${randomBytes(16).toString('hex')}`;
    this.createdAt = now.getTime();
  }

  get size(): number {
    return this.bytes;
  }

  append(text: string, at = Date.now()): void {
    if (!text) return;
    this.events.push({ at, text });
    this.bytes += text.length;
    // Trim in one go down to three quarters of the cap, so trimming is rare and never O(n) per append.
    if (this.bytes > STREAM_CAP_BYTES && this.events.length > 1) {
      let drop = 0;
      while (this.bytes > (STREAM_CAP_BYTES * 3) / 4 && drop < this.events.length - 1) this.bytes -= this.events[drop++]!.text.length;
      this.events = this.events.slice(drop);
    }
  }

  text(): string {
    return this.events.map((e) => e.text).join('');
  }

  all(): readonly LogEvent[] {
    return this.events;
  }
}

/** Ended streams kept per function, and in all (bytes), past which the oldest ended ones go. */
const ENDED_PER_FUNCTION = 50;
const ENDED_BYTES = 32 * 1024 * 1024;

/**
 * Every env's log stream, live or ended, by function: CloudWatch keeps a
 * function's streams after their env is gone (a forced-cold or reclaimed env's
 * log would otherwise vanish with it). Ended streams are kept up to
 * ENDED_PER_FUNCTION per function and ENDED_BYTES in all, oldest dropped first;
 * they live in memory, so a restart forgets them.
 */
export class LogArchive {
  private readonly byFunction = new Map<string, LogStream[]>();
  private endedBytes = 0;

  add(functionName: string, stream: LogStream): void {
    const list = this.byFunction.get(functionName) ?? [];
    list.push(stream);
    this.byFunction.set(functionName, list);
  }

  /** Called when a stream's env is gone. */
  ended(functionName: string, stream: LogStream): void {
    if (stream.ended) return;
    stream.ended = true;
    this.endedBytes += stream.size;
    const list = this.byFunction.get(functionName) ?? [];
    let ended = list.filter((s) => s.ended).length;
    while (ended > ENDED_PER_FUNCTION) {
      this.drop(list, list.findIndex((s) => s.ended));
      ended--;
    }
    while (this.endedBytes > ENDED_BYTES && this.dropOldestEnded()) {
      /* keep dropping */
    }
  }

  /** A function's streams, oldest first. */
  list(functionName: string): readonly LogStream[] {
    return this.byFunction.get(functionName) ?? [];
  }

  private drop(list: LogStream[], i: number): void {
    this.endedBytes -= list[i]!.size;
    list.splice(i, 1);
  }

  private dropOldestEnded(): boolean {
    let oldest: { list: LogStream[]; i: number } | undefined;
    for (const list of this.byFunction.values()) {
      const i = list.findIndex((s) => s.ended);
      if (i >= 0 && (!oldest || list[i]!.createdAt < oldest.list[oldest.i]!.createdAt)) oldest = { list, i };
    }
    if (!oldest) return false;
    this.drop(oldest.list, oldest.i);
    return true;
  }
}

/** Lambda's duration format: two decimals, e.g. `12.34 ms`. */
export const ms2 = (ms: number): string => ms.toFixed(2);

export interface ReportFields {
  requestId: string;
  durationMs: number;
  billedMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  initDurationMs?: number;
  status?: 'timeout' | 'error';
  errorType?: string;
}

export function reportLine(r: ReportFields): string {
  const fields = [
    `REPORT RequestId: ${r.requestId}`,
    `Duration: ${ms2(r.durationMs)} ms`,
    `Billed Duration: ${r.billedMs} ms`,
    `Memory Size: ${r.memorySizeMb} MB`,
    `Max Memory Used: ${r.maxMemoryUsedMb} MB`,
  ];
  if (r.initDurationMs !== undefined) fields.push(`Init Duration: ${ms2(r.initDurationMs)} ms`);
  if (r.status) fields.push(`Status: ${r.status}`);
  if (r.errorType) fields.push(`Error Type: ${r.errorType}`);
  return `${fields.join('\t')}\n`;
}

/**
 * The platform's own log lines in the function's log format: Lambda's text
 * lines (INIT_START, START, END, REPORT, INIT_REPORT), or with LoggingConfig
 * JSON the `platform.*` records CloudWatch shows instead, dropped below the
 * SystemLogLevel (they are INFO records; failed inits are WARN).
 */
export class PlatformLines {
  private readonly json: boolean;
  private readonly keepInfo: boolean;

  constructor(format: 'Text' | 'JSON', systemLogLevel?: string) {
    this.json = format === 'JSON';
    this.keepInfo = !this.json || systemLogLevel !== 'WARN';
  }

  initStart(f: { initializationType: string; runtimeId: string; runtimeVersionArn: string; functionName: string; version: string }): string {
    if (!this.json) return `INIT_START Runtime Version: ${f.runtimeId}.workbench\tRuntime Version ARN: ${f.runtimeVersionArn}\n`;
    return this.record('platform.initStart', {
      initializationType: f.initializationType,
      phase: 'init',
      runtimeVersion: `${f.runtimeId}.workbench`,
      runtimeVersionArn: f.runtimeVersionArn,
      functionName: f.functionName,
      functionVersion: f.version,
    });
  }

  /** A successful INIT: nothing in text; platform.initRuntimeDone and platform.initReport in JSON. */
  initDone(initializationType: string, durationMs: number): string {
    if (!this.json) return '';
    return (
      this.record('platform.initRuntimeDone', { initializationType, phase: 'init', status: 'success' }) +
      this.record('platform.initReport', { initializationType, phase: 'init', status: 'success', metrics: { durationMs: round3(durationMs) } })
    );
  }

  /** A failed or timed-out INIT. */
  /** `phase`: 'invoke' for the suppressed init's retry, which runs inside the invoke phase. */
  initFailed(initializationType: string, durationMs: number, status: 'error' | 'timeout', errorType?: string, phase: 'init' | 'invoke' = 'init'): string {
    if (!this.json) {
      return `INIT_REPORT Init Duration: ${ms2(durationMs)} ms\tPhase: ${phase}\tStatus: ${status}${errorType ? `\tError Type: ${errorType}` : ''}\n`;
    }
    const record = { initializationType, phase, status, ...(errorType ? { errorType } : {}), metrics: { durationMs: round3(durationMs) } };
    return this.record('platform.initReport', record, true);
  }

  start(requestId: string, version: string): string {
    return this.json ? this.record('platform.start', { requestId, version }) : `START RequestId: ${requestId} Version: ${version}\n`;
  }

  end(requestId: string, status: string, durationMs: number): string {
    if (!this.json) return `END RequestId: ${requestId}\n`;
    return this.record('platform.runtimeDone', { requestId, status, metrics: { durationMs: round3(durationMs) } });
  }

  report(r: ReportFields): string {
    if (!this.json) return reportLine(r);
    const metrics: Record<string, number> = {
      durationMs: round3(r.durationMs),
      billedDurationMs: r.billedMs,
      memorySizeMB: r.memorySizeMb,
      maxMemoryUsedMB: r.maxMemoryUsedMb,
    };
    if (r.initDurationMs !== undefined) metrics.initDurationMs = round3(r.initDurationMs);
    return this.record('platform.report', { requestId: r.requestId, metrics, status: r.status ?? 'success', ...(r.errorType ? { errorType: r.errorType } : {}) });
  }

  /** The text line a timeout adds; in JSON the runtimeDone and report records carry status timeout. */
  timedOut(requestId: string, seconds: string): string {
    return this.json ? '' : `${new Date().toISOString()} ${requestId} Task timed out after ${seconds} seconds\n`;
  }

  private record(type: string, record: object, warn = false): string {
    if (!warn && !this.keepInfo) return '';
    return `${JSON.stringify({ time: new Date().toISOString(), type, record })}\n`;
  }
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** `X-Amz-Log-Result`: base64 of the last 4 KB of an invocation's log. */
export function tailBase64(text: string): string {
  const buf = Buffer.from(text, 'utf8');
  return buf.subarray(Math.max(0, buf.length - 4096)).toString('base64');
}
