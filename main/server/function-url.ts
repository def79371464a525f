// Serves function URLs as Lambda's URL front end does: an HTTP request becomes
// a payload-2.0 event, the function's answer becomes the HTTP response
// (statusCode/headers/cookies/body, or any other JSON as a 200 application/json
// body), CORS preflights are answered from the URL's Cors settings without
// invoking, and AWS_IAM URLs refuse unsigned requests.
//
// A URL is reached by its host name, `<url-id>.lambda-url.<region>.localhost`
// (browsers and curl resolve *.localhost to 127.0.0.1), or, for clients whose
// resolver does not, at `http://127.0.0.1:<port>/_lambda-url/<url-id>/<path>`.
// Either way on a listener of its own (FunctionUrlServer), never the API's
// port: a function's HTML runs on an origin that is neither the API's nor the
// UI's, so the browser's same-origin policy keeps it from scripting them.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerClientError, refuseConnect } from './client-error.js';
import type { Engine } from '../engine/engine.js';
import { LambdaError } from '../engine/errors.js';
import type { UrlCors, UrlTarget } from '../engine/control/function-urls.js';
import { clfTime } from '../engine/events/catalog/http.js';
import { newTraceRoot } from '../engine/data/model.js';
import { BodyTooLarge, MAX_SYNC_PAYLOAD, readBody, sendJson, sigV4AccessKey } from './http-util.js';

export const URL_PATH_PREFIX = '/_lambda-url/';
const HOST_RE = /^([a-z0-9]{32})\.lambda-url\.([a-z0-9-]+)\.localhost(?::(\d+))?$/i;
const ID_RE = /^[a-z0-9]{32}$/;

/** Content types whose bodies reach the function as text; any other body is base64, as on AWS. */
const TEXT_TYPE = /^(text\/|application\/(json|javascript|xml|graphql)\b|application\/[\w.+-]+\+(json|xml)\b)/i;

interface UrlRequest {
  urlId: string;
  /** Path and query as the client sent them, without the /_lambda-url/<id> prefix. */
  target: string;
  domainName: string;
}

/** Whether a request is for a function URL (by host name or path prefix), and which. */
export function functionUrlRequest(req: IncomingMessage, region: string): UrlRequest | undefined {
  const url = req.url ?? '/';
  const host = req.headers.host;
  const m = host ? HOST_RE.exec(host) : null;
  if (m) return { urlId: m[1]!.toLowerCase(), target: url, domainName: `${m[1]!.toLowerCase()}.lambda-url.${m[2]}.localhost` };
  if (!url.startsWith(URL_PATH_PREFIX)) return undefined;
  const id = url.slice(URL_PATH_PREFIX.length, URL_PATH_PREFIX.length + 32);
  const rest = url.slice(URL_PATH_PREFIX.length + 32);
  if (!ID_RE.test(id) || (rest !== '' && rest[0] !== '/' && rest[0] !== '?')) return undefined;
  return { urlId: id, target: rest === '' || rest[0] === '?' ? `/${rest}` : rest, domainName: `${id}.lambda-url.${region}.localhost` };
}

type IamCheck = (req: IncomingMessage) => boolean | Promise<boolean>;

export interface FunctionUrlServerOptions {
  engine: Engine;
  /**
   * Checks an AWS_IAM URL's request beyond the form of its Authorization header: under strict auth,
   * the SigV4 signature against the workbench's keys (auth/guard.ts iamVerifier). False refuses with 403.
   */
  verifyIam?: IamCheck;
  /** The Host guard (auth/host.ts: loopback names and *.localhost); false refuses with 403. */
  hostAllowed?: (req: IncomingMessage) => boolean;
  log?: (message: string) => void;
}

/** The listener that serves function URLs, apart from the API's port. */
export class FunctionUrlServer {
  readonly server: Server;
  /** `http://127.0.0.1:<port>` once listening. */
  baseUrl = '';

  constructor(private readonly opts: FunctionUrlServerOptions) {
    this.server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      this.handle(req, res).catch((err) => {
        // A client that hung up mid-body has no one left to answer.
        if ((err as NodeJS.ErrnoException).code === 'ECONNRESET') return void res.destroy();
        opts.log?.(`[function-url] internal error: ${(err as Error).stack ?? String(err)}`);
        if (res.headersSent) res.destroy();
        else message(res, 500, 'Internal Server Error');
      });
    });
    this.server.on('clientError', answerClientError).on('connect', refuseConnect);
  }

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const actual = (this.server.address() as AddressInfo).port;
        this.baseUrl = `http://${host}:${actual}`;
        this.opts.engine.functionUrlBase = this.baseUrl;
        resolve(actual);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.opts.hostAllowed && !this.opts.hostAllowed(req)) return message(res, 403, 'Forbidden');
    const engine = this.opts.engine;
    // Unknown ids and anything that is not a function URL: what AWS's URL front end answers.
    const u = functionUrlRequest(req, engine.options.region);
    if (!u) return message(res, 403, 'Forbidden');
    return serveFunctionUrl(engine, req, res, u, this.opts.verifyIam);
  }
}

export async function serveFunctionUrl(
  engine: Engine,
  req: IncomingMessage,
  res: ServerResponse,
  u: UrlRequest,
  verifyIam?: IamCheck,
): Promise<void> {
  const target = engine.urls.lookup(u.urlId);
  if (!target) return message(res, 403, 'Forbidden');
  if (target.url.authType === 'AWS_IAM') {
    if (!(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) return message(res, 403, 'Forbidden');
    try {
      if (verifyIam && !(await verifyIam(req))) return message(res, 403, 'Forbidden');
    } catch (err) {
      // The signature covers the body, so checking it reads the body: its limit applies here too.
      if (err instanceof BodyTooLarge) return message(res, 413, `Request must be smaller than ${MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation`);
      throw err;
    }
  }

  const method = (req.method ?? 'GET').toUpperCase();
  const origin = req.headers.origin;
  const cors = target.url.cors;
  if (cors && method === 'OPTIONS' && origin && req.headers['access-control-request-method']) {
    res.writeHead(200, { ...preflightHeaders(cors, origin, req), 'Content-Length': 0 }).end();
    return;
  }

  let body: Buffer;
  try {
    body = await readBody(req, MAX_SYNC_PAYLOAD);
  } catch (err) {
    if (err instanceof BodyTooLarge) return message(res, 413, `Request must be smaller than ${MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation`);
    throw err;
  }
  const requestId = randomUUID();
  const event = buildEvent(engine, req, u, target, method, body, requestId);
  let out;
  try {
    out = await engine.invoke({
      source: 'url',
      functionName: target.functionName,
      qualifier: target.qualifier === '$LATEST' ? undefined : target.qualifier,
      payload: Buffer.from(JSON.stringify(event)),
      requestId,
    });
  } catch (err) {
    if (err instanceof LambdaError && err.code === 'TooManyRequestsException') return message(res, 429, 'Rate Exceeded.');
    if (err instanceof LambdaError && err.code === 'ResourceNotFoundException') return message(res, 403, 'Forbidden');
    throw err;
  }
  const corsHeaders = cors && origin ? responseCorsHeaders(cors, origin) : {};
  const mapped = out.functionError ? undefined : target.url.invokeMode === 'RESPONSE_STREAM' ? mapStreamed(out.payload) : mapResponse(out.payload);
  if (!mapped) return message(res, 502, 'Internal Server Error', { 'x-amzn-RequestId': out.requestId, ...corsHeaders });
  const headers: Record<string, string | string[] | number> = { ...mapped.headers, ...corsHeaders, 'x-amzn-RequestId': out.requestId };
  // Function URLs share the loopback host (cookies ignore ports): a function must not set or
  // clear the window's session cookie, which would log the window out.
  const ours = (c: string) => /^\s*lwb_ui_/i.test(c);
  for (const k of Object.keys(headers)) {
    const v = headers[k];
    if (v === undefined || k.toLowerCase() !== 'set-cookie' || typeof v === 'number') continue;
    const kept = (Array.isArray(v) ? v : [v]).filter((c) => !ours(c));
    if (kept.length === 0) delete headers[k];
    else headers[k] = kept;
  }
  const cookies = mapped.cookies.filter((c) => !ours(c));
  if (cookies.length > 0) headers['Set-Cookie'] = cookies;
  headers['Content-Length'] = mapped.body.length;
  res.writeHead(mapped.status, headers);
  res.end(method === 'HEAD' ? undefined : mapped.body);
}

function buildEvent(engine: Engine, req: IncomingMessage, u: UrlRequest, target: UrlTarget, method: string, body: Buffer, requestId: string) {
  const q = u.target.indexOf('?');
  const rawPath = q < 0 ? u.target : u.target.slice(0, q);
  const rawQueryString = q < 0 ? '' : u.target.slice(q + 1);

  // Header names lower-cased, repeated values joined with commas; cookies go to their own list.
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const cookies = (headers.cookie ?? '').split(';').map((c) => c.trim()).filter(Boolean);
  delete headers.cookie;
  const port = req.socket.localPort;
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-proto'] = 'http';
  if (port) headers['x-forwarded-port'] = String(port);
  headers['x-amzn-trace-id'] ??= newTraceRoot();

  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) query[k] = k in query ? `${query[k]},${v}` : v;

  const text = body.length > 0 && TEXT_TYPE.test(headers['content-type'] ?? '');
  const now = new Date();
  const iam = target.url.authType === 'AWS_IAM';
  const account = engine.options.accountId;
  const accessKey = sigV4AccessKey(req.headers.authorization) ?? 'AKIAWORKBENCHCALLER0';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: iam ? account : 'anonymous',
      apiId: u.urlId,
      ...(iam
        ? {
            authorizer: {
              iam: {
                accessKey,
                accountId: account,
                callerId: 'AIDAWORKBENCHLOCALUSER',
                cognitoIdentity: null,
                principalOrgId: null,
                userArn: `arn:aws:iam::${account}:user/workbench`,
                userId: 'AIDAWORKBENCHLOCALUSER',
              },
            },
          }
        : {}),
      domainName: u.domainName,
      domainPrefix: u.urlId,
      http: { method, path: rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
}

interface Mapped {
  status: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/** The function's result as an HTTP response; undefined when it cannot be one (Lambda answers 502). */
function mapResponse(payload: Buffer): Mapped | undefined {
  let result: unknown;
  try {
    result = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof result !== 'object' || result === null || Array.isArray(result) || !('statusCode' in result)) {
    return { status: 200, headers: { 'Content-Type': 'application/json' }, cookies: [], body: payload };
  }
  return fromFields(result as Record<string, unknown>, 'application/json');
}

/**
 * statusCode, headers, cookies and body (base64 when isBase64Encoded) as an HTTP
 * response, with `defaultType` when no content-type is given; undefined when
 * they cannot be one. `rawBody` is a streamed body that comes apart from the fields.
 */
function fromFields(r: Record<string, unknown>, defaultType: string, rawBody?: Buffer): Mapped | undefined {
  const status = Number(r.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return undefined;
  const headers: Record<string, string> = {};
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object' || Array.isArray(r.headers)) return undefined;
    for (const [k, v] of Object.entries(r.headers)) if (v !== null && v !== undefined) headers[k] = String(v);
  }
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = defaultType;
  const cookies = Array.isArray(r.cookies) ? r.cookies.map(String) : [];
  if (rawBody) return { status, headers, cookies, body: rawBody };
  const text = r.body === undefined || r.body === null ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  const body = r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { status, headers, cookies, body };
}

/**
 * A streaming handler's output (RESPONSE_STREAM URLs). With awslambda.HttpResponseStream it starts
 * with a JSON prelude (statusCode, headers, cookies) and 8 NUL bytes; otherwise it is the body
 * itself, sent as the stream's default content type.
 */
function mapStreamed(payload: Buffer): Mapped {
  const cut = payload[0] === 0x7b ? payload.indexOf(STREAM_DELIMITER) : -1;
  if (cut > 0) {
    try {
      const prelude: unknown = JSON.parse(payload.subarray(0, cut).toString('utf8'));
      if (typeof prelude === 'object' && prelude !== null && !Array.isArray(prelude)) {
        const mapped = fromFields({ statusCode: 200, ...(prelude as Record<string, unknown>) }, STREAM_TYPE, payload.subarray(cut + STREAM_DELIMITER.length));
        if (mapped) return mapped;
      }
    } catch {
      /* not a prelude: the whole output is the body */
    }
  }
  return { status: 200, headers: { 'Content-Type': STREAM_TYPE }, cookies: [], body: payload };
}

const STREAM_DELIMITER = Buffer.alloc(8);
/** A response stream's content type unless the function sets one. */
const STREAM_TYPE = 'application/octet-stream';

function allowedOrigin(cors: UrlCors, origin: string): string | undefined {
  const list = cors.AllowOrigins ?? [];
  if (list.includes('*')) return cors.AllowCredentials ? origin : '*';
  return list.includes(origin) ? origin : undefined;
}

function responseCorsHeaders(cors: UrlCors, origin: string): Record<string, string> {
  const allowed = allowedOrigin(cors, origin);
  if (!allowed) return {};
  const h: Record<string, string> = { 'Access-Control-Allow-Origin': allowed, Vary: 'Origin' };
  if (cors.AllowCredentials) h['Access-Control-Allow-Credentials'] = 'true';
  if (cors.ExposeHeaders?.length) h['Access-Control-Expose-Headers'] = cors.ExposeHeaders.join(',');
  return h;
}

function preflightHeaders(cors: UrlCors, origin: string, req: IncomingMessage): Record<string, string> {
  const h = responseCorsHeaders(cors, origin);
  if (!h['Access-Control-Allow-Origin']) return {};
  const methods = cors.AllowMethods ?? [];
  const asked = String(req.headers['access-control-request-method'] ?? '').toUpperCase();
  if (methods.length > 0) h['Access-Control-Allow-Methods'] = methods.includes('*') ? asked || '*' : methods.join(',');
  const allowHeaders = cors.AllowHeaders ?? [];
  if (allowHeaders.length > 0) {
    h['Access-Control-Allow-Headers'] = allowHeaders.includes('*') ? String(req.headers['access-control-request-headers'] ?? '*') : allowHeaders.join(',');
  }
  if (cors.MaxAge !== undefined) h['Access-Control-Max-Age'] = String(cors.MaxAge);
  return h;
}

function message(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  sendJson(res, status, { Message: text }, extra);
}
