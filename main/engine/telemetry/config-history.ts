// Configuration history, as AWS Config keeps one: each time a function is
// created, updated, published or deleted, its whole configuration is recorded
// as a configuration item. Items outlive the function, so "what did it look
// like before it was deleted?" has an answer, and any two items can be diffed.
import type { Db } from '../store/database.js';
import { invalidParameter, notFound } from '../errors.js';

/** Appended as a numbered migration by the lead; safe to run twice. */
export const CONFIG_HISTORY_SCHEMA = `
CREATE TABLE IF NOT EXISTS config_history (
  -- AUTOINCREMENT: an id once given out is never given to another item.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  function_name TEXT NOT NULL,
  time TEXT NOT NULL,
  change TEXT NOT NULL CHECK (change IN ('created', 'updated', 'published', 'deleted')),
  configuration TEXT
);
CREATE INDEX IF NOT EXISTS config_history_by_function ON config_history (function_name, id);
`;

export type ConfigChangeType = 'created' | 'updated' | 'published' | 'deleted';

export interface ConfigItem {
  id: number;
  functionName: string;
  time: string;
  change: ConfigChangeType;
  /** The FunctionConfiguration as recorded; null once the function is deleted. */
  configuration: Record<string, unknown> | null;
}

export interface ConfigChange {
  /** Dotted path from the configuration's root: `MemorySize`, `Environment.Variables.FOO`. */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  from?: unknown;
  to?: unknown;
}

/** The changes from one item to another, ordered by path. */
export type ConfigDiff = ConfigChange[];

/** Fields that change on every update and tell a reader nothing. */
const IGNORED_FIELDS = new Set(['RevisionId', 'LastModified']);

/** How many names an error message lists before it says "and N more". */
const NAMES_IN_MESSAGE = 20;

interface ItemRow {
  id: number;
  function_name: string;
  time: string;
  change: ConfigChangeType;
  configuration: string | null;
}

const rowToItem = (row: ItemRow): ConfigItem => ({
  id: row.id,
  functionName: row.function_name,
  time: row.time,
  change: row.change,
  configuration: row.configuration === null ? null : (JSON.parse(row.configuration) as Record<string, unknown>),
});

export class ConfigHistory {
  private readonly insert;
  private readonly byFunction;
  private readonly byId;

  constructor(private readonly db: Db) {
    this.insert = db.prepare('INSERT INTO config_history (function_name, time, change, configuration) VALUES (?, ?, ?, ?)');
    this.byFunction = db.prepare('SELECT * FROM config_history WHERE function_name = ? ORDER BY id');
    this.byId = db.prepare('SELECT * FROM config_history WHERE id = ?');
  }

  /** Records one configuration item; a deleted function's item carries no configuration. */
  record(functionName: string, change: ConfigChangeType, configuration: object | null): ConfigItem {
    if (change !== 'deleted' && (configuration === null || typeof configuration !== 'object')) {
      throw invalidParameter(`A '${change}' configuration item needs the function's configuration; only 'deleted' items have none.`);
    }
    const time = new Date().toISOString();
    const json = configuration === null ? null : JSON.stringify(configuration);
    const { lastInsertRowid } = this.insert.run(functionName, time, change, json);
    // Read back through JSON, so the item returned is exactly what list() will return.
    return rowToItem({ id: Number(lastInsertRowid), function_name: functionName, time, change, configuration: json });
  }

  /** Every item for the function, oldest first, including after it was deleted. */
  list(functionName: string): ConfigItem[] {
    const rows = this.byFunction.all(functionName) as ItemRow[];
    if (rows.length === 0) throw this.unknownFunction(functionName);
    return rows.map(rowToItem);
  }

  /** What changed from item `fromId` to item `toId`, both of this function. */
  diff(functionName: string, fromId: number, toId: number): ConfigDiff {
    const from = this.item(functionName, fromId);
    const to = this.item(functionName, toId);
    return diffConfigurations(from.configuration, to.configuration);
  }

  private item(functionName: string, id: number): ConfigItem {
    const row = Number.isSafeInteger(id) ? (this.byId.get(id) as ItemRow | undefined) : undefined;
    if (row && row.function_name === functionName) return rowToItem(row);
    const ids = this.list(functionName).map((i) => i.id); // throws first when the function has no history at all
    throw notFound(`Function ${functionName} has no configuration item ${id}. Its items are: ${listed(ids.map(String))}.`);
  }

  private unknownFunction(functionName: string) {
    const names = (this.db.prepare('SELECT DISTINCT function_name FROM config_history ORDER BY function_name').pluck().all() as string[]);
    const known = names.length ? `Functions with history: ${listed(names)}.` : 'No function has any history yet.';
    return notFound(`No configuration history for function ${functionName}. ${known}`);
  }
}

function listed(names: string[]): string {
  if (names.length <= NAMES_IN_MESSAGE) return names.join(', ');
  return `${names.slice(0, NAMES_IN_MESSAGE).join(', ')} and ${names.length - NAMES_IN_MESSAGE} more`;
}

// ---------------------------------------------------------------------------
// Structural diff

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Deep equality of JSON values; object key order does not matter. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameValue(a[k], b[k]));
  }
  return false;
}

/**
 * Each leaf of an object that appeared or disappeared whole is reported on its
 * own (Environment.Variables.A, .B), as a reader looks for them; an empty
 * object is reported as itself so it is not lost.
 */
function leaves(value: unknown, path: string, kind: 'added' | 'removed', out: ConfigChange[]): void {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const key of Object.keys(value)) leaves(value[key], join(path, key), kind, out);
    return;
  }
  out.push(kind === 'added' ? { path, kind, to: value } : { path, kind, from: value });
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Objects are compared key by key; anything else (arrays included) as one value. */
function walk(from: unknown, to: unknown, path: string, out: ConfigChange[]): void {
  if (isObject(from) && isObject(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])];
    for (const key of keys) {
      if (path === '' && IGNORED_FIELDS.has(key)) continue;
      const sub = join(path, key);
      if (!(key in to)) leaves(from[key], sub, 'removed', out);
      else if (!(key in from)) leaves(to[key], sub, 'added', out);
      else walk(from[key], to[key], sub, out);
    }
    return;
  }
  if (!sameValue(from, to)) out.push({ path, kind: 'changed', from, to });
}

/**
 * The changes between two configurations. A missing configuration (a deleted
 * function) counts as empty, so diffing up to a deletion lists every field as removed.
 */
export function diffConfigurations(from: object | null, to: object | null): ConfigDiff {
  const out: ConfigChange[] = [];
  // Through JSON first: undefined fields vanish, as they do in what was stored.
  walk(toJson(from ?? {}), toJson(to ?? {}), '', out);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const toJson = (v: object): Json => JSON.parse(JSON.stringify(v)) as Json;
