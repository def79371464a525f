// The AWS-compatible Lambda REST API (rest-json protocol) over the engine.
// Real AWS clients (AWS CLI v2, @aws-sdk/client-lambda with --endpoint-url)
// talk to this unchanged. Plain node:http: the invoke path is hot, so routing
// is a few string checks, not a framework.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WS_PATH } from '../contract/index.js';
import type { Engine } from '../engine/engine.js';
import { LambdaError } from '../engine/errors.js';
import { BodyTooLarge, EMPTY_EVENT, MAX_CONTROL_BODY, MAX_SYNC_PAYLOAD, parseJson, readBody, sendError } from './http-util.js';
import { controlRoutes, requestBodies, type Route, type RouteContext } from './control-routes.js';
import { workbenchRoutes } from './workbench-routes.js';
import { compatRoutes } from './compat-routes.js';
import { functionUrlRoutes } from './function-url-routes.js';
import { FunctionUrlServer, functionUrlRequest } from './function-url.js';
import { answerClientError, refuseConnect } from './client-error.js';
import { codeDownloadPath, presignerFor } from './presign.js';
import type { AuditCaller, AuditInput } from '../engine/telemetry/audit.js';
import { ApiGuard, iamVerifier, type AuthMode, type GuardTarget } from './auth/guard.js';
import { AuthRefusal } from './auth/refusal.js';
import { foreignHostRefusal, hostAllowed } from './auth/host.js';
import { sendRefusal } from './auth/refusal.js';
import type { WorkbenchCredentials } from './auth/credentials.js';
import { codeDownloadVerdict, sendDownloadRefusal } from './workbench-api.js';
import type { UiServer } from './ui/index.js';
import { stripUiCookies } from './ui/session.js';

export interface LambdaApiOptions {
  engine: Engine;
  /** Extra routes behind the guard (/_workbench views); return true when handled. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /**
   * Serve mode's window: its paths (`/`, `/index.html`, `/assets/*`, `/_ui/*`) and its WebSocket
   * upgrade go to it, with its own session checks, instead of to the SigV4 guard.
   */
  ui?: UiServer;
  log?: (message: string) => void;
  /** Port of the function URL listener (0 or left out: a free one). */
  functionUrlPort?: number;
  /** Who may call (main/server/auth/guard.ts); mode `default` when left out. Strict needs the workbench's key. */
  auth?: { mode: AuthMode; credentials?: WorkbenchCredentials };
}

/** A path segment decoded; a malformed percent-escape is the caller's error (400), not ours. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new LambdaError('InvalidParameterValueException', `The request path has a malformed percent-escape: ${JSON.stringify(segment.slice(0, 200))}.`);
  }
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

export class LambdaApi {
  readonly server: Server;
  private readonly routes: Route[];
  /** `http://127.0.0.1:<port>` once listening. */
  baseUrl = '';
  /** Function URLs: their own listener, so a function's page never shares the API's origin. */
  readonly functionUrls: FunctionUrlServer;
  private readonly guard: ApiGuard;
  /** Who made each call, as the guard established it, for the audit trail. */
  private readonly callers = new WeakMap<IncomingMessage, AuditCaller>();

  constructor(private readonly opts: LambdaApiOptions) {
    this.guard = new ApiGuard({ mode: opts.auth?.mode ?? 'default', credentials: opts.auth?.credentials, audit: (entry) => this.appendAudit(entry) });
    this.routes = [...controlRoutes(opts.engine), ...functionUrlRoutes(opts.engine), ...compatRoutes(opts.engine), ...workbenchRoutes(opts.engine)];
    this.server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      this.route(req, res).catch((err) => this.fail(res, err));
    });
    this.server.on('clientError', answerClientError).on('connect', refuseConnect);
    if (opts.ui) this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    const strictKeys = opts.auth?.mode === 'strict' ? opts.auth.credentials : undefined;
    this.functionUrls = new FunctionUrlServer({ engine: opts.engine, log: opts.log, hostAllowed, verifyIam: strictKeys && iamVerifier(strictKeys, MAX_SYNC_PAYLOAD) });
    // Cookies ignore ports: a browser sends the window's session cookie to a function URL on 127.0.0.1 too,
    // and the function would read it from its event. It never gets there.
    this.functionUrls.server.prependListener('request', stripUiCookies);
    const presigner = presignerFor(opts.engine.options.dataDir);
    opts.engine.codeUrl = (key) => `${this.baseUrl}${codeDownloadPath(presigner, key)}`;
  }

  /** Listens for the API on `port` and for function URLs on their own port; resolves with the API's. */
  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    await this.functionUrls.listen(this.opts.functionUrlPort ?? 0, host);
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const actual = (this.server.address() as AddressInfo).port;
        this.baseUrl = `http://${host}:${actual}`;
        this.opts.engine.baseUrl = this.baseUrl;
        resolve(actual);
      });
    });
  }

  async close(): Promise<void> {
    await Promise.all([
      this.functionUrls.close(),
      new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      }),
    ]);
  }

  /** Upgrades: the window's WebSocket, and nothing else (there is no other protocol to switch to). */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const refuse = (status: string, code: string, message: string) => {
      const body = `${code}: ${message}\n`;
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nx-lwb-code: ${code}\r\n\r\n${body}`);
    };
    if (!hostAllowed(req)) return refuse('403 Forbidden', 'AccessDeniedException', foreignHostRefusal(req).message);
    if (this.opts.ui?.upgrade(req, socket, head)) return;
    refuse('400 Bad Request', 'UnsupportedUpgrade', `Only the window's WebSocket (${WS_PATH}) upgrades; send API requests without an Upgrade header.`);
  }

  private fail(res: ServerResponse, err: unknown): void {
    // A client that hung up mid-body (ECONNRESET "aborted") has no one left to answer: not our failure.
    if (res.headersSent || (err as NodeJS.ErrnoException).code === 'ECONNRESET') {
      res.destroy();
      return;
    }
    if (err instanceof BodyTooLarge) {
      sendError(res, new LambdaError('RequestTooLargeException', err.message), true);
      return;
    }
    if (err instanceof LambdaError || err instanceof AuthRefusal) return sendError(res, err);
    this.opts.log?.(`[api] internal error: ${(err as Error).stack ?? String(err)}`);
    sendError(res, new LambdaError('ServiceException', `The workbench failed to handle the request: ${(err as Error).message}`));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const method = req.method ?? 'GET';

    // Function URLs are not served here (by host name or path): their pages must not share the API's origin.
    if (functionUrlRequest(req, this.opts.engine.options.region)) {
      throw new LambdaError('UnknownOperationException', `Function URLs are served at ${this.functionUrls.baseUrl}, not on the API's port.`);
    }
    // The window's own paths: a session of their own (token, cookie, Origin), never the API's guard.
    if (this.opts.ui?.isUiPath(path)) {
      if (!hostAllowed(req)) return sendRefusal(res, foreignHostRefusal(req));
      return this.opts.ui.handle(req, res, path, query);
    }
    // Code downloads answer to their presign alone, as S3's presigned URLs do: no header gets past a bad one.
    const download = codeDownloadVerdict(this.opts.engine, req);
    if (download && !download.ok) return sendDownloadRefusal(res, download);
    this.callers.set(req, await this.guard.admit(req, this.guardTarget(req, method, path)));

    // The hot path first: Invoke.
    const inv = path.match(INVOKE_PATH);
    if (inv && method === 'POST') return this.invoke(req, res, decodeSegment(inv[1]!), query.get('Qualifier') ?? undefined);
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = path.match(route.path);
      if (m) return this.audited(route, { req, res, params: m.slice(1).map((p) => decodeSegment(p ?? '')), query });
    }
    if (this.opts.fallback?.(req, res)) return;
    throw new LambdaError('UnknownOperationException', `No Lambda API operation matches ${method} ${path}.`);
  }

  /** What the guard needs to know of a request: its operation, the function it names, its body limit. */
  private guardTarget(req: IncomingMessage, method: string, path: string): GuardTarget {
    const named = (segment: string | undefined) => {
      if (segment === undefined) return undefined;
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    };
    const inv = method === 'POST' ? INVOKE_PATH.exec(path) : null;
    if (inv) return { operation: 'InvokeFunction', functionName: named(inv[1]), bodyLimit: MAX_SYNC_PAYLOAD };
    // A presigned code download carries its own signature.
    if (codeDownloadVerdict(this.opts.engine, req)?.ok) return { operation: 'GetCode', bodyLimit: 0, open: true };
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.path.exec(path);
      if (m) return { operation: route.op, functionName: m[1]?.startsWith('arn:') ? undefined : named(m[1]), bodyLimit: MAX_CONTROL_BODY };
    }
    return { operation: 'UnknownOperation', bodyLimit: MAX_CONTROL_BODY };
  }

  /** Runs a control-plane operation and appends it, with its outcome, to the audit trail. */
  private async audited(route: Route, ctx: RouteContext): Promise<void> {
    let errorCode: string | undefined;
    try {
      await route.handle(ctx);
    } catch (err) {
      errorCode = err instanceof LambdaError ? err.code : err instanceof BodyTooLarge ? 'RequestTooLargeException' : 'ServiceException';
      throw err;
    } finally {
      // Reads are not audited by default on AWS either (CloudTrail management events: writes).
      if (ctx.req.method !== 'GET') this.recordAudit(route.op, ctx, errorCode);
    }
  }

  private recordAudit(operation: string, ctx: RouteContext, errorCode: string | undefined): void {
    const parameters: Record<string, unknown> = { ...Object.fromEntries(ctx.query), ...requestBodies.get(ctx.req) };
    if (ctx.params[0] !== undefined) parameters[ctx.params[0].startsWith('arn:') && operation.includes('Tag') ? 'Resource' : 'FunctionName'] = ctx.params[0];
    if (ctx.params[1] !== undefined) parameters[operation.includes('Permission') ? 'StatementId' : 'Name'] = ctx.params[1];
    this.appendAudit({ operation, parameters, caller: this.callers.get(ctx.req) ?? { type: 'anonymous' }, result: errorCode ? 'error' : 'success', errorCode });
  }

  private appendAudit(entry: AuditInput): void {
    try {
      this.opts.engine.audit.append(entry);
    } catch (err) {
      this.opts.log?.(`[audit] could not record ${entry.operation}: ${(err as Error).message}`);
    }
  }

  private async invoke(req: IncomingMessage, res: ServerResponse, name: string, qualifier?: string): Promise<void> {
    const payload = await readBody(req, MAX_SYNC_PAYLOAD);
    const type = (req.headers['x-amz-invocation-type'] as string | undefined) ?? 'RequestResponse';
    if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
      throw new LambdaError('InvalidParameterValueException', `Invalid invocation type ${type}: use RequestResponse, Event or DryRun.`);
    }
    const engine = this.opts.engine;
    if (type === 'DryRun') {
      engine.checkInvoke(name, qualifier);
      res.writeHead(204).end();
      return;
    }
    if (payload.length > 0) parseJson(payload, 'Could not parse payload into json');
    const event = payload.length === 0 ? EMPTY_EVENT : payload;
    if (type === 'Event') {
      // Acknowledged only once the event is committed to the durable queue.
      const requestId = await engine.invokeAsync(name, qualifier, event);
      res.writeHead(202, { 'Content-Length': 0, 'x-amzn-RequestId': requestId }).end();
      return;
    }
    // A caller that hangs up while its invocation waits for an env takes it out of the queue.
    const gone = new AbortController();
    const onClose = () => !res.writableFinished && gone.abort();
    res.once('close', onClose);
    const out = await engine.invoke({
      functionName: name,
      qualifier,
      payload: event,
      tail: req.headers['x-amz-log-type'] === 'Tail',
      clientContextBase64: req.headers['x-amz-client-context'] as string | undefined,
      signal: gone.signal,
    });
    res.off('close', onClose);
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
