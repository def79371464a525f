// Small HTTP pieces shared by the API's handlers: bounded body reading and
// AWS's rest-json responses and error envelope.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LambdaError } from '../engine/errors.js';

/** Invoke request and response limit (spec §6). */
export const MAX_SYNC_PAYLOAD = 6_291_456;
/** CreateFunction carries a base64 zip of up to 50 MB (~67 MB encoded) plus JSON. */
export const MAX_CONTROL_BODY = 69_905_067; // AWS's own limit for CreateFunction / UpdateFunctionCode
/** Past this we do not even drain the body; we answer and close. */
const DRAIN_LIMIT = 80 * 1024 * 1024;

/** A request body over its operation's limit: answered 413 with AWS's message. */
export class BodyTooLarge extends Error {
  constructor(
    readonly limit: number,
    readonly operation: string,
  ) {
    super(`Request must be smaller than ${limit} bytes for the ${operation} operation`);
  }
}

/** Lambda hands an empty payload to the function as `{}`. */
export const EMPTY_EVENT = Buffer.from('{}');

/** Bodies read before routing (strict auth hashes the body to check the signature), for the handler to reuse. */
const bufferedBodies = new WeakMap<IncomingMessage, Buffer>();

export function readBody(req: IncomingMessage, limit: number, operation = 'InvokeFunction'): Promise<Buffer> {
  const buffered = bufferedBodies.get(req);
  if (buffered) return buffered.length > limit ? Promise.reject(new BodyTooLarge(limit, operation)) : Promise.resolve(buffered);
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? -1);
    if (declared > DRAIN_LIMIT) {
      reject(new BodyTooLarge(limit, operation));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true; // keep draining so the client reads our 413
      else chunks.push(c);
      if (size > DRAIN_LIMIT) req.destroy();
    });
    req.on('end', () => {
      if (over) return reject(new BodyTooLarge(limit, operation));
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      bufferedBodies.set(req, body);
      resolve(body);
    });
    req.on('error', reject);
  });
}

/** The access key id of a SigV4 `Authorization` header (its signature is not checked). */
export function sigV4AccessKey(authorization: string | undefined): string | undefined {
  return authorization?.match(/Credential=([^/,\s]+)\//)?.[1];
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** AWS's error shape for a LambdaError or anything with the same parts (the auth guard's refusals). */
export function sendError(res: ServerResponse, err: { status: number; code: string; message: string; extra: Record<string, string> }, close = false): void {
  const body: Record<string, string> = { Type: 'User', Message: err.message, message: err.message, ...err.extra };
  sendJson(res, err.status, body, { 'x-amzn-ErrorType': err.code, ...(close ? { Connection: 'close' } : {}) });
}

export function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'));
  } catch (err) {
    throw new LambdaError('InvalidRequestContentException', `Could not parse request body into json: ${what}: ${(err as Error).message}`);
  }
}

