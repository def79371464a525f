// The AWS-compatible Lambda REST API (rest-json protocol) over the engine.
// Real AWS clients (AWS CLI v2, @aws-sdk/client-lambda with --endpoint-url)
// talk to this unchanged. Plain node:http: the invoke path is hot, so routing
// is a few string checks, not a framework.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../engine/engine.js';
import { LambdaError } from '../engine/errors.js';
import type { FunctionRecord } from '../engine/control/functions.js';

/** Invoke request and response limit (spec §6). */
export const MAX_SYNC_PAYLOAD = 6_291_456;
/** CreateFunction carries a base64 zip of up to 50 MB (~67 MB encoded) plus JSON. */
const MAX_CONTROL_BODY = 70 * 1024 * 1024;
/** Past this we do not even drain the body; we answer and close. */
const DRAIN_LIMIT = 80 * 1024 * 1024;

class BodyTooLarge extends Error {}

/** Lambda hands an empty payload to the function as `{}`. */
const EMPTY_EVENT = Buffer.from('{}');

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? -1);
    if (declared > DRAIN_LIMIT) {
      reject(new BodyTooLarge());
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
    req.on('end', () => (over ? reject(new BodyTooLarge()) : resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size))));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, err: LambdaError, close = false): void {
  const body: Record<string, string> = { Type: 'User', Message: err.message, message: err.message, ...err.extra };
  sendJson(res, err.status, body, { 'x-amzn-ErrorType': err.code, ...(close ? { Connection: 'close' } : {}) });
}

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'));
  } catch (err) {
    throw new LambdaError('InvalidRequestContentException', `Could not parse request body into json: ${what}: ${(err as Error).message}`);
  }
}

export interface LambdaApiOptions {
  engine: Engine;
  /** Extra routes (the UI in serve mode); return true when handled. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => boolean;
  log?: (message: string) => void;
}

export class LambdaApi {
  readonly server: Server;
  /** `http://127.0.0.1:<port>` once listening. */
  baseUrl = '';

  constructor(private readonly opts: LambdaApiOptions) {
    this.server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      this.route(req, res).catch((err) => this.fail(res, err));
    });
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const actual = (this.server.address() as AddressInfo).port;
        this.baseUrl = `http://${host}:${actual}`;
        resolve(actual);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof BodyTooLarge) {
      sendError(res, new LambdaError('RequestTooLargeException', `Request must be smaller than ${MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation`), true);
      return;
    }
    if (err instanceof LambdaError) return sendError(res, err);
    this.opts.log?.(`[api] internal error: ${(err as Error).stack ?? String(err)}`);
    sendError(res, new LambdaError('ServiceException', `The workbench failed to handle the request: ${(err as Error).message}`));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const method = req.method ?? 'GET';

    const fn = path.match(/^\/2015-03-31\/functions\/([^/]+)(\/[a-z-]+)?\/?$/);
    if (fn) {
      const name = decodeURIComponent(fn[1]!);
      const sub = fn[2] ?? '';
      if (sub === '/invocations' && method === 'POST') return this.invoke(req, res, name, query.get('Qualifier') ?? undefined);
      if (sub === '' && method === 'GET') return this.getFunction(res, name, query.get('Qualifier') ?? undefined);
      if (sub === '/configuration' && method === 'GET') return this.getConfiguration(res, name, query.get('Qualifier') ?? undefined);
      if (sub === '' && method === 'DELETE') {
        await this.opts.engine.deleteFunction(name, query.get('Qualifier') ?? undefined);
        res.writeHead(204).end();
        return;
      }
    }
    if (/^\/2015-03-31\/functions\/?$/.test(path)) {
      if (method === 'POST') return this.createFunction(req, res);
      if (method === 'GET') return this.listFunctions(res, query);
    }
    if (this.opts.fallback?.(req, res)) return;
    throw new LambdaError('UnknownOperationException', `No Lambda API operation matches ${method} ${path}.`);
  }

  private async createFunction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = parseJson(await readBody(req, MAX_CONTROL_BODY), 'CreateFunction');
    const record = await this.opts.engine.createFunction(body as object);
    sendJson(res, 201, record.config);
  }

  private getFunction(res: ServerResponse, name: string, qualifier?: string): void {
    const { record } = this.opts.engine.functions.resolve(name, qualifier);
    sendJson(res, 200, this.functionView(record));
  }

  private functionView(record: FunctionRecord): object {
    return {
      Configuration: record.config,
      // AWS gives a presigned S3 URL; ours downloads the same bytes from the workbench.
      Code: { RepositoryType: 'S3', Location: `${this.baseUrl}/_workbench/code/${record.codeKey}.zip` },
      ...(Object.keys(record.tags).length ? { Tags: record.tags } : {}),
    };
  }

  private getConfiguration(res: ServerResponse, name: string, qualifier?: string): void {
    sendJson(res, 200, this.opts.engine.functions.resolve(name, qualifier).record.config);
  }

  private listFunctions(res: ServerResponse, query: URLSearchParams): void {
    const max = query.get('MaxItems');
    sendJson(res, 200, this.opts.engine.functions.list(query.get('Marker') ?? undefined, max === null ? undefined : Number(max)));
  }

  private async invoke(req: IncomingMessage, res: ServerResponse, name: string, qualifier?: string): Promise<void> {
    const payload = await readBody(req, MAX_SYNC_PAYLOAD);
    const type = (req.headers['x-amz-invocation-type'] as string | undefined) ?? 'RequestResponse';
    if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
      throw new LambdaError('InvalidParameterValueException', `Invalid invocation type ${type}: use RequestResponse, Event or DryRun.`);
    }
    const engine = this.opts.engine;
    if (type === 'DryRun') {
      engine.functions.resolve(name, qualifier);
      res.writeHead(204).end();
      return;
    }
    if (payload.length > 0) parseJson(payload, 'Could not parse payload into json');
    const event = payload.length === 0 ? EMPTY_EVENT : payload;
    if (type === 'Event') {
      // Fire-and-forget until the durable async queue lands (issue 3).
      engine.invoke({ functionName: name, qualifier, payload: event }).catch((err) => this.opts.log?.(`[async] ${(err as Error).message}`));
      res.writeHead(202, { 'Content-Length': 0 }).end();
      return;
    }
    const out = await engine.invoke({
      functionName: name,
      qualifier,
      payload: event,
      tail: req.headers['x-amz-log-type'] === 'Tail',
      clientContextBase64: req.headers['x-amz-client-context'] as string | undefined,
    });
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': out.payload.length,
      'X-Amz-Executed-Version': out.executedVersion,
      'x-amzn-RequestId': out.requestId,
    };
    if (out.functionError) headers['X-Amz-Function-Error'] = out.functionError;
    if (out.logResult !== undefined) headers['X-Amz-Log-Result'] = out.logResult;
    res.writeHead(200, headers);
    res.end(out.payload);
  }
}
