// Where an asynchronous invocation's outcome goes once the queue is done with
// it: an invocation record in AWS's exact shape for an on-success / on-failure
// destination, or the bare event in the dead-letter store when a failed event
// has no on-failure destination (AWS's DLQ also carries only the event).
import type { Db } from '../store/database.js';

/** Tables of the two stores; part of ASYNC_QUEUE_SCHEMA. */
export const DESTINATIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS async_destination_records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  destination TEXT NOT NULL,
  function_name TEXT NOT NULL,
  request_id TEXT NOT NULL,
  condition TEXT NOT NULL,
  record TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS async_destination_records_by_name ON async_destination_records (destination, seq);
CREATE TABLE IF NOT EXISTS async_dead_letters (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL,
  function_name TEXT NOT NULL,
  qualifier TEXT,
  reason TEXT NOT NULL,
  error_code TEXT,
  error_message TEXT,
  invoke_count INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  dead_at INTEGER NOT NULL,
  payload BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS async_dead_letters_by_function ON async_dead_letters (function_name, seq);
`;

export type DestinationCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

/** What a function answered to one attempt (kept for the record of a later failure). */
export interface FunctionResponse {
  statusCode: number;
  executedVersion: string;
  functionError?: string;
  payload: Buffer;
}

/** AWS's invocation record; keys are declared in the order AWS serialises them. */
export interface DestinationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: DestinationCondition;
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  /** Absent when the function never answered (every attempt throttled, or too old to try). */
  responseContext?: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload?: unknown;
}

export interface RecordInput {
  requestId: string;
  functionArn: string;
  condition: DestinationCondition;
  approximateInvokeCount: number;
  requestPayload: Buffer;
  response?: FunctionResponse;
  at: number;
}

export function buildRecord(input: RecordInput): DestinationRecord {
  const record: DestinationRecord = {
    version: '1.0',
    timestamp: new Date(input.at).toISOString(),
    requestContext: {
      requestId: input.requestId,
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
    },
    requestPayload: decodePayload(input.requestPayload),
  };
  const r = input.response;
  if (r) {
    record.responseContext = { statusCode: r.statusCode, executedVersion: r.executedVersion };
    if (r.functionError) record.responseContext.functionError = r.functionError;
    record.responsePayload = decodePayload(r.payload);
  }
  return record;
}

/** Payloads are JSON in practice; an empty one is `null` and anything else stays text rather than being lost. */
export function decodePayload(payload: Buffer): unknown {
  if (payload.length === 0) return null;
  const text = payload.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The function's own error message, for the dead-letter entry (AWS's DLQ `ErrorMessage` attribute, 1 KB at most). */
export function errorMessageOf(response: FunctionResponse | undefined): string | undefined {
  if (!response) return undefined;
  const body = decodePayload(response.payload);
  const message = body && typeof body === 'object' && 'errorMessage' in body ? String((body as { errorMessage: unknown }).errorMessage) : JSON.stringify(body);
  return message.slice(0, 1024);
}

export type DestinationTarget =
  | { kind: 'function'; functionName: string; qualifier?: string }
  | { kind: 'store'; name: string };

const FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:[^:]+:[^:]+:function:([A-Za-z0-9_-]+)(?::(\$LATEST|[A-Za-z0-9_-]+))?$/;
const STORE_ARN = /^arn:aws[a-zA-Z-]*:workbench:[^:]+:[^:]+:destination:([A-Za-z0-9_.-]+)$/;
/** An SQS queue or SNS topic: what a DeadLetterConfig may name, and two of a destination's kinds. */
export const QUEUE_OR_TOPIC_ARN = /^arn:aws[a-zA-Z-]*:(sqs|sns):[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/;
const BUS_OR_BUCKET_ARN = /^arn:aws[a-zA-Z-]*:(events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9_.\/-]+|s3:::[a-z0-9.-]{3,63})$/;

/** Where a destination ARN leads: a Lambda function, or a local store (a workbench store, or an SQS, SNS, EventBridge or S3 ARN); undefined for anything else. */
export function parseDestination(arn: string): DestinationTarget | undefined {
  const fn = FUNCTION_ARN.exec(arn);
  if (fn) return fn[2] ? { kind: 'function', functionName: fn[1]!, qualifier: fn[2] } : { kind: 'function', functionName: fn[1]! };
  const store = STORE_ARN.exec(arn);
  if (store) return { kind: 'store', name: store[1]! };
  // SQS, SNS, EventBridge and S3 destinations (AWS's other kinds) are kept as local stores named by
  // their ARN, so a configuration written for AWS works unchanged and its records can be read.
  if (QUEUE_OR_TOPIC_ARN.test(arn) || BUS_OR_BUCKET_ARN.test(arn)) return { kind: 'store', name: arn };
  return undefined;
}

/** Records kept for `arn:aws:workbench:…:destination:<name>` destinations, oldest first. */
export class DestinationStore {
  private readonly insert;
  private readonly latest;
  private readonly remove;

  constructor(db: Db) {
    this.insert = db.prepare(
      'INSERT INTO async_destination_records (destination, function_name, request_id, condition, record, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.latest = db.prepare('SELECT record FROM async_destination_records WHERE destination = ? ORDER BY seq DESC LIMIT ?');
    this.remove = db.prepare('DELETE FROM async_destination_records WHERE destination = ?');
  }

  put(destination: string, functionName: string, record: DestinationRecord, at: number): void {
    const { requestId, condition } = record.requestContext;
    this.insert.run(destination, functionName, requestId, condition, JSON.stringify(record), at);
  }

  /** The latest `limit` records, in arrival order. */
  list(destination: string, limit = 1000): DestinationRecord[] {
    const rows = this.latest.all(destination, limit) as { record: string }[];
    return rows.reverse().map((r) => JSON.parse(r.record) as DestinationRecord);
  }

  clear(destination: string): number {
    return this.remove.run(destination).changes;
  }
}

export type DeadLetterReason = 'RetriesExhausted' | 'EventAgeExceeded' | 'FunctionNotFound' | 'DestinationUndeliverable';

export interface DeadLetter {
  requestId: string;
  functionName: string;
  qualifier?: string;
  /** The event exactly as it was queued. */
  payload: Buffer;
  reason: DeadLetterReason;
  /** AWS's DLQ `ErrorCode`: the last response's status code, or the error code of a throttle/system error. */
  errorCode?: string;
  errorMessage?: string;
  approximateInvokeCount: number;
  receivedAt: string;
  deadAt: string;
}

interface DeadLetterRow {
  request_id: string;
  function_name: string;
  qualifier: string | null;
  payload: Buffer;
  reason: DeadLetterReason;
  error_code: string | null;
  error_message: string | null;
  invoke_count: number;
  received_at: number;
  dead_at: number;
}

/** Failed events with nowhere else to go, so nothing the queue accepted is silently dropped. */
export class DeadLetterStore {
  private readonly insert;
  private readonly all;
  private readonly byFunction;
  private readonly removeAll;
  private readonly removeFunction;

  constructor(db: Db) {
    this.insert = db.prepare(
      `INSERT INTO async_dead_letters (request_id, function_name, qualifier, reason, error_code, error_message, invoke_count, received_at, dead_at, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.all = db.prepare('SELECT * FROM async_dead_letters ORDER BY seq LIMIT ?');
    this.byFunction = db.prepare('SELECT * FROM async_dead_letters WHERE function_name = ? ORDER BY seq LIMIT ?');
    this.removeAll = db.prepare('DELETE FROM async_dead_letters');
    this.removeFunction = db.prepare('DELETE FROM async_dead_letters WHERE function_name = ?');
  }

  put(d: Omit<DeadLetter, 'receivedAt' | 'deadAt'> & { receivedAt: number; deadAt: number }): void {
    this.insert.run(
      d.requestId,
      d.functionName,
      d.qualifier ?? null,
      d.reason,
      d.errorCode ?? null,
      d.errorMessage ?? null,
      d.approximateInvokeCount,
      d.receivedAt,
      d.deadAt,
      d.payload,
    );
  }

  list(functionName?: string, limit = 1000): DeadLetter[] {
    const rows = (functionName ? this.byFunction.all(functionName, limit) : this.all.all(limit)) as DeadLetterRow[];
    return rows.map(toDeadLetter);
  }

  clear(functionName?: string): number {
    return (functionName ? this.removeFunction.run(functionName) : this.removeAll.run()).changes;
  }
}

function toDeadLetter(r: DeadLetterRow): DeadLetter {
  const d: DeadLetter = {
    requestId: r.request_id,
    functionName: r.function_name,
    payload: r.payload,
    reason: r.reason,
    approximateInvokeCount: r.invoke_count,
    receivedAt: new Date(r.received_at).toISOString(),
    deadAt: new Date(r.dead_at).toISOString(),
  };
  if (r.qualifier !== null) d.qualifier = r.qualifier;
  if (r.error_code !== null) d.errorCode = r.error_code;
  if (r.error_message !== null) d.errorMessage = r.error_message;
  return d;
}
