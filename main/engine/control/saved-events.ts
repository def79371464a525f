// Saved test events per function (as the console keeps them): create, list,
// get, rename, delete, persisted in SQLite, and exported to / imported from a
// JSON document so they can live beside the code.
import type { Db } from '../store/database.js';
import { LambdaError, invalidParameter, notFound } from '../errors.js';
import type { SavedEventView as SavedEvent, SavedEventsDocument } from '../../contract/results.js';

export const SAVED_EVENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS saved_events (
  function_name TEXT NOT NULL,
  name TEXT NOT NULL,
  event TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (function_name, name)
);`;

// The shapes the window's contract publishes: one definition for the REST routes, the CLI and the window.
export type { SavedEventView as SavedEvent, SavedEventsDocument } from '../../contract/results.js';

const NAME_RE = /^[A-Za-z0-9._-]{1,100}$/;
const MAX_EVENT_BYTES = 6 * 1024 * 1024;

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw invalidParameter('An event name must be 1-100 letters, digits, dots, hyphens or underscores.');
  }
  return name;
}

function checkEvent(event: unknown): string {
  if (event === undefined) throw invalidParameter('The saved event needs an `event` (any JSON value).');
  const text = JSON.stringify(event);
  if (Buffer.byteLength(text) > MAX_EVENT_BYTES) throw invalidParameter('A saved event must be at most 6 MB, the synchronous invoke limit.');
  return text;
}

interface Row {
  function_name: string;
  name: string;
  event: string;
  created_at: string;
  updated_at: string;
}

const toSaved = (r: Row): SavedEvent => ({ functionName: r.function_name, name: r.name, event: JSON.parse(r.event), createdAt: r.created_at, updatedAt: r.updated_at });

export class SavedEvents {
  constructor(private readonly db: Db) {}

  /** Creates or replaces an event under its name. */
  save(functionName: string, name: unknown, event: unknown): SavedEvent {
    const n = checkName(name);
    const text = checkEvent(event);
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO saved_events (function_name, name, event, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(function_name, name) DO UPDATE SET event = excluded.event, updated_at = excluded.updated_at`,
      )
      .run(functionName, n, text, now, now);
    return this.get(functionName, n);
  }

  list(functionName: string): SavedEvent[] {
    return (this.db.prepare('SELECT * FROM saved_events WHERE function_name = ? ORDER BY name').all(functionName) as Row[]).map(toSaved);
  }

  get(functionName: string, name: string): SavedEvent {
    const row = this.db.prepare('SELECT * FROM saved_events WHERE function_name = ? AND name = ?').get(functionName, name) as Row | undefined;
    if (!row) {
      const names = this.list(functionName).map((e) => e.name);
      throw notFound(`No saved event "${name}" for ${functionName}. Saved: ${names.length ? names.join(', ') : '(none)'}.`);
    }
    return toSaved(row);
  }

  rename(functionName: string, name: string, newName: unknown): SavedEvent {
    const to = checkName(newName);
    this.get(functionName, name);
    if (to !== name && this.db.prepare('SELECT 1 FROM saved_events WHERE function_name = ? AND name = ?').get(functionName, to)) {
      throw new LambdaError('ResourceConflictException', `A saved event named "${to}" already exists for ${functionName}.`);
    }
    this.db.prepare('UPDATE saved_events SET name = ?, updated_at = ? WHERE function_name = ? AND name = ?').run(to, new Date().toISOString(), functionName, name);
    return this.get(functionName, to);
  }

  delete(functionName: string, name: string): void {
    this.get(functionName, name);
    this.db.prepare('DELETE FROM saved_events WHERE function_name = ? AND name = ?').run(functionName, name);
  }

  export(functionName?: string): SavedEventsDocument {
    const rows = (functionName
      ? this.db.prepare('SELECT * FROM saved_events WHERE function_name = ? ORDER BY function_name, name').all(functionName)
      : this.db.prepare('SELECT * FROM saved_events ORDER BY function_name, name').all()) as Row[];
    return { format: 'lambda-workbench/saved-events', version: 1, events: rows.map((r) => ({ functionName: r.function_name, name: r.name, event: JSON.parse(r.event) })) };
  }

  /**
   * Imports a document from `export`; all or nothing. Returns how many events were saved.
   * `functionExists`: when given, every event must name an existing function (checked first).
   */
  import(doc: unknown, functionExists?: (name: string) => boolean): number {
    const d = doc as Partial<SavedEventsDocument> | null;
    if (!d || d.format !== 'lambda-workbench/saved-events' || d.version !== 1 || !Array.isArray(d.events)) {
      throw invalidParameter('Not a saved-events document: expected {"format": "lambda-workbench/saved-events", "version": 1, "events": [...]}.');
    }
    const events = d.events;
    this.db.transaction(() => {
      for (const e of events) {
        if (!e || typeof e.functionName !== 'string' || !e.functionName) throw invalidParameter('Every imported event needs a functionName.');
        if (functionExists && !functionExists(e.functionName)) {
          throw notFound(`The document has events for ${e.functionName}, which does not exist here: create it first (nothing was imported).`);
        }
        this.save(e.functionName, e.name, e.event);
      }
    })();
    return events.length;
  }
}
