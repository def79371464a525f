// SQLite (better-sqlite3): the one place the workbench persists state.
// Migrations are numbered and applied in order inside a transaction.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ASYNC_QUEUE_PER_FUNCTION_SCHEMA, ASYNC_QUEUE_SCHEMA } from '../data/async-queue-store.js';
import { AUDIT_SCHEMA } from '../telemetry/audit.js';
import { CONFIG_HISTORY_SCHEMA } from '../telemetry/config-history.js';
import { SAVED_EVENTS_SCHEMA } from '../control/saved-events.js';

const MIGRATIONS: string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE functions (
     name TEXT PRIMARY KEY,
     config TEXT NOT NULL,
     code_key TEXT NOT NULL,
     created_at TEXT NOT NULL
   );`,
  `ALTER TABLE functions ADD COLUMN last_version INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE versions (
     function_name TEXT NOT NULL,
     version INTEGER NOT NULL,
     config TEXT NOT NULL,
     code_key TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (function_name, version)
   );
   CREATE TABLE aliases (
     function_name TEXT NOT NULL,
     name TEXT NOT NULL,
     config TEXT NOT NULL,
     PRIMARY KEY (function_name, name)
   );`,
  ASYNC_QUEUE_SCHEMA,
  AUDIT_SCHEMA + CONFIG_HISTORY_SCHEMA,
  `CREATE TABLE layers (
     name TEXT NOT NULL,
     version INTEGER NOT NULL,
     config TEXT NOT NULL,
     code_key TEXT NOT NULL,
     unzipped_size INTEGER NOT NULL,
     created_at TEXT NOT NULL,
     deleted INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (name, version)
   );
   CREATE TABLE layer_names (name TEXT PRIMARY KEY, highest INTEGER NOT NULL);`,
  SAVED_EVENTS_SCHEMA,
  ASYNC_QUEUE_PER_FUNCTION_SCHEMA,
];

export type Db = Database.Database;

export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'workbench.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let i = version; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i]!);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
  return db;
}

export function metaGet(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function metaSet(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
