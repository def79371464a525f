// The audit trail, as CloudTrail keeps one: every control-plane call is
// appended as one entry (what was asked, by whom, how it ended), with secrets
// masked before anything is written. Entries form a hash chain, so an entry
// altered or removed after the fact is found by `verify`.
import { createHash } from 'node:crypto';
import type { Db } from '../store/database.js';

/** Appended as a numbered migration by the lead; safe to run twice. */
export const AUDIT_SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_log (
  -- AUTOINCREMENT: sqlite_sequence then remembers the highest id ever written,
  -- which is how verify notices entries removed from the end of the chain.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time TEXT NOT NULL,
  operation TEXT NOT NULL,
  function_name TEXT,
  parameters TEXT NOT NULL,
  caller TEXT NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('success', 'error')),
  error_code TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_by_function ON audit_log (function_name, id);
`;

/** The chain's anchor: the first entry's prevHash. */
export const GENESIS_HASH = '0'.repeat(64);

/** What stands in for a masked value. */
export const MASK = '****';

/**
 * Who called. `sdk`/`cli`: a SigV4-signed call, by its access key (`verified`
 * when strict auth checked the signature, false when only its form was
 * checked). `ui`: the workbench's own UI, by its session. `anonymous`: an
 * unsigned call let through with `--auth off`. `refused`: a call the guard
 * refused (foreign Host or Origin, missing or bad signature); the entry's
 * errorCode says why.
 */
export interface AuditCaller {
  type: 'sdk' | 'cli' | 'ui' | 'anonymous' | 'refused';
  accessKeyId?: string;
  verified?: boolean;
  sessionId?: string;
  userAgent?: string;
  /** For refused calls: the Origin and Host the request carried (a page's, in a cross-site attempt). */
  origin?: string;
  host?: string;
}

export type AuditResult = 'success' | 'error';

export interface AuditInput {
  /** The plain AWS operation name: `CreateFunction`, `UpdateFunctionConfiguration`, … */
  operation: string;
  /** The request as the caller sent it; masked here, never stored as given. */
  parameters: Record<string, unknown>;
  caller: AuditCaller;
  result: AuditResult;
  /** AWS's exception name when result is `error`. */
  errorCode?: string;
}

export interface AuditEntry {
  id: number;
  time: string;
  operation: string;
  /** The function the call named (from FunctionName or a function ARN in Resource), for filtering. */
  functionName?: string;
  parameters: Record<string, unknown>;
  caller: AuditCaller;
  result: AuditResult;
  errorCode?: string;
  prevHash: string;
  hash: string;
}

export type AuditVerdict = { intact: true; count: number } | { intact: false; brokenAt: number; reason: string };

export interface AuditQuery {
  /** At most this many entries (default 100, at most 10,000). */
  limit?: number;
  /** Entries after this id: pass the last id of one page to get the next. */
  afterId?: number;
  functionName?: string;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

interface AuditRow {
  id: number;
  time: string;
  operation: string;
  function_name: string | null;
  parameters: string;
  caller: string;
  result: AuditResult;
  error_code: string | null;
  prev_hash: string;
  hash: string;
}

/** The tip of the chain: what the next entry chains from. */
interface ChainHead {
  lastId: number;
  lastHash: string;
}

// ---------------------------------------------------------------------------
// Canonical JSON and hashing

/**
 * JSON with object keys sorted at every depth, so an entry hashes the same
 * after a round trip through SQLite (or any JSON tool) that reorders keys.
 * Values are expected to be plain JSON already (see `maskParameters`).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const fields: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    if (obj[key] === undefined) continue; // as JSON.stringify does: an absent field and an undefined one are the same
    fields.push(`${JSON.stringify(key)}:${canonicalJson(obj[key])}`);
  }
  return `{${fields.join(',')}}`;
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** The hash of an entry: over the previous hash and every field but the hash itself. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return sha256Hex(entry.prevHash + canonicalJson(entry));
}

// ---------------------------------------------------------------------------
// Masking

/**
 * Key names that hold secrets. A key is split into words (camelCase, snake_case,
 * kebab-case); it is secret when a word names a secret outright, or when its
 * last word is "key" (ApiKey, PRIVATE_KEY, SecretAccessKey), but not when "key"
 * only qualifies another word (AccessKeyId, KMSKeyArn, tagKeys are names, not secrets).
 */
const SECRET_WORDS = /^(secrets?|passwords?|passwd|pwd|passphrase|tokens?|credentials?|authorization|auth|apikey|privatekey|signature)$/;

export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.length === 0) return false;
  return words.some((w) => SECRET_WORDS.test(w)) || words[words.length - 1] === 'key';
}

/**
 * A code package as the audit shows it: its size and digest, never its bytes.
 * The digest is base64, like a function's CodeSha256, so a reader can match an
 * UpdateFunctionCode entry to the configuration it produced.
 */
function describeZip(zip: unknown): { sha256: string; bytes: number } | string {
  let bytes: Buffer;
  if (typeof zip === 'string') bytes = Buffer.from(zip, 'base64');
  else if (zip instanceof Uint8Array) bytes = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  else return MASK; // not a package at all (the call will fail validation); still never stored
  return { sha256: createHash('sha256').update(bytes).digest('base64'), bytes: bytes.length };
}

const MAX_DEPTH = 32;

/** Environment.Variables: the names stay (a reader wants to see which changed), the values go. */
function maskVariables(vars: unknown): unknown {
  if (vars === null || typeof vars !== 'object' || Array.isArray(vars)) return MASK;
  const out: Record<string, string> = {};
  for (const name of Object.keys(vars)) out[name] = MASK;
  return out;
}

/**
 * A copy of `value` fit to store: secrets masked, and reduced to plain JSON
 * (binary as its digest, dates as ISO text, non-finite numbers as null), so
 * that what is hashed is exactly what reads back.
 */
function maskValue(value: unknown, key: string | undefined, parentKey: string | undefined, depth = 0): unknown {
  if (key !== undefined) {
    if (key === 'ZipFile') return describeZip(value);
    if (key === 'Variables' && parentKey === 'Environment') return maskVariables(value);
    if (isSecretKey(key) && value !== undefined) return MASK;
  }
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value instanceof Uint8Array) return describeZip(value);
  if (value instanceof Date) return value.toISOString();
  // No Lambda parameter nests this deep; a hostile body that does (thousands of levels overflowed the
  // stack, and the call went unrecorded) is kept down to here and marked.
  if (depth >= MAX_DEPTH) return `[nested deeper than ${MAX_DEPTH} levels: not kept]`;
  if (Array.isArray(value)) return value.map((v) => maskValue(v, undefined, key, depth + 1) ?? null);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const masked = maskValue(v, k, key, depth + 1);
    if (masked !== undefined) out[k] = masked;
  }
  return out;
}

export function maskParameters(parameters: Record<string, unknown>): Record<string, unknown> {
  const masked = maskValue(parameters ?? {}, undefined, undefined);
  return masked !== null && typeof masked === 'object' && !Array.isArray(masked) ? (masked as Record<string, unknown>) : {};
}

/**
 * The function a call is about, from any name form AWS accepts (name,
 * name:qualifier, partial or full ARN) in FunctionName, or the function ARN
 * that tag operations give as Resource. Tolerant on purpose: a call refused for
 * a malformed name is still audited, just without a function to file it under.
 */
const FUNCTION_REF = /^(?:arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?([a-zA-Z0-9-_]{1,64})(?::[a-zA-Z0-9-_$]+)?$/;

export function functionNameOf(parameters: Record<string, unknown>): string | undefined {
  for (const ref of [parameters.FunctionName, parameters.Resource]) {
    if (typeof ref !== 'string') continue;
    const m = ref.match(FUNCTION_REF);
    if (m) return m[1];
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// The trail

function rowToEntry(row: AuditRow): AuditEntry {
  const entry: AuditEntry = {
    id: row.id,
    time: row.time,
    operation: row.operation,
    parameters: JSON.parse(row.parameters) as Record<string, unknown>,
    caller: JSON.parse(row.caller) as AuditCaller,
    result: row.result,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
  if (row.function_name !== null) entry.functionName = row.function_name;
  if (row.error_code !== null) entry.errorCode = row.error_code;
  return entry;
}

function withoutHash(entry: AuditEntry): Omit<AuditEntry, 'hash'> {
  const { hash: _hash, ...rest } = entry;
  return rest;
}

const isPrimaryKeyClash = (err: unknown) => (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';

export class AuditTrail {
  private readonly insert;
  private readonly lastRow;
  private readonly highestId;
  /** Read from the database once, then advanced by each append; undefined = read it again. */
  private head: ChainHead | undefined;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO audit_log (id, time, operation, function_name, parameters, caller, result, error_code, prev_hash, hash)
       VALUES (@id, @time, @operation, @functionName, @parameters, @caller, @result, @errorCode, @prevHash, @hash)`,
    );
    this.lastRow = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1');
    this.highestId = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").pluck();
  }

  /**
   * Records one control-plane call. Synchronous from start to end (better-sqlite3
   * is), so appends from concurrent requests in this process cannot interleave
   * and the chain never forks.
   */
  append(input: AuditInput): AuditEntry {
    const entry = this.build(input, this.readHead());
    try {
      this.write(entry);
    } catch (err) {
      if (!isPrimaryKeyClash(err)) throw err;
      // Another writer (a second AuditTrail, another process) moved the tip: chain
      // from the real tip, reading it and writing under one write lock.
      return this.db.transaction(() => {
        this.head = undefined;
        const rebuilt = this.build(input, this.readHead());
        this.write(rebuilt);
        return rebuilt;
      }).immediate();
    }
    return entry;
  }

  /** Entries oldest first, paged forward by `afterId`. */
  list(query: AuditQuery = {}): AuditEntry[] {
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
    const afterId = query.afterId ?? 0;
    const rows =
      query.functionName === undefined
        ? this.db.prepare('SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit)
        : this.db.prepare('SELECT * FROM audit_log WHERE function_name = ? AND id > ? ORDER BY id LIMIT ?').all(query.functionName, afterId, limit);
    return (rows as AuditRow[]).map(rowToEntry);
  }

  /**
   * Walks the chain in id order and names the first entry that breaks it: one
   * whose content no longer matches its hash (altered), whose prevHash is not
   * the previous entry's hash (re-chained), or that follows a gap in the ids
   * (entries removed; the entry after the gap is named). Entries removed from
   * the end leave no entry after them: the first missing id is named instead.
   */
  verify(): AuditVerdict {
    let expectedId = 1;
    let prevHash = GENESIS_HASH;
    let count = 0;
    for (const row of this.db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as IterableIterator<AuditRow>) {
      const broken = this.checkLink(row, expectedId, prevHash);
      if (broken) return broken;
      expectedId = row.id + 1;
      prevHash = row.hash;
      count++;
    }
    const highest = (this.highestId.get() as number | undefined) ?? 0;
    if (highest >= expectedId) {
      return { intact: false, brokenAt: expectedId, reason: `entries ${span(expectedId, highest)} were removed from the end of the trail` };
    }
    return { intact: true, count };
  }

  private checkLink(row: AuditRow, expectedId: number, prevHash: string): AuditVerdict | undefined {
    if (row.id !== expectedId) {
      return { intact: false, brokenAt: row.id, reason: `entries ${span(expectedId, row.id - 1)} before entry ${row.id} are missing` };
    }
    let entry: AuditEntry;
    try {
      entry = rowToEntry(row);
    } catch {
      return { intact: false, brokenAt: row.id, reason: `entry ${row.id} is not readable JSON: it was altered` };
    }
    if (entryHash(withoutHash(entry)) !== row.hash) {
      return { intact: false, brokenAt: row.id, reason: `entry ${row.id} does not match its hash: its content was altered` };
    }
    if (row.prev_hash !== prevHash) {
      return { intact: false, brokenAt: row.id, reason: `entry ${row.id} does not chain from entry ${row.id - 1}: its prevHash differs from that entry's hash` };
    }
    return undefined;
  }

  private build(input: AuditInput, head: ChainHead): AuditEntry {
    const parameters = maskParameters(input.parameters);
    const unhashed: Omit<AuditEntry, 'hash'> = {
      id: head.lastId + 1,
      time: new Date().toISOString(),
      operation: input.operation,
      parameters,
      caller: maskCaller(input.caller),
      result: input.result,
      prevHash: head.lastHash,
    };
    const functionName = functionNameOf(parameters);
    if (functionName !== undefined) unhashed.functionName = functionName;
    if (input.result === 'error' && input.errorCode !== undefined) unhashed.errorCode = input.errorCode;
    return { ...unhashed, hash: entryHash(unhashed) };
  }

  private write(entry: AuditEntry): void {
    this.insert.run({
      id: entry.id,
      time: entry.time,
      operation: entry.operation,
      functionName: entry.functionName ?? null,
      parameters: canonicalJson(entry.parameters),
      caller: canonicalJson(entry.caller),
      result: entry.result,
      errorCode: entry.errorCode ?? null,
      prevHash: entry.prevHash,
      hash: entry.hash,
    });
    // Inside a caller's transaction the row may yet be rolled back; then the
    // remembered tip would be wrong, so read it again next time instead.
    this.head = this.db.inTransaction ? undefined : { lastId: entry.id, lastHash: entry.hash };
  }

  /**
   * The tip to chain from. Ids continue past the highest ever written, so
   * entries removed from the end stay visible as a gap rather than being
   * silently reused.
   */
  private readHead(): ChainHead {
    if (this.head) return this.head;
    const last = this.lastRow.get() as { id: number; hash: string } | undefined;
    const highest = (this.highestId.get() as number | undefined) ?? 0;
    this.head = { lastId: Math.max(highest, last?.id ?? 0), lastHash: last?.hash ?? GENESIS_HASH };
    return this.head;
  }
}

/** The caller as stored: only the fields the audit knows, so nothing else rides along. */
function maskCaller(caller: AuditCaller): AuditCaller {
  const out: AuditCaller = { type: caller.type };
  // Strings come from request headers, hostile ones included: bounded, so no entry grows without limit.
  const text = (v: string) => v.slice(0, 256);
  if (typeof caller.accessKeyId === 'string') out.accessKeyId = text(caller.accessKeyId);
  if (typeof caller.verified === 'boolean') out.verified = caller.verified;
  if (typeof caller.sessionId === 'string') out.sessionId = text(caller.sessionId);
  if (typeof caller.userAgent === 'string') out.userAgent = text(caller.userAgent);
  if (typeof caller.origin === 'string') out.origin = text(caller.origin);
  if (typeof caller.host === 'string') out.host = text(caller.host);
  return out;
}

const span = (from: number, to: number) => (from === to ? `${from}` : `${from}–${to}`);
