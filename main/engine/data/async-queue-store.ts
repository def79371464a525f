// The async queue's table and its statements: the schema (migrations 3 and 8
// embed it), the row as read, and every statement the queue runs, prepared
// once. Kept apart from the queue's logic so the SQL can be read in one place.
import type { Db } from '../store/database.js';
import { DESTINATIONS_SCHEMA } from './destinations.js';

export const ASYNC_QUEUE_SCHEMA = `
CREATE TABLE IF NOT EXISTS async_events (
  request_id TEXT PRIMARY KEY,
  function_name TEXT NOT NULL,
  qualifier TEXT,
  received_at INTEGER NOT NULL,
  -- invocations that reached the function (AWS's approximateInvokeCount)
  attempts INTEGER NOT NULL DEFAULT 0,
  -- throttle / system-error retries so far: the exponent of their backoff
  backoffs INTEGER NOT NULL DEFAULT 0,
  -- pending: when to try next; leased: when the lease expires
  next_attempt_at INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'leased')),
  lease_owner TEXT,
  last_error TEXT,
  last_status INTEGER,
  last_version TEXT,
  last_function_error TEXT,
  last_response BLOB,
  payload BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS async_events_due ON async_events (next_attempt_at);
CREATE INDEX IF NOT EXISTS async_events_state ON async_events (state);
${DESTINATIONS_SCHEMA}`;

/**
 * Migration 8. Sharing delivery slots between functions needs each function's
 * due events in order: (function_name, next_attempt_at). The index on state
 * gives way to a partial one over the few leased rows.
 */
export const ASYNC_QUEUE_PER_FUNCTION_SCHEMA = `
DROP INDEX IF EXISTS async_events_state;
CREATE INDEX IF NOT EXISTS async_events_leased ON async_events (lease_owner) WHERE state = 'leased';
CREATE INDEX IF NOT EXISTS async_events_function_due ON async_events (function_name, next_attempt_at);`;


export interface EventRow {
  request_id: string;
  function_name: string;
  qualifier: string | null;
  received_at: number;
  attempts: number;
  backoffs: number;
  next_attempt_at: number;
  state: 'pending' | 'leased';
  last_error: string | null;
  last_status: number | null;
  last_version: string | null;
  last_function_error: string | null;
  last_response: Buffer | null;
  payload: Buffer;
}

export function prepareStatements(db: Db) {
  const columns = `request_id, function_name, qualifier, received_at, attempts, backoffs, next_attempt_at, state,
    last_error, last_status, last_version, last_function_error, last_response`;
  return {
    insert: db.prepare('INSERT INTO async_events (request_id, function_name, qualifier, received_at, next_attempt_at, payload) VALUES (?, ?, ?, ?, ?, ?)'),
    // One statement, so taking the lease is atomic across connections; the oldest due events first.
    lease: db.prepare(
      `UPDATE async_events SET state = 'leased', lease_owner = ?, next_attempt_at = ?
       WHERE request_id IN (SELECT request_id FROM async_events WHERE next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?)
       RETURNING ${columns}, payload`,
    ),
    leaseOne: db.prepare(`UPDATE async_events SET state = 'leased', lease_owner = ?, next_attempt_at = ? WHERE request_id = ? RETURNING ${columns}, payload`),
    // Every function with queued events: one index seek each (a loose index scan), not a pass over the queue.
    queuedFunctions: db.prepare(
      `WITH RECURSIVE f(name) AS (
         SELECT MIN(function_name) FROM async_events
         UNION ALL SELECT (SELECT MIN(function_name) FROM async_events WHERE function_name > f.name) FROM f WHERE f.name IS NOT NULL
       ) SELECT name FROM f WHERE name IS NOT NULL`,
    ),
    dueFor: db.prepare('SELECT request_id, next_attempt_at FROM async_events WHERE function_name = ? AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?'),
    nextDue: db.prepare('SELECT next_attempt_at FROM async_events WHERE lease_owner IS NULL OR lease_owner <> ? ORDER BY next_attempt_at LIMIT 1'),
    renew: db.prepare(`UPDATE async_events SET next_attempt_at = ? WHERE lease_owner = ? AND state = 'leased'`),
    retryFunctionError: db.prepare(
      `UPDATE async_events SET state = 'pending', lease_owner = NULL, attempts = ?, next_attempt_at = ?, last_error = ?,
         last_status = ?, last_version = ?, last_function_error = ?, last_response = ?
       WHERE request_id = ? AND lease_owner = ?`,
    ),
    retryBackoff: db.prepare(
      `UPDATE async_events SET state = 'pending', lease_owner = NULL, backoffs = backoffs + 1, next_attempt_at = ?, last_error = ?
       WHERE request_id = ? AND lease_owner = ?`,
    ),
    reclaim: db.prepare(`UPDATE async_events SET state = 'pending', lease_owner = NULL, next_attempt_at = ? WHERE state = 'leased' AND lease_owner <> ?`),
    remove: db.prepare('DELETE FROM async_events WHERE request_id = ? AND lease_owner = ?'),
    countAll: db.prepare('SELECT COUNT(*) AS total FROM async_events'),
    countLeased: db.prepare(`SELECT COUNT(*) AS leased FROM async_events WHERE state = 'leased'`),
    queuedAll: db.prepare(`SELECT ${columns} FROM async_events ORDER BY received_at LIMIT ?`),
    queuedFor: db.prepare(`SELECT ${columns} FROM async_events WHERE function_name = ? ORDER BY received_at LIMIT ?`),
    purge: db.prepare(`DELETE FROM async_events WHERE function_name = ? AND state = 'pending'`),
  };
}
