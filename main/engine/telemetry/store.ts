// The workbench's telemetry, persisted: invocation records, log lines, env
// records and state changes, /tmp changes. Its own SQLite file
// (<dataDir>/telemetry.db) so a flood of log lines never holds the main
// database's lock, and its own migrations.
//
// Writers are on the invoke path: add* only push to in-memory queues. A timer
// commits them in chunks (at most CHUNK_ROWS rows or CHUNK_MS per event-loop
// turn, one transaction each: a transaction held open across turns would be
// seen half-done by the reads in between), so even 200,000 queued lines never
// stall the loop for long. A read sees every write made before it: it first
// writes the queued invocations, envs and states (few), and logs() finds
// queued lines in memory rather than writing a flood of them first. Retention
// (age, then size) runs at open and every minute, also in small steps.
import Database from 'better-sqlite3';
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EnvLifeState, EnvRecord, EnvStateChange, InvocationDetail, InvocationRecord, LogLine, LogStreamKind, MetricsView, TmpChange } from '../../contract/telemetry.js';
import { buildMetrics, planBuckets, type MetricsInvocation } from './metrics.js';

export interface RetentionOptions {
  maxAgeMs: number;
  /** Bound on telemetry.db plus its WAL, in bytes. */
  maxBytes: number;
}

export const DEFAULT_RETENTION: RetentionOptions = { maxAgeMs: 7 * 24 * 3600_000, maxBytes: 512 * 1024 * 1024 };

export interface LogsQuery {
  name: string;
  envId?: string;
  requestId?: string;
  beforeId?: number;
  afterId?: number;
  limit: number;
}

export interface TelemetryStoreOptions {
  retention?: Partial<RetentionOptions>;
  /** How long writes may wait in memory before a flush starts (ms). */
  flushMs?: number;
  now?: () => number;
  /** How often retention runs on its own (ms). */
  retentionEveryMs?: number;
}

/** Past this many queued rows the oldest queued log lines are dropped (never invocations or envs). */
export const MAX_QUEUED_ROWS = 500_000;
const CHUNK_ROWS = 2000;
// Short: a request that arrives during a chunk waits for it (H6 measured 4–8 ms at 10 ms).
const CHUNK_MS = 3;
/** Rows deleted per statement, and pages freed per incremental_vacuum, by retention's steps. */
const DELETE_BATCH = 2000;
const VACUUM_PAGES = 1000;
const SIZE_ROUNDS = 30;
/** Ring sizes (powers of two): the starting one, and past which an emptied ring shrinks back. */
const RING_MIN = 1024;
const RING_KEEP = 65536;
const LINE_BATCH = 16;
const INSERT_LINE = 'INSERT OR IGNORE INTO logs (id, at, fn, env, request_id, stream, level, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_LINE_BATCH = INSERT_LINE + ', (?, ?, ?, ?, ?, ?, ?, ?)'.repeat(LINE_BATCH - 1);
const STREAMS: LogStreamKind[] = ['stdout', 'stderr', 'platform'];
const STREAM_CODE: Record<LogStreamKind, number> = { stdout: 0, stderr: 1, platform: 2 };

// Log lines are the bulk: their function and env are stored as ids into `names`
// (a few bytes instead of ~40, in the row and in two indexes).
const MIGRATIONS: string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
   CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
   CREATE TABLE invocations (
     request_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, function TEXT NOT NULL, version TEXT NOT NULL,
     source TEXT NOT NULL, env_id TEXT, cold INTEGER NOT NULL, cause TEXT, started_at REAL NOT NULL,
     ended_at REAL NOT NULL, queued_ms REAL NOT NULL, init_ms REAL, duration_ms REAL NOT NULL,
     billed_ms REAL NOT NULL, memory_mb REAL NOT NULL, max_memory_mb REAL NOT NULL, arch TEXT NOT NULL,
     status TEXT NOT NULL, error_type TEXT, payload_bytes INTEGER NOT NULL, response_bytes INTEGER NOT NULL,
     log_from INTEGER, log_to INTEGER, spans TEXT NOT NULL, payload_head TEXT NOT NULL, response_head TEXT NOT NULL);
   CREATE INDEX invocations_by_function ON invocations (function, started_at);
   CREATE INDEX invocations_by_env ON invocations (env_id);
   CREATE INDEX invocations_by_time ON invocations (started_at);
   CREATE TABLE logs (
     id INTEGER PRIMARY KEY, at REAL NOT NULL, fn INTEGER NOT NULL, env INTEGER NOT NULL,
     request_id TEXT, stream INTEGER NOT NULL, level TEXT, text TEXT NOT NULL);
   CREATE INDEX logs_by_function ON logs (fn, id);
   CREATE INDEX logs_by_env ON logs (env, id);
   CREATE INDEX logs_by_request ON logs (request_id) WHERE request_id IS NOT NULL;
   CREATE TABLE envs (
     env_id TEXT PRIMARY KEY, function TEXT NOT NULL, created_at REAL NOT NULL, state TEXT NOT NULL,
     ended_at REAL, record TEXT NOT NULL);
   CREATE INDEX envs_by_function ON envs (function, created_at);
   CREATE INDEX envs_by_created ON envs (created_at);
   CREATE TABLE env_states (
     seq INTEGER NOT NULL, at REAL NOT NULL, env_id TEXT NOT NULL, function TEXT NOT NULL, version TEXT NOT NULL,
     from_state TEXT, to_state TEXT NOT NULL, cause TEXT NOT NULL);
   CREATE INDEX env_states_by_function ON env_states (function, at);
   CREATE INDEX env_states_by_time ON env_states (at);
   CREATE INDEX env_states_by_env ON env_states (env_id, at);
   CREATE TABLE tmp_changes (env_id TEXT NOT NULL, function TEXT NOT NULL, at REAL NOT NULL, request_id TEXT NOT NULL, change TEXT NOT NULL);
   CREATE INDEX tmp_changes_by_env ON tmp_changes (env_id, at);`,
];

const INVOCATION_COLUMNS =
  'seq, request_id, function, version, source, env_id, cold, cause, started_at, ended_at, queued_ms, init_ms, duration_ms, billed_ms, memory_mb, max_memory_mb, arch, status, error_type, payload_bytes, response_bytes, log_from, log_to, spans';

/**
 * A FIFO ring: push and shift are O(1) and, once it has grown to the usual
 * load, allocate nothing (the invoke path only stores a reference). A buffer
 * grown by a flood is given back when the queue empties.
 */
class Fifo<T> {
  private buf: (T | undefined)[] = new Array<T | undefined>(RING_MIN).fill(undefined);
  private head = 0;
  private count = 0;
  get size(): number {
    return this.count;
  }
  push(item: T): void {
    if (this.count === this.buf.length) this.resize(this.buf.length * 2);
    this.buf[(this.head + this.count) & (this.buf.length - 1)] = item;
    this.count++;
  }
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    if (--this.count === 0 && this.buf.length > RING_KEEP) this.resize(RING_MIN);
    return item;
  }
  forEach(fn: (item: T) => void): void {
    for (let i = 0; i < this.count; i++) fn(this.buf[(this.head + i) & (this.buf.length - 1)]!);
  }
  /** Drops the n oldest; returns how many went. */
  dropOldest(n: number): number {
    const k = Math.min(n, this.count);
    for (let i = 0; i < k; i++) {
      this.buf[this.head] = undefined;
      this.head = (this.head + 1) & (this.buf.length - 1);
    }
    this.count -= k;
    return k;
  }
  private resize(capacity: number): void {
    const next = new Array<T | undefined>(capacity).fill(undefined);
    for (let i = 0; i < this.count; i++) next[i] = this.buf[(this.head + i) & (this.buf.length - 1)];
    this.buf = next;
    this.head = 0;
  }
}

type Row = Record<string, unknown>;
interface TmpItem {
  envId: string;
  functionName: string;
  change: TmpChange;
}

function isCorruptionError(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB';
}

function openTelemetryDb(path: string): Database.Database {
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 2000');
    const tables = (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n;
    // auto_vacuum only takes effect if set before the first table is created.
    if (tables === 0) db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Without a limit the WAL keeps its largest size forever (a 200,000-line flush would leave it big).
    db.pragma(`journal_size_limit = ${16 * 1024 * 1024}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let i = version; i < MIGRATIONS.length; i++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[i]!);
        db.pragma(`user_version = ${i + 1}`);
      })();
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export class TelemetryStore {
  private readonly retention: RetentionOptions;
  private readonly flushMs: number;
  private readonly now: () => number;
  private readonly qEnvs = new Fifo<EnvRecord>();
  private readonly qStates = new Fifo<EnvStateChange>();
  private readonly qInvocations = new Fifo<InvocationDetail>();
  private readonly qTmp = new Fifo<TmpItem>();
  private readonly qLines = new Fifo<LogLine>();
  private pending = 0;
  private dropped = 0;
  private failedRows = 0;
  private lastError: Error | undefined;
  /** A flush is scheduled or running: adds need not schedule one. */
  private armed = false;
  private closed = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly retentionTimer: NodeJS.Timeout;
  private retentionRun: Generator<void, void, void> | undefined;
  private readonly nameIds = new Map<string, number>();
  private readonly namesById = new Map<number, string>();
  private lineCount: number;
  private invocationCount: number;
  private seqHigh: number;
  private logIdHigh: number;
  private readonly stmts = new Map<string, Database.Statement>();
  private readonly lineBatch: unknown[] = new Array(LINE_BATCH * 8);
  private readonly oneLine: unknown[] = new Array(8);

  static open(dataDir: string, opts: TelemetryStoreOptions = {}): TelemetryStore {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, 'telemetry.db');
    let db: Database.Database;
    try {
      db = openTelemetryDb(path);
    } catch (err) {
      if (!isCorruptionError(err)) throw err;
      // Telemetry is history, not state: a damaged file is kept aside for a look and the workbench starts afresh.
      renameSync(path, `${path}.corrupt-${Date.now()}`);
      for (const ext of ['-wal', '-shm']) rmSync(path + ext, { force: true });
      db = openTelemetryDb(path);
    }
    return new TelemetryStore(db, path, opts);
  }

  private constructor(private readonly db: Database.Database, readonly path: string, opts: TelemetryStoreOptions) {
    this.retention = { ...DEFAULT_RETENTION, ...opts.retention };
    this.flushMs = opts.flushMs ?? 200;
    this.now = opts.now ?? Date.now;
    this.loadNames();
    this.lineCount = (db.prepare('SELECT count(*) AS n FROM logs').get() as { n: number }).n;
    this.invocationCount = (db.prepare('SELECT count(*) AS n FROM invocations').get() as { n: number }).n;
    const meta = (key: string) => (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: number } | undefined)?.value ?? 0;
    const maxOf = (sql: string) => (db.prepare(sql).get() as { m: number | null }).m ?? 0;
    this.seqHigh = Math.max(meta('seq'), maxOf('SELECT max(seq) AS m FROM env_states'));
    this.logIdHigh = Math.max(meta('logId'), maxOf('SELECT max(id) AS m FROM logs'));
    this.endPreviousRun();
    this.enforceRetention();
    this.retentionTimer = setInterval(() => this.startRetention(), opts.retentionEveryMs ?? 60_000);
    this.retentionTimer.unref();
  }

  // ---- writes: queue only ----

  addInvocation(rec: InvocationDetail): void {
    this.qInvocations.push(rec);
    this.queued(1);
  }

  upsertEnv(rec: EnvRecord): void {
    this.qEnvs.push(rec);
    this.queued(1);
  }

  addEnvState(c: EnvStateChange): void {
    this.qStates.push(c);
    this.queued(1);
  }

  /** The lines are kept as given until flushed: do not change them afterwards. */
  addLines(lines: LogLine[]): void {
    for (let i = 0; i < lines.length; i++) this.qLines.push(lines[i]!);
    this.queued(lines.length);
  }

  addTmpChange(envId: string, functionName: string, change: TmpChange): void {
    this.qTmp.push({ envId, functionName, change });
    this.queued(1);
  }

  /** Log lines dropped because the queue was full (the disk could not keep up). */
  droppedLines(): number {
    return this.dropped;
  }

  /** Rows waiting to be written (does not flush). */
  queuedRows(): number {
    return this.pending;
  }

  /** Rows lost to a failed write, and the last error (a full disk, ...). */
  writeFailures(): { rows: number; lastError?: Error } {
    return { rows: this.failedRows, lastError: this.lastError };
  }

  private queued(n: number): void {
    if (this.closed) return this.discardAfterClose();
    this.pending += n;
    if (this.pending > MAX_QUEUED_ROWS && this.qLines.size > 0) {
      const gone = this.qLines.dropOldest(this.pending - MAX_QUEUED_ROWS);
      this.pending -= gone;
      this.dropped += gone;
    }
    if (!this.armed && !this.closed) {
      this.armed = true;
      this.flushTimer = setTimeout(this.drainStep, this.flushMs);
      this.flushTimer.unref();
    }
  }

  /** Whatever is added after close() (an engine still winding down) is let go, not kept in memory. */
  private discardAfterClose(): void {
    for (const q of [this.qEnvs, this.qStates, this.qInvocations, this.qTmp, this.qLines] as Fifo<unknown>[]) q.dropOldest(q.size);
  }

  /** One chunk, then yield the loop to others before the next. */
  private readonly drainStep = (): void => {
    this.flushTimer = undefined;
    if (this.closed) return;
    this.writeChunk(CHUNK_ROWS, CHUNK_MS);
    if (this.pending > 0) setImmediate(this.drainStep);
    else this.armed = false;
  };

  /** Writes everything queued, now, in one transaction. */
  flush(): void {
    if (this.pending > 0 && !this.closed) this.writeChunk(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, true);
  }

  /**
   * What reads call: writes every queued row except log lines, which can be a flood of hundreds
   * of thousands (seconds of writing); logs() finds queued lines in memory instead.
   */
  private flushForRead(): void {
    if (this.pending > this.qLines.size && !this.closed) this.writeChunk(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, false);
  }

  private writeChunk(maxRows: number, maxMs: number, linesToo = true): void {
    const deadline = performance.now() + maxMs;
    let taken = 0;
    let written = 0;
    try {
      this.db.transaction(() => {
        const seqBefore = this.seqHigh;
        const logIdBefore = this.logIdHigh;
        let checkAt = 8;
        while (taken < maxRows) {
          try {
            const n = this.writeNext(maxRows - taken, linesToo);
            if (n === 0) break;
            written += n;
            taken += n;
          } catch (err) {
            // One bad row (a field of the wrong type, ...) costs that row, not its chunk.
            this.failedRows++;
            this.lastError = err as Error;
            taken++;
          }
          if (taken >= checkAt) {
            checkAt = taken + 8;
            if (performance.now() > deadline) break;
          }
        }
        if (this.seqHigh > seqBefore) this.stmt('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('seq', this.seqHigh);
        if (this.logIdHigh > logIdBefore) this.stmt('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('logId', this.logIdHigh);
      })();
    } catch (err) {
      // The chunk's rows are gone from the queues: count them, keep going (telemetry must not take the engine down).
      this.failedRows += written;
      this.lastError = err as Error;
      this.loadNames();
      this.lineCount = (this.db.prepare('SELECT count(*) AS n FROM logs').get() as { n: number }).n;
      this.invocationCount = (this.db.prepare('SELECT count(*) AS n FROM invocations').get() as { n: number }).n;
    }
  }

  /**
   * Takes the next queued rows off their queue and writes them (envs and states first: lines are
   * the bulk, and go LINE_BATCH to a statement); returns how many, 0 when none are left.
   */
  private writeNext(room: number, linesToo: boolean): number {
    if (this.pending === 0 || (!linesToo && this.pending === this.qLines.size)) return 0;
    if (this.qLines.size >= LINE_BATCH && room >= LINE_BATCH && this.qEnvs.size + this.qStates.size + this.qInvocations.size + this.qTmp.size === 0) {
      const batch: LogLine[] = [];
      for (let i = 0; i < LINE_BATCH; i++) batch.push(this.qLines.shift()!);
      this.pending -= LINE_BATCH;
      this.writeLineBatch(batch);
      return LINE_BATCH;
    }
    this.pending--; // off the queue from here on, written or not
    const env = this.qEnvs.shift();
    if (env) return this.writeEnv(env), 1;
    const state = this.qStates.shift();
    if (state) return this.writeState(state), 1;
    const inv = this.qInvocations.shift();
    if (inv) return this.writeInvocation(inv), 1;
    const tmp = this.qTmp.shift();
    if (tmp) {
      this.stmt('INSERT INTO tmp_changes (env_id, function, at, request_id, change) VALUES (?, ?, ?, ?, ?)').run(tmp.envId, tmp.functionName, tmp.change.at, tmp.change.requestId, JSON.stringify(tmp.change));
      return 1;
    }
    const line = this.qLines.shift();
    if (line) {
      this.lineCount += this.stmt(INSERT_LINE).run(this.fillLine(this.oneLine, 0, line)).changes;
      return 1;
    }
    this.pending = 0; // cannot happen: the count and the queues disagree
    return 0;
  }

  /** Puts a line's column values into `into` from `at` (arrays reused: the flood of lines should not feed the GC). */
  private fillLine(into: unknown[], at: number, l: LogLine): unknown[] {
    if (l.id > this.logIdHigh) this.logIdHigh = l.id;
    into[at] = l.id;
    into[at + 1] = l.at;
    into[at + 2] = this.intern(l.functionName);
    into[at + 3] = this.intern(l.envId);
    into[at + 4] = l.requestId ?? null;
    into[at + 5] = STREAM_CODE[l.stream] ?? 0;
    into[at + 6] = l.level ?? null;
    into[at + 7] = l.text;
    return into;
  }

  /** Many rows to a statement cost about half as much per row as one each; a bad row is retried alone so only it is lost. */
  private writeLineBatch(batch: LogLine[]): void {
    try {
      for (let i = 0; i < batch.length; i++) this.fillLine(this.lineBatch, i * 8, batch[i]!);
      this.lineCount += this.stmt(INSERT_LINE_BATCH).run(this.lineBatch).changes;
    } catch {
      for (const l of batch) {
        try {
          this.lineCount += this.stmt(INSERT_LINE).run(this.fillLine(this.oneLine, 0, l)).changes;
        } catch (err) {
          this.failedRows++;
          this.lastError = err as Error;
        }
      }
    }
  }

  private writeInvocation(r: InvocationDetail): void {
    const values = [
      r.seq, r.requestId, r.functionName, r.version, r.source, r.envId ?? null, r.cold ? 1 : 0, r.coldCause ?? null, r.startedAt, r.endedAt,
      r.queuedMs, r.initMs ?? null, r.durationMs, r.billedMs, r.memorySizeMb, r.maxMemoryUsedMb, r.architecture, r.status, r.errorType ?? null,
      r.payloadBytes, r.responseBytes, r.logFrom ?? null, r.logTo ?? null, JSON.stringify(r.spans), r.payloadHead, r.responseHead,
    ];
    const inserted = this.stmt(`INSERT OR IGNORE INTO invocations (${INVOCATION_COLUMNS}, payload_head, response_head) VALUES (${values.map(() => '?').join(', ')})`).run(...values).changes;
    if (inserted) this.invocationCount++;
    else {
      const sets = `${INVOCATION_COLUMNS}, payload_head, response_head`.split(', ').filter((c) => c !== 'request_id').map((c) => `${c} = ?`).join(', ');
      this.stmt(`UPDATE invocations SET ${sets} WHERE request_id = ?`).run(...values.filter((_, i) => i !== 1), r.requestId);
    }
    if (r.seq > this.seqHigh) this.seqHigh = r.seq;
  }

  private writeEnv(r: EnvRecord): void {
    const endedAt = r.endedAt ?? (r.state === 'gone' ? r.stateSince : null);
    this.stmt(
      `INSERT INTO envs (env_id, function, created_at, state, ended_at, record) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (env_id) DO UPDATE SET function = excluded.function, created_at = excluded.created_at, state = excluded.state, ended_at = excluded.ended_at, record = excluded.record`,
    ).run(r.envId, r.functionName, r.createdAt, r.state, endedAt, JSON.stringify(r));
  }

  private writeState(c: EnvStateChange): void {
    this.stmt('INSERT INTO env_states (seq, at, env_id, function, version, from_state, to_state, cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      c.seq, c.at, c.envId, c.functionName, c.version, c.from, c.to, c.cause,
    );
    if (c.seq > this.seqHigh) this.seqHigh = c.seq;
  }

  private intern(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = Number(this.stmt('INSERT INTO names (name) VALUES (?)').run(name).lastInsertRowid);
      this.nameIds.set(name, id);
      this.namesById.set(id, name);
    }
    return id;
  }

  private loadNames(): void {
    this.nameIds.clear();
    this.namesById.clear();
    for (const r of this.db.prepare('SELECT id, name FROM names').all() as { id: number; name: string }[]) {
      this.nameIds.set(r.name, r.id);
      this.namesById.set(r.id, r.name);
    }
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** Envs a previous run left alive are gone now: at their last known state's time, for the reason 'workbench-restart'. */
  private endPreviousRun(): void {
    const live = this.db.prepare("SELECT record FROM envs WHERE state != 'gone'").all() as { record: string }[];
    if (live.length === 0) return;
    this.db.transaction(() => {
      for (const { record } of live) {
        const rec = JSON.parse(record) as EnvRecord;
        const last = this.stmt('SELECT at, to_state FROM env_states WHERE env_id = ? ORDER BY at DESC, rowid DESC LIMIT 1').get(rec.envId) as { at: number; to_state: EnvLifeState } | undefined;
        const endedAt = Math.max(last?.at ?? 0, rec.stateSince ?? 0, rec.createdAt);
        // The newer of the record and the state changes says what it was doing when the workbench stopped.
        const from = last && last.at >= (rec.stateSince ?? 0) ? last.to_state : rec.state;
        this.writeEnv({ ...rec, state: 'gone', stateSince: endedAt, endReason: 'workbench-restart', endedAt });
        // The timeline closes an env's lane at its 'gone' state change: give it one.
        this.writeState({ seq: ++this.seqHigh, at: endedAt, envId: rec.envId, functionName: rec.functionName, version: rec.version, from, to: 'gone', cause: 'workbench-restart' });
      }
      this.stmt('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('seq', this.seqHigh);
    })();
  }

  // ---- reads: flush first ----

  /** Newest first (by startedAt, since inclusive, until exclusive); records without their heads. */
  invocations(q: { name?: string; envId?: string; since?: number; until?: number; limit: number }): { items: InvocationRecord[]; more: boolean } {
    this.flushForRead();
    const where: string[] = [];
    const args: unknown[] = [];
    // With an env, its index is the narrower one (unary + keeps SQLite off the function's).
    if (q.name !== undefined) where.push(q.envId !== undefined ? '+function = ?' : 'function = ?'), args.push(q.name);
    if (q.envId !== undefined) where.push('env_id = ?'), args.push(q.envId);
    if (q.since !== undefined) where.push('started_at >= ?'), args.push(q.since);
    if (q.until !== undefined) where.push('started_at < ?'), args.push(q.until);
    const limit = cleanLimit(q.limit);
    const rows = this.stmt(`SELECT ${INVOCATION_COLUMNS} FROM invocations ${whereSql(where)} ORDER BY started_at DESC LIMIT ?`).all(...args, limit + 1) as Row[];
    return { items: rows.slice(0, limit).map(toInvocation), more: rows.length > limit };
  }

  invocation(requestId: string): InvocationDetail | undefined {
    this.flushForRead();
    const row = this.stmt(`SELECT ${INVOCATION_COLUMNS}, payload_head, response_head FROM invocations WHERE request_id = ?`).get(requestId) as Row | undefined;
    if (!row) return undefined;
    return { ...toInvocation(row), payloadHead: row.payload_head as string, responseHead: row.response_head as string };
  }

  /** Ascending id. With afterId: the first `limit` after it; without: the newest `limit` (before beforeId). */
  logs(q: LogsQuery): { items: LogLine[]; more: boolean } {
    this.flushForRead();
    const limit = cleanLimit(q.limit);
    const ascending = q.afterId !== undefined;
    const stored = this.storedLines(q, limit, ascending);
    const queued = this.queuedLines(q);
    if (queued.length === 0) {
      const items = stored.slice(0, limit);
      if (!ascending) items.reverse();
      return { items, more: stored.length > limit };
    }
    // Lines still queued are the newest: merged with the stored ones, as if they had been written.
    const seen = new Set(stored.map((l) => l.id));
    const all = stored.concat(queued.filter((l) => !seen.has(l.id))).sort(ascending ? (a, b) => a.id - b.id : (a, b) => b.id - a.id);
    const items = all.slice(0, limit);
    if (!ascending) items.reverse();
    return { items, more: all.length > limit };
  }

  /** Queued lines matching a logs() query, as stored lines read back. */
  private queuedLines(q: LogsQuery): LogLine[] {
    const out: LogLine[] = [];
    if (this.qLines.size === 0) return out;
    this.qLines.forEach((l) => {
      if (l.functionName !== q.name || (q.envId !== undefined && l.envId !== q.envId) || (q.requestId !== undefined && l.requestId !== q.requestId)) return;
      if ((q.beforeId !== undefined && !(l.id < q.beforeId)) || (q.afterId !== undefined && !(l.id > q.afterId))) return;
      const line: LogLine = { id: l.id, at: l.at, functionName: l.functionName, envId: l.envId, stream: l.stream, text: l.text };
      if (l.requestId !== undefined) line.requestId = l.requestId;
      if (l.level !== undefined) line.level = l.level;
      out.push(line);
    });
    return out;
  }

  /** Up to limit + 1 stored lines matching a logs() query, in the query's order. */
  private storedLines(q: LogsQuery, limit: number, ascending: boolean): LogLine[] {
    const fn = this.nameIds.get(q.name);
    const env = q.envId === undefined ? undefined : this.nameIds.get(q.envId);
    if (fn === undefined || (q.envId !== undefined && env === undefined)) return [];
    // Narrowest index first: the request's, else the env's, else the function's (unary + keeps SQLite off the others).
    const where = [env !== undefined || q.requestId !== undefined ? '+fn = ?' : 'fn = ?'];
    const args: unknown[] = [fn];
    if (env !== undefined) where.push(q.requestId !== undefined ? '+env = ?' : 'env = ?'), args.push(env);
    if (q.requestId !== undefined) where.push('request_id = ?'), args.push(q.requestId);
    if (q.beforeId !== undefined) where.push('id < ?'), args.push(q.beforeId);
    if (q.afterId !== undefined) where.push('id > ?'), args.push(q.afterId);
    const rows = this.stmt(`SELECT id, at, fn, env, request_id, stream, level, text FROM logs ${whereSql(where)} ORDER BY id ${ascending ? 'ASC' : 'DESC'} LIMIT ?`).all(...args, limit + 1) as Row[];
    return rows.map((r) => this.toLine(r));
  }

  /** Newest created first. */
  envs(q: { name?: string; includeGone: boolean; limit: number }): { items: EnvRecord[]; more: boolean } {
    this.flushForRead();
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.name !== undefined) where.push('function = ?'), args.push(q.name);
    if (!q.includeGone) where.push("state != 'gone'");
    const limit = cleanLimit(q.limit);
    const rows = this.stmt(`SELECT record FROM envs ${whereSql(where)} ORDER BY created_at DESC LIMIT ?`).all(...args, limit + 1) as { record: string }[];
    return { items: rows.slice(0, limit).map((r) => JSON.parse(r.record) as EnvRecord), more: rows.length > limit };
  }

  /** One env's record, gone or not. */
  env(envId: string): EnvRecord | undefined {
    this.flushForRead();
    const row = this.stmt('SELECT record FROM envs WHERE env_id = ?').get(envId) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as EnvRecord) : undefined;
  }

  /** Ascending time, from `since` (inclusive). */
  envStates(q: { name?: string; since?: number; limit: number }): { items: EnvStateChange[]; more: boolean } {
    this.flushForRead();
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.name !== undefined) where.push('function = ?'), args.push(q.name);
    if (q.since !== undefined) where.push('at >= ?'), args.push(q.since);
    const limit = cleanLimit(q.limit);
    const rows = this.stmt(`SELECT seq, at, env_id, function, version, from_state, to_state, cause FROM env_states ${whereSql(where)} ORDER BY at, rowid LIMIT ?`).all(...args, limit + 1) as Row[];
    const items = rows.slice(0, limit).map((r): EnvStateChange => ({
      seq: r.seq as number, at: r.at as number, envId: r.env_id as string, functionName: r.function as string, version: r.version as string,
      from: (r.from_state as EnvStateChange['from']) ?? null, to: r.to_state as EnvStateChange['to'], cause: r.cause as string,
    }));
    return { items, more: rows.length > limit };
  }

  tmpChanges(envId: string): TmpChange[] {
    this.flushForRead();
    const rows = this.stmt('SELECT change FROM tmp_changes WHERE env_id = ? ORDER BY at, rowid').all(envId) as { change: string }[];
    return rows.map((r) => JSON.parse(r.change) as TmpChange);
  }

  metrics(q: { name: string; from: number; to: number; bucketMs: number }): MetricsView {
    const plan = planBuckets(q.from, q.to, q.bucketMs); // refuse a bad range before reading anything
    this.flushForRead();
    const rows = this.stmt(
      'SELECT started_at, duration_ms, billed_ms, memory_mb, max_memory_mb, arch, status, cold, cause FROM invocations WHERE function = ? AND started_at >= ? AND started_at < ?',
    ).raw(true).all(q.name, plan.start, plan.end) as unknown[][];
    function* invocations(): Generator<MetricsInvocation> {
      for (const r of rows) {
        yield {
          startedAt: r[0] as number, durationMs: r[1] as number, billedMs: r[2] as number, memorySizeMb: r[3] as number, maxMemoryUsedMb: r[4] as number,
          architecture: r[5] as MetricsInvocation['architecture'], status: r[6] as MetricsInvocation['status'], cold: r[7] === 1, coldCause: (r[8] as string | null) ?? undefined,
        };
      }
    }
    const envs = (this.stmt('SELECT created_at, ended_at FROM envs WHERE function = ? AND created_at < ? AND (ended_at IS NULL OR ended_at > ?)').all(q.name, plan.end, plan.start) as { created_at: number; ended_at: number | null }[]).map(
      (e) => ({ createdAt: e.created_at, endedAt: e.ended_at ?? undefined }),
    );
    return buildMetrics({ functionName: q.name, from: q.from, to: q.to, bucketMs: q.bucketMs, invocations: invocations(), envs });
  }

  /** Highest log line id ever stored (survives retention): continue after it. */
  maxLogId(): number {
    this.flush();
    return this.logIdHigh;
  }

  /** Highest bus sequence ever stored (invocations, state changes): continue after it. */
  maxSeq(): number {
    this.flush();
    return this.seqHigh;
  }

  /** The files' bytes (database and WAL) and the rows stored (lines still queued are not counted: queuedRows()). */
  size(): { bytes: number; lines: number; invocations: number; envs: number } {
    this.flushForRead();
    const envs = (this.stmt('SELECT count(*) AS n FROM envs').get() as { n: number }).n;
    return { bytes: this.fileBytes(), lines: this.lineCount, invocations: this.invocationCount, envs };
  }

  private toLine(r: Row): LogLine {
    const line: LogLine = {
      id: r.id as number, at: r.at as number, functionName: this.namesById.get(r.fn as number) ?? '', envId: this.namesById.get(r.env as number) ?? '',
      stream: STREAMS[r.stream as number] ?? 'stdout', text: r.text as string,
    };
    if (r.request_id !== null) line.requestId = r.request_id as string;
    if (r.level !== null) line.level = r.level as string;
    return line;
  }

  // ---- retention ----

  /** Deletes what is older than maxAgeMs, then the oldest fifth of the history until the files fit maxBytes. */
  enforceRetention(): { deletedRows: number } {
    this.flush();
    const out = { deletedRows: 0 };
    for (const _ of this.retentionSteps(out));
    return out;
  }

  /** The timer's retention: the same steps, a few milliseconds per event-loop turn. */
  private startRetention(): void {
    if (this.retentionRun || this.closed) return;
    const run = (this.retentionRun = this.retentionSteps({ deletedRows: 0 }));
    const step = (): void => {
      if (this.closed || this.retentionRun !== run) return;
      const deadline = performance.now() + CHUNK_MS;
      try {
        do {
          if (run.next().done) return void (this.retentionRun = undefined);
        } while (performance.now() < deadline);
      } catch (err) {
        this.lastError = err as Error;
        this.retentionRun = undefined;
        return;
      }
      setImmediate(step);
    };
    step();
  }

  private *retentionSteps(out: { deletedRows: number }): Generator<void, void, void> {
    const cutoff = this.now() - this.retention.maxAgeMs;
    // By age. Ids and rowids grow with time, so "older than the first row at or after the cutoff"
    // finds old rows without an index on time (a few stragglers written late may live a little longer).
    const firstLine = this.stmt('SELECT id FROM logs WHERE at >= ? ORDER BY id LIMIT 1').get(cutoff) as { id: number } | undefined;
    yield* this.deleteLoop(out, 'lines', `DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE id < ? ORDER BY id LIMIT ${DELETE_BATCH})`, firstLine?.id ?? Number.MAX_SAFE_INTEGER);
    yield* this.deleteLoop(out, 'invocations', `DELETE FROM invocations WHERE rowid IN (SELECT rowid FROM invocations WHERE started_at < ? LIMIT ${DELETE_BATCH})`, cutoff);
    for (const table of ['env_states', 'tmp_changes']) {
      const first = this.stmt(`SELECT rowid AS r FROM ${table} WHERE at >= ? ORDER BY rowid LIMIT 1`).get(cutoff) as { r: number } | undefined;
      yield* this.deleteLoop(out, null, `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE rowid < ? ORDER BY rowid LIMIT ${DELETE_BATCH})`, first?.r ?? Number.MAX_SAFE_INTEGER);
    }
    out.deletedRows += this.stmt("DELETE FROM envs WHERE state = 'gone' AND ended_at < ?").run(cutoff).changes;
    yield* this.compact();
    // By size: the oldest fifth of each history, until the files fit.
    for (let round = 0; round < SIZE_ROUNDS && this.fileBytes() > this.retention.maxBytes; round++) {
      const before = out.deletedRows;
      const fifth = (n: number) => Math.ceil(n / 5);
      const count = (table: string) => (this.stmt(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      yield* this.deleteOldest(out, 'lines', 'DELETE FROM logs WHERE id IN (SELECT id FROM logs ORDER BY id LIMIT ?)', fifth(this.lineCount));
      yield* this.deleteOldest(out, 'invocations', 'DELETE FROM invocations WHERE rowid IN (SELECT rowid FROM invocations ORDER BY started_at LIMIT ?)', fifth(this.invocationCount));
      for (const table of ['env_states', 'tmp_changes']) {
        yield* this.deleteOldest(out, null, `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} ORDER BY rowid LIMIT ?)`, fifth(count(table)));
      }
      if (out.deletedRows === before) break; // nothing left to delete: the schema alone is over the bound
      yield* this.compact();
    }
  }

  private *deleteLoop(out: { deletedRows: number }, counter: 'lines' | 'invocations' | null, sql: string, bound: number): Generator<void, void, void> {
    for (;;) {
      const n = this.stmt(sql).run(bound).changes;
      this.deleted(out, counter, n);
      if (n < DELETE_BATCH) return;
      yield;
    }
  }

  private *deleteOldest(out: { deletedRows: number }, counter: 'lines' | 'invocations' | null, sql: string, total: number): Generator<void, void, void> {
    for (let left = total; left > 0; ) {
      const n = this.stmt(sql).run(Math.min(left, DELETE_BATCH)).changes;
      this.deleted(out, counter, n);
      if (n === 0) return;
      left -= n;
      yield;
    }
  }

  private deleted(out: { deletedRows: number }, counter: 'lines' | 'invocations' | null, n: number): void {
    out.deletedRows += n;
    if (counter === 'lines') this.lineCount -= n;
    else if (counter === 'invocations') this.invocationCount -= n;
  }

  /** Gives freed pages back to the file system, then folds the WAL in and truncates it. */
  private *compact(): Generator<void, void, void> {
    const freePages = () => this.db.pragma('freelist_count', { simple: true }) as number;
    if ((this.db.pragma('auto_vacuum', { simple: true }) as number) === 2) {
      for (let free = freePages(), prev = Number.POSITIVE_INFINITY; free > 0 && free < prev; prev = free, free = freePages()) {
        this.db.exec(`PRAGMA incremental_vacuum(${VACUUM_PAGES})`);
        yield;
      }
    }
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  private fileBytes(): number {
    let bytes = 0;
    for (const p of [this.path, `${this.path}-wal`]) {
      try {
        bytes += statSync(p).size;
      } catch {
        // no WAL yet
      }
    }
    return bytes;
  }

  /** Writes what is queued, stops the timers, closes the file. */
  close(): void {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      this.closed = true;
      if (this.flushTimer) clearTimeout(this.flushTimer);
      clearInterval(this.retentionTimer);
      this.retentionRun?.return();
      this.retentionRun = undefined;
      this.db.close();
    }
  }
}

function cleanLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : 0;
}

function whereSql(where: string[]): string {
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

function toInvocation(r: Row): InvocationRecord {
  const rec: InvocationRecord = {
    seq: r.seq as number, requestId: r.request_id as string, functionName: r.function as string, version: r.version as string,
    source: r.source as InvocationRecord['source'], cold: r.cold === 1, startedAt: r.started_at as number, endedAt: r.ended_at as number,
    queuedMs: r.queued_ms as number, durationMs: r.duration_ms as number, billedMs: r.billed_ms as number, memorySizeMb: r.memory_mb as number,
    maxMemoryUsedMb: r.max_memory_mb as number, architecture: r.arch as InvocationRecord['architecture'], status: r.status as InvocationRecord['status'],
    payloadBytes: r.payload_bytes as number, responseBytes: r.response_bytes as number, spans: JSON.parse(r.spans as string) as InvocationRecord['spans'],
  };
  if (r.env_id !== null) rec.envId = r.env_id as string;
  if (r.cause !== null) rec.coldCause = r.cause as string;
  if (r.init_ms !== null) rec.initMs = r.init_ms as number;
  if (r.error_type !== null) rec.errorType = r.error_type as string;
  if (r.log_from !== null) rec.logFrom = r.log_from as number;
  if (r.log_to !== null) rec.logTo = r.log_to as number;
  return rec;
}
