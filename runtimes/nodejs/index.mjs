// Lambda Workbench runtime client for nodejs20.x and nodejs22.x.
//
// Runs inside an execution environment as `/var/lang/bin/node /var/runtime/index.mjs`. It loads the
// function named by `_HANDLER` from `LAMBDA_TASK_ROOT` and serves invocations over the Lambda
// Runtime API at `AWS_LAMBDA_RUNTIME_API`, behaving like AWS's managed Node.js runtime (which is
// built from aws-lambda-nodejs-runtime-interface-client, "the RIC"): same handler resolution, same
// context object, same callback / callbackWaitsForEmptyEventLoop semantics, same error bodies, same
// log lines. See README.md.
//
// Everything lives in this one file on purpose: fewer modules to load at cold start, and
// `require` below is created for /var/runtime/index.mjs, so a missing module reports the
// "Require stack: - /var/runtime/index.mjs" that AWS users see.
//
// Only Node built-ins are used: the env has no node_modules of ours.

import { createRequire } from 'node:module';
import net from 'node:net';
import util from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------
// NODE_PATH. AWS's /var/runtime/bootstrap exports it (unless the function set its own) before it
// starts node, so that require() in user code finds layer modules under /opt/nodejs. Our host
// starts node directly, so do the same here and ask the CJS loader to re-read it.
// ---------------------------------------------------------------------------------------------
if (!process.env.NODE_PATH) {
  const major = process.versions.node.split('.')[0];
  process.env.NODE_PATH =
    `/opt/nodejs/node${major}/node_modules:/opt/nodejs/node_modules:` +
    '/var/runtime/node_modules:/var/runtime:/var/task';
  const Module = require('node:module');
  if (typeof Module._initPaths === 'function') Module._initPaths();
}

// ---------------------------------------------------------------------------------------------
// Errors (the RIC's Errors.js): the runtime's own error classes are named `Runtime.<Class>`.
// ---------------------------------------------------------------------------------------------
class ImportModuleError extends Error {}
class HandlerNotFound extends Error {}
class MalformedHandlerName extends Error {}
class UserCodeSyntaxError extends Error {}
class MalformedStreamingHandler extends Error {}
class InvalidStreamingOperation extends Error {}
class NodeJsExit extends Error {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
for (const E of [
  ImportModuleError,
  HandlerNotFound,
  MalformedHandlerName,
  UserCodeSyntaxError,
  MalformedStreamingHandler,
  InvalidStreamingOperation,
  NodeJsExit,
  UnhandledPromiseRejection,
]) {
  E.prototype.name = `Runtime.${E.name}`;
}

function isErrorLike(obj) {
  return (
    obj &&
    obj.name &&
    obj.message &&
    obj.stack &&
    typeof obj.name === 'string' &&
    typeof obj.message === 'string' &&
    typeof obj.stack === 'string'
  );
}

function intoError(err) {
  return err instanceof Error ? err : new Error(err);
}

// The body posted to /invocation/{id}/error and /init/error. Non-errors (a thrown string) become
// {"errorType": "string", "errorMessage": "...", "trace": []}, as on AWS. DEL is escaped because
// it is not allowed in the header that carries the type.
function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return {
        errorType: error.name?.replaceAll('\x7F', '%7F'),
        errorMessage: error.message?.replaceAll('\x7F', '%7F'),
        trace: error.stack.replaceAll('\x7F', '%7F').split('\n'),
      };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

// Errors keep name/message/stack in non-enumerable slots; the "Invoke Error" log line shows them
// (plus any enumerable fields the user added) with the stack split into lines.
function withEnumerableProperties(value) {
  if (value instanceof Error) {
    const ret = Object.assign(
      { errorType: value.name, errorMessage: value.message, code: value.code },
      value,
    );
    if (typeof value.stack == 'string') ret.stack = value.stack.split('\n');
    return ret;
  }
  return value;
}

// The text after "Invoke Error" / "Uncaught Exception": always starts with a tab, as on AWS.
function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => withEnumerableProperties(v));
  } catch {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

// ---------------------------------------------------------------------------------------------
// Logging (the RIC's LogPatch.js). console.* becomes one write per call of
//   <ISO time>\t<requestId>\t<LEVEL>\t<util.format(...)>\n
// with inner newlines turned into \r so a multi-line message stays one log event. The request id
// lives on a global symbol (as in the RIC) and is `undefined` until the first invoke.
// ---------------------------------------------------------------------------------------------
const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');
const TENANT_ID = Symbol.for('aws.lambda.runtime.tenantId');
const NEWLINES = /\n/g;

// Touch both streams now: they are created lazily and we want neither the cost nor the surprise
// of creating them inside an invoke. We also read their backlog before every Runtime API POST.
const stdout = process.stdout;
const stderr = process.stderr;

const LEVELS = Object.freeze({
  TRACE: { name: 'TRACE', priority: 1 },
  DEBUG: { name: 'DEBUG', priority: 2 },
  INFO: { name: 'INFO', priority: 3 },
  WARN: { name: 'WARN', priority: 4 },
  ERROR: { name: 'ERROR', priority: 5 },
  FATAL: { name: 'FATAL', priority: 6 },
});

function logTextToStdout(level, message, ...params) {
  const line = `${new Date().toISOString()}\t${globalThis[REQUEST_ID]}\t${level.name}\t${util.format(
    message,
    ...params,
  )}`;
  stdout.write(line.replace(NEWLINES, '\r') + '\n');
}

function jsonErrorReplacer(_k, value) {
  if (value instanceof Error) {
    return Object.assign(
      {
        errorType: value?.constructor?.name ?? 'UnknownError',
        errorMessage: value.message,
        stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
      },
      value,
    );
  }
  return value;
}

function formatJsonMessage(requestId, timestamp, level, tenantId, ...messageParams) {
  const result = { timestamp, level: level.name, requestId };
  if (tenantId != undefined && tenantId != null) result.tenantId = tenantId;
  if (messageParams.length === 1) {
    result.message = messageParams[0];
    try {
      return JSON.stringify(result, jsonErrorReplacer);
    } catch {
      result.message = util.format(result.message);
      return JSON.stringify(result);
    }
  }
  result.message = util.format(...messageParams);
  for (const param of messageParams) {
    if (param instanceof Error) {
      result.errorType = param?.constructor?.name ?? 'UnknownError';
      result.errorMessage = param.message;
      result.stackTrace = typeof param.stack === 'string' ? param.stack.split('\n') : [];
      break;
    }
  }
  return JSON.stringify(result);
}

function logJsonToStdout(level, message, ...params) {
  const line = formatJsonMessage(
    globalThis[REQUEST_ID],
    new Date().toISOString(),
    level,
    globalThis[TENANT_ID],
    message,
    ...params,
  );
  stdout.write(line.replace(NEWLINES, '\r') + '\n');
}

const structuredConsole = { logError: null };

function patchConsole() {
  const json = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
  const log = json ? logJsonToStdout : logTextToStdout;
  const minimum = LEVELS[process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase()] ?? LEVELS.TRACE;
  const nop = () => {};
  // `msg` is passed even when absent: console.log() prints "undefined" on AWS, and so do we.
  const make = (level) =>
    level.priority >= minimum.priority ? (msg, ...params) => log(level, msg, ...params) : nop;
  console.trace = make(LEVELS.TRACE);
  console.debug = make(LEVELS.DEBUG);
  console.info = make(LEVELS.INFO);
  console.log = console.info;
  console.warn = make(LEVELS.WARN);
  console.error = make(LEVELS.ERROR);
  console.fatal = (msg, ...params) => log(LEVELS.FATAL, msg, ...params);
  structuredConsole.logError = json
    ? (_msg, err) => console.error(intoError(err))
    : (msg, err) => console.error(msg, toFormatted(intoError(err)));
}

// Runs `fn` once everything written to stdout/stderr so far has reached the pipe. Writes to a
// pipe are synchronous only while the pipe has room; when the host is slow to drain it, Node
// queues the rest. The init drains the pipes before it forwards a response, so posting only
// after our own backlog is gone keeps every log line ahead of the phase that ends.
function afterOutputFlushed(fn) {
  if (stdout.writableLength !== 0) stdout.once('drain', () => afterOutputFlushed(fn));
  else if (stderr.writableLength !== 0) stderr.once('drain', () => afterOutputFlushed(fn));
  else fn();
}

// ---------------------------------------------------------------------------------------------
// Runtime API client: HTTP/1.1 over one keep-alive TCP socket, hand-written because it is several
// times cheaper per request than http.Agent (see README.md for the numbers). One request at a
// time; responses are framed by Content-Length (what the init sends), chunked, or close.
//
// The socket is ref'd only while a request is in flight. While the handler runs it is unref'd,
// so it does not keep the event loop alive: 'beforeExit' must fire when the user's work is done,
// which is what callbackWaitsForEmptyEventLoop and the "handler never finished" paths rely on.
// ---------------------------------------------------------------------------------------------
const HEAD_END = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);
const M_HEAD = 0;
const M_LENGTH = 1;
const M_CHUNKED = 2;
const M_CLOSE = 3;

class RuntimeApiClient {
  constructor(hostPort) {
    const colon = hostPort.lastIndexOf(':');
    let host = colon > 0 ? hostPort.slice(0, colon) : hostPort;
    if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
    this.host = host;
    this.port = colon > 0 ? Number(hostPort.slice(colon + 1)) : 80;
    this.hostHeader = `Host: ${hostPort}\r\n`;
    this.nextText = `GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n${this.hostHeader}\r\n`;
    this.socket = null;
    this.onDone = null; // callback of the request in flight
    this.sentHead = null; // the request in flight, kept to resend it once (see _onClose)
    this.sentBody = null;
    this.reused = false;
    this.received = false;
    this.lastError = null;
    this._resetParser();
  }

  _resetParser() {
    this.mode = M_HEAD;
    this.partial = null; // head bytes so far, or raw chunked bytes
    this.status = 0;
    this.headers = null;
    this.need = 0;
    this.chunks = null;
    this.total = 0;
    this.close = false;
  }

  _connect() {
    const s = net.connect({ host: this.host, port: this.port });
    s.setNoDelay(true);
    s.on('data', (chunk) => {
      if (s === this.socket) this._onData(chunk);
    });
    s.on('error', (err) => {
      if (s === this.socket) this.lastError = err;
    });
    s.on('close', () => {
      if (s === this.socket) this._onClose();
    });
    this.socket = s;
    this.reused = false;
    return s;
  }

  /** GET /next; cb(err, status, headers, bodyBuffer). No timeout, as the contract requires. */
  next(cb) {
    this._send(this.nextText, null, cb);
  }

  /** POST a body (string or Buffer) to `path`; `extra` is preformatted header lines.
   * cb(err, status, headers, body); the answer's status is not acted on, as in the RIC. */
  post(path, contentType, extra, body, cb) {
    const len = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const head =
      `POST ${path} HTTP/1.1\r\n${this.hostHeader}Content-Type: ${contentType}\r\n` +
      `${extra}Content-Length: ${len}\r\n\r\n`;
    if (stdout.writableLength !== 0 || stderr.writableLength !== 0) {
      afterOutputFlushed(() => this._send(head, body, cb));
    } else {
      this._send(head, body, cb);
    }
  }

  /** Drop the connection (and whatever was in flight) so a fatal report can go out now. */
  abandon() {
    const s = this.socket;
    this.socket = null;
    this.onDone = null;
    this.sentHead = this.sentBody = null;
    this._resetParser();
    if (s !== null) s.destroy();
  }

  _send(head, body, cb) {
    if (this.onDone !== null) throw new Error('Runtime API request already in flight');
    let s = this.socket;
    if (s === null) s = this._connect();
    else this.reused = true;
    this.onDone = cb;
    this.received = false;
    this.lastError = null;
    this.sentHead = head;
    this.sentBody = body;
    s.ref();
    if (body === null) {
      s.write(head);
    } else if (typeof body === 'string') {
      // One write, one syscall: the head and a string body go out as one string.
      s.write(head + body);
    } else {
      s.cork();
      s.write(head);
      s.write(body);
      s.uncork();
    }
  }

  _finish(body) {
    const cb = this.onDone;
    const status = this.status;
    const headers = this.headers;
    const close = this.close;
    this.onDone = null;
    this.sentHead = this.sentBody = null;
    this._resetParser();
    if (close) {
      const s = this.socket;
      this.socket = null;
      if (s !== null) s.destroy();
    } else {
      this.socket.unref();
    }
    cb(null, status, headers, body);
  }

  _fail(err) {
    const cb = this.onDone;
    this.onDone = null;
    this.sentHead = this.sentBody = null;
    this._resetParser();
    const s = this.socket;
    this.socket = null;
    if (s !== null) s.destroy();
    cb(err);
  }

  _onClose() {
    this.socket = null;
    if (this.onDone === null) return; // an idle keep-alive connection went away: reconnect lazily
    if (this.mode === M_CLOSE) {
      this._finish(this.chunks === null ? EMPTY : Buffer.concat(this.chunks, this.total));
      return;
    }
    // A reused keep-alive connection that the server had already closed when our request went
    // out (it answered nothing): resend once on a new connection, as HTTP clients do. Safe for
    // the POSTs too: the Runtime API rejects a second result for the same request id.
    if (this.reused && !this.received) {
      const cb = this.onDone;
      const head = this.sentHead;
      const body = this.sentBody;
      this.onDone = null;
      this._resetParser();
      this._send(head, body, cb); // a new connection is not "reused": no second retry
      return;
    }
    this._fail(this.lastError || new Error('Runtime API connection closed'));
  }

  _onData(chunk) {
    if (this.onDone === null) return; // nothing asked for: ignore stray bytes
    this.received = true;
    if (this.mode === M_HEAD) {
      const buf = this.partial === null ? chunk : Buffer.concat([this.partial, chunk]);
      const end = buf.indexOf(HEAD_END);
      if (end === -1) {
        this.partial = buf;
        return;
      }
      this.partial = null;
      if (!this._parseHead(buf.toString('utf8', 0, end))) {
        this._fail(new Error('Runtime API sent a malformed response'));
        return;
      }
      chunk = buf.subarray(end + 4);
      if (this.status < 200) {
        // An interim answer (100 Continue): the real one follows.
        this.mode = M_HEAD;
        if (chunk.length !== 0) this._onData(chunk);
        return;
      }
      if (this.mode === M_HEAD) {
        this._finish(EMPTY);
        return;
      }
      if (chunk.length === 0) return;
    }
    if (this.mode === M_LENGTH) {
      if (this.chunks === null && chunk.length >= this.need) {
        this._finish(chunk.length === this.need ? chunk : chunk.subarray(0, this.need));
        return;
      }
      if (this.chunks === null) this.chunks = [];
      this.chunks.push(chunk);
      this.total += chunk.length;
      if (this.total >= this.need) {
        this._finish(Buffer.concat(this.chunks, this.total).subarray(0, this.need));
      }
    } else if (this.mode === M_CHUNKED) {
      this.partial = this.partial === null ? chunk : Buffer.concat([this.partial, chunk]);
      const body = decodeChunked(this.partial);
      if (body !== null) this._finish(body);
    } else {
      if (this.chunks === null) this.chunks = [];
      this.chunks.push(chunk);
      this.total += chunk.length;
    }
  }

  // Parses the status line and the headers we use into a fixed-shape object (cheaper than a
  // dictionary keyed by every header name); decides how the body is framed.
  _parseHead(text) {
    if (!text.startsWith('HTTP/1.')) return false;
    let lineEnd = text.indexOf('\r\n');
    const status = Number(text.slice(9, 12));
    if (!(status >= 100 && status <= 999)) return false;
    const h = new ResponseHeaders();
    while (lineEnd !== -1) {
      const start = lineEnd + 2;
      lineEnd = text.indexOf('\r\n', start);
      const end = lineEnd === -1 ? text.length : lineEnd;
      const colon = text.indexOf(':', start);
      if (colon <= start || colon >= end) continue;
      // Names are matched in place (length first, then case-insensitively) and only the values
      // we keep are sliced: no per-header allocation.
      let v = colon + 1;
      while (v < end && (text.charCodeAt(v) === 32 || text.charCodeAt(v) === 9)) v++;
      let e = end;
      while (e > v && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
      switch (colon - start) {
        case 29:
          if (nameIs(text, start, 'lambda-runtime-aws-request-id')) h.requestId = text.slice(v, e);
          else if (nameIs(text, start, 'lambda-runtime-client-context')) h.clientContext = text.slice(v, e);
          break;
        case 26:
          if (nameIs(text, start, 'lambda-runtime-deadline-ms')) h.deadlineMs = text.slice(v, e);
          break;
        case 35:
          if (nameIs(text, start, 'lambda-runtime-invoked-function-arn')) h.functionArn = text.slice(v, e);
          break;
        case 23:
          if (nameIs(text, start, 'lambda-runtime-trace-id')) h.traceId = text.slice(v, e);
          break;
        case 31:
          if (nameIs(text, start, 'lambda-runtime-cognito-identity')) h.cognitoIdentity = text.slice(v, e);
          break;
        case 28:
          if (nameIs(text, start, 'lambda-runtime-aws-tenant-id')) h.tenantId = text.slice(v, e);
          break;
        case 14:
          if (nameIs(text, start, 'content-length')) h.contentLength = text.slice(v, e);
          break;
        case 17:
          if (nameIs(text, start, 'transfer-encoding')) h.transferEncoding = text.slice(v, e);
          break;
        case 10:
          if (nameIs(text, start, 'connection')) h.connection = text.slice(v, e);
          break;
      }
    }
    this.status = status;
    this.headers = h;
    this.close =
      h.connection !== undefined
        ? h.connection.toLowerCase() === 'close'
        : text.charCodeAt(7) === 48; /* HTTP/1.0 */
    const te = h.transferEncoding;
    const cl = h.contentLength;
    if (status < 200 || status === 204 || status === 304) {
      this.mode = M_HEAD; // no body
    } else if (te !== undefined && te.toLowerCase().includes('chunked')) {
      this.mode = M_CHUNKED;
    } else if (cl !== undefined) {
      const n = Number(cl);
      if (!(n >= 0)) return false;
      this.need = n;
      this.mode = n === 0 ? M_HEAD : M_LENGTH;
    } else {
      this.mode = M_CLOSE;
      this.close = true;
    }
    return true;
  }
}

// Case-insensitive match of text[start..] against a lower-case header name (ASCII letters only
// differ by 0x20; the other characters of our names are '-').
function nameIs(text, start, lower) {
  for (let i = 0; i < lower.length; i++) {
    if ((text.charCodeAt(start + i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

class ResponseHeaders {
  constructor() {
    this.requestId = undefined;
    this.deadlineMs = undefined;
    this.functionArn = undefined;
    this.traceId = undefined;
    this.clientContext = undefined;
    this.cognitoIdentity = undefined;
    this.tenantId = undefined;
    this.contentLength = undefined;
    this.transferEncoding = undefined;
    this.connection = undefined;
  }
}

// Decodes a complete chunked body, or returns null when more bytes are needed. A fallback path
// (the init sends Content-Length), so it simply re-scans the buffer each time.
function decodeChunked(buf) {
  const parts = [];
  let total = 0;
  let pos = 0;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', pos);
    if (lineEnd === -1) return null;
    const size = parseInt(buf.toString('latin1', pos, lineEnd), 16);
    if (Number.isNaN(size)) throw new Error('Runtime API sent a malformed chunked body');
    pos = lineEnd + 2;
    if (size === 0) {
      // Trailer section ends with an empty line.
      if (buf.length < pos + 2) return null;
      if (buf[pos] !== 13 || buf[pos + 1] !== 10) {
        if (buf.indexOf(HEAD_END, pos) === -1) return null;
      }
      return Buffer.concat(parts, total);
    }
    if (buf.length < pos + size + 2) return null;
    parts.push(buf.subarray(pos, pos + size));
    total += size;
    pos += size + 2;
  }
}

// Header values must not carry control characters (they would break the request framing).
function headerValue(s) {
  return String(s).replace(/[\x00-\x08\x0a-\x1f\x7f]/g, (c) => encodeURIComponent(c));
}

// JSON.stringify as the RIC does it: `undefined` becomes null; a failure is reported with a
// message that is itself serializable.
function trySerializeResponse(body) {
  try {
    return JSON.stringify(body === undefined ? null : body);
  } catch {
    throw new Error('Unable to stringify response body');
  }
}

// ---------------------------------------------------------------------------------------------
// Posting results (the RIC's RAPIDClient.js).
// ---------------------------------------------------------------------------------------------
const hostPort = process.env.AWS_LAMBDA_RUNTIME_API;
if (!hostPort) {
  process.stderr.write('AWS_LAMBDA_RUNTIME_API is not set\n');
  process.exit(1);
}
const client = new RuntimeApiClient(hostPort);
const INVOCATION = '/2018-06-01/runtime/invocation/';

function postInvocationResponse(result, id, callback) {
  const bodyString = trySerializeResponse(result);
  // A result JSON cannot express (a function, a symbol) serializes to undefined; the RIC's
  // native client rejects it with this TypeError, which then travels the error path.
  if (typeof bodyString !== 'string') throw new TypeError('Wrong arguments');
  const path = INVOCATION + encodeURIComponent(id) + '/response';
  client.post(path, 'application/json', '', bodyString, callback);
}

// The RIC's native client sends no error-type header on /invocation/{id}/error (only on
// /init/error); we send it on both so the host can tell the error type without parsing the body.
function postInvocationError(error, id, callback) {
  const response = toRapidResponse(error);
  const bodyString = trySerializeResponse(response);
  client.post(
    INVOCATION + encodeURIComponent(id) + '/error',
    'application/json',
    `Lambda-Runtime-Function-Error-Type: ${headerValue(response.errorType)}\r\n`,
    bodyString,
    callback,
  );
}

function postInitError(error, callback) {
  const response = toRapidResponse(error);
  client.post(
    '/2018-06-01/runtime/init/error',
    'application/json',
    `Lambda-Runtime-Function-Error-Type: ${headerValue(response.errorType)}\r\n`,
    trySerializeResponse(response),
    callback,
  );
}

// ---------------------------------------------------------------------------------------------
// Loading the handler (the RIC's UserFunction.js).
// ---------------------------------------------------------------------------------------------
const FUNCTION_EXPR = /^([^.]*)\.(.*)$/;
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';

function _tryRequireFile(file, extension) {
  const p = file + (extension || '');
  return fs.existsSync(p) ? require(p) : undefined;
}

async function _tryAwaitImport(file, extension) {
  const p = file + (extension || '');
  return fs.existsSync(p) ? await import(pathToFileURL(p).href) : undefined;
}

// Nearest package.json decides whether a .js file is an ES module; node_modules stops the walk.
function _hasFolderPackageJsonTypeModule(folder) {
  if (folder.endsWith('/node_modules')) return false;
  const pj = path.join(folder, '/package.json');
  if (fs.existsSync(pj)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(pj));
      if (pkg) return pkg.type === 'module';
    } catch (e) {
      console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  if (folder === '/') return false;
  return _hasFolderPackageJsonTypeModule(path.resolve(folder, '..'));
}

function _hasPackageJsonTypeModule(file) {
  const jsPath = file + '.js';
  return fs.existsSync(jsPath)
    ? _hasFolderPackageJsonTypeModule(path.resolve(path.dirname(jsPath)))
    : false;
}

// Same order as the RIC: extensionless (require), .js via require unless "type": "module",
// then .js as ESM, .mjs, .cjs, and finally Node's own resolution from the task root.
async function _tryRequire(appRoot, moduleRoot, module) {
  const lambdaStylePath = path.resolve(appRoot, moduleRoot, module);
  const extensionless = _tryRequireFile(lambdaStylePath);
  if (extensionless) return extensionless;

  const pjHasModule = _hasPackageJsonTypeModule(lambdaStylePath);
  if (!pjHasModule) {
    const loaded = _tryRequireFile(lambdaStylePath, '.js');
    if (loaded) return loaded;
  }

  const loaded =
    (pjHasModule && (await _tryAwaitImport(lambdaStylePath, '.js'))) ||
    (await _tryAwaitImport(lambdaStylePath, '.mjs')) ||
    _tryRequireFile(lambdaStylePath, '.cjs');
  if (loaded) return loaded;

  // require() resolves relative to this file, not the task root, hence the explicit paths.
  const nodeStylePath = require.resolve(module, { paths: [appRoot, moduleRoot] });
  return require(nodeStylePath);
}

async function _loadUserApp(appRoot, moduleRoot, module) {
  const noGlobal =
    process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA === '1' ||
    process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA === 'true';
  if (!noGlobal) {
    globalThis.awslambda = {
      streamifyResponse: (handler, options) => {
        handler[HANDLER_STREAMING] = STREAM_RESPONSE;
        if (typeof options?.highWaterMark === 'number') {
          handler[HANDLER_HIGHWATERMARK] = parseInt(options.highWaterMark);
        }
        return handler;
      },
      HttpResponseStream,
    };
  }
  try {
    return await _tryRequire(appRoot, moduleRoot, module);
  } catch (e) {
    if (e instanceof SyntaxError) {
      throw new UserCodeSyntaxError(e);
    } else if (e.code !== undefined && e.code === 'MODULE_NOT_FOUND') {
      throw new ImportModuleError(e);
    } else {
      throw e; // an exception thrown by the module's own top-level code keeps its own type
    }
  }
}

async function load(appRoot, fullHandlerString) {
  if (fullHandlerString.includes('..')) {
    throw new MalformedHandlerName(
      `'${fullHandlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  // 'dir/sub/file.a.b' → module root 'dir/sub/', module 'file', property path 'a.b'.
  const handlerString = path.basename(fullHandlerString);
  const moduleRoot = fullHandlerString.substring(0, fullHandlerString.indexOf(handlerString));
  const match = handlerString.match(FUNCTION_EXPR);
  if (!match || match.length != 3) throw new MalformedHandlerName('Bad handler');
  const module = match[1];
  const handlerPath = match[2];

  const userApp = await _loadUserApp(appRoot, moduleRoot, module);
  const handlerFunc = handlerPath.split('.').reduce((nested, key) => nested && nested[key], userApp);
  if (!handlerFunc) {
    throw new HandlerNotFound(`${fullHandlerString} is undefined or not exported`);
  }
  if (typeof handlerFunc !== 'function') {
    throw new HandlerNotFound(`${fullHandlerString} is not a function`);
  }
  return handlerFunc;
}

function getHandlerMetadata(handler) {
  let streaming = false;
  const mark = handler[HANDLER_STREAMING];
  if (mark !== undefined && mark !== null && mark !== false) {
    if (mark !== STREAM_RESPONSE) {
      throw new MalformedStreamingHandler('Only response streaming is supported.');
    }
    streaming = STREAM_RESPONSE;
  }
  let highWaterMark;
  const hwm = handler[HANDLER_HIGHWATERMARK];
  if (hwm !== undefined && hwm !== null && hwm !== false) {
    const n = parseInt(hwm);
    highWaterMark = isNaN(n) ? undefined : n;
  }
  let isAsync = false;
  try {
    isAsync = handler.constructor && handler.constructor.name === 'AsyncFunction';
  } catch {
    isAsync = false;
  }
  return { streaming, highWaterMark, isAsync, argsNum: handler.length };
}

// ---------------------------------------------------------------------------------------------
// The invoke loop (the RIC's Runtime.js, CallbackContext.js, InvokeContext.js).
// ---------------------------------------------------------------------------------------------

// The one 'beforeExit' action, kept on the same global symbol as the RIC. 'beforeExit' fires when
// the event loop has nothing left to do, i.e. the user's work for this invoke is over.
const BEFORE_EXIT = Symbol.for('aws.lambda.beforeExit');
const NO_OP = () => {};
const setBeforeExit = (listener) => (globalThis[BEFORE_EXIT] = listener);
const resetBeforeExit = () => (globalThis[BEFORE_EXIT] = NO_OP);

let handler = null;
let metadata = null;
// Where a crash is reported: init/error before the first invoke, then the current invocation.
let crashInvokeId = null;
let crashing = false;

function exitAfterFlush(code) {
  afterOutputFlushed(() => process.exit(code));
}

// An uncaught exception or unhandled rejection ends the runtime, as with the RIC: report it,
// then exit so the platform records the crash and resets the env.
function reportFatal(error, code) {
  if (crashing) return;
  crashing = true;
  client.abandon(); // whatever was in flight, the report goes out on a fresh connection
  const done = () => exitAfterFlush(code); // whether or not the report got through
  try {
    if (crashInvokeId === null) postInitError(error, done);
    else postInvocationError(error, crashInvokeId, done);
  } catch {
    done();
  }
  // Neither a Runtime API that never answers nor a host that stops reading our output may keep
  // a crashed runtime alive.
  setTimeout(() => process.exit(code), 2000).unref();
}

// The Runtime API failed us (connection lost, nonsense answer): nothing can go on. Log it as the
// RIC does ("Unexpected Top Level Error"), try to report it, exit.
function onClientError(err) {
  console.log(`Unexpected Top Level Error: ${err.toString()}`);
  reportFatal(err, 129);
}

// Also the completion callback of every result POST: a failed POST (the Runtime API is gone) is
// fatal, as an exception from the RIC's HTTP client is.
function scheduleIteration(err) {
  if (err) {
    onClientError(err);
    return;
  }
  client.next(onNext);
}

function onNext(err, status, headers, body) {
  if (err) {
    onClientError(err);
    return;
  }
  if (status !== 200) {
    onClientError(new Error(`Runtime API answered /next with status ${status}`));
    return;
  }
  const id = headers.requestId;
  if (!id) {
    onClientError(new Error('invocation id is missing or invalid'));
    return;
  }
  globalThis[REQUEST_ID] = id;
  globalThis[TENANT_ID] = headers.tenantId;
  crashInvokeId = id;
  if (metadata.streaming === STREAM_RESPONSE) handleStreaming(id, headers, body);
  else handleNonStreaming(id, headers, body);
}

function parseJsonHeader(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

// The reserved variables are fixed for the life of the env, so they are read once: each
// process.env read is a call into C++, and this is the per-invoke path. (The RIC re-reads them on
// every invoke; only code that overwrites these reserved names could tell the difference.)
const FUNCTION_ENV = {
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
};

// context.callbackWaitsForEmptyEventLoop is an own enumerable accessor, as in the RIC (so
// Object.keys, spread and console.log see it). Getters that close over per-invoke state would
// give every context its own hidden class (V8 keys object shapes on accessor functions), which
// costs microseconds per invoke; so one shared getter/setter pair finds the invocation through a
// private field stamped on the context (invisible to user code), walking up the prototype chain
// for objects derived from a context, as a closure-based setter would also reach them.
class ReturnOverride {
  constructor(target) {
    return target;
  }
}
class ContextState extends ReturnOverride {
  #inv;
  constructor(target, inv) {
    super(target);
    this.#inv = inv;
  }
  static find(o) {
    while (o !== null && (typeof o === 'object' || typeof o === 'function')) {
      if (#inv in o) return o.#inv;
      o = Object.getPrototypeOf(o);
    }
    return undefined;
  }
}
const CALLBACK_WAITS = {
  get() {
    const inv = ContextState.find(this);
    return inv === undefined ? undefined : inv.waitForEmptyEventLoop;
  },
  set(value) {
    const inv = ContextState.find(this);
    if (inv !== undefined) inv.waitForEmptyEventLoop = value;
  },
  enumerable: true,
  configurable: true,
};

// The user-facing context, in the RIC's property order (console.log(context) looks the same).
// Properties are added in a fixed order so every context shares one hidden class.
function makeContext(inv, headers, id) {
  const trace = headers.traceId;
  if (trace) process.env._X_AMZN_TRACE_ID = trace;
  else delete process.env._X_AMZN_TRACE_ID;
  const deadline = headers.deadlineMs;
  const getRemainingTimeInMillis = function () {
    return deadline - Date.now();
  };
  const ctx = {};
  Object.defineProperty(ctx, 'callbackWaitsForEmptyEventLoop', CALLBACK_WAITS);
  new ContextState(ctx, inv);
  ctx.succeed = makeSucceed(inv);
  ctx.fail = makeFail(inv);
  ctx.done = makeDone(inv);
  ctx.functionVersion = FUNCTION_ENV.functionVersion;
  ctx.functionName = FUNCTION_ENV.functionName;
  ctx.memoryLimitInMB = FUNCTION_ENV.memoryLimitInMB;
  ctx.logGroupName = FUNCTION_ENV.logGroupName;
  ctx.logStreamName = FUNCTION_ENV.logStreamName;
  ctx.clientContext = parseJsonHeader(headers.clientContext, 'ClientContext');
  ctx.identity = parseJsonHeader(headers.cognitoIdentity, 'CognitoIdentity');
  ctx.invokedFunctionArn = headers.functionArn;
  ctx.awsRequestId = id;
  ctx.tenantId = headers.tenantId;
  ctx.getRemainingTimeInMillis = getRemainingTimeInMillis;
  return ctx;
}

// One invocation's completion state: the RIC's CallbackContext.js as a class, so an invoke
// allocates one object plus the few functions the user-facing API needs.
//  - Only the first call of the callback / succeed / fail / done counts (`finished`, set after the
//    call returns as in the RIC: a call that throws, e.g. on an unserializable result, leaves
//    room for the error to be reported through fail()).
//  - With the callback and callbackWaitsForEmptyEventLoop true (the default) the result is
//    posted only once the event loop is empty ('beforeExit').
class Invocation {
  constructor(id) {
    this.id = id;
    this.finished = false;
    this.completed = false;
    this.waitForEmptyEventLoop = true;
  }
  postError(err) {
    structuredConsole.logError('Invoke Error', err);
    postInvocationError(err, this.id, scheduleIteration);
  }
  complete(result) {
    if (this.completed) {
      console.error(
        'Invocation has already been reported as done. Cannot call complete more than once per invocation.',
      );
      return;
    }
    this.completed = true;
    postInvocationResponse(result, this.id, scheduleIteration);
  }
  callback(err, result) {
    resetBeforeExit();
    if (err !== undefined && err !== null) {
      this.postError(err);
    } else if (!this.waitForEmptyEventLoop) {
      this.complete(result);
    } else {
      setBeforeExit(() => {
        setImmediate(() => this.complete(result));
      });
    }
  }
  done(err, result) {
    resetBeforeExit();
    if (err !== undefined && err !== null) this.postError(err);
    else this.complete(result);
  }
}

// The functions are made by these factories rather than written inline so that they stay
// anonymous, as in the RIC (console.log(context) shows "succeed: [Function (anonymous)]").
function makeCallback(inv) {
  return function () {
    if (!inv.finished) {
      inv.callback(arguments[0], arguments[1]);
      inv.finished = true;
    }
  };
}
function makeSucceed(inv) {
  return function () {
    if (!inv.finished) {
      inv.done(null, arguments[0]);
      inv.finished = true;
    }
  };
}
function makeFail(inv) {
  return function () {
    if (!inv.finished) {
      const err = arguments[0];
      if (err === undefined || err === null) inv.done('handled');
      else inv.done(err, null);
      inv.finished = true;
    }
  };
}
function makeDone(inv) {
  return function () {
    if (!inv.finished) {
      inv.done(arguments[0], arguments[1]);
      inv.finished = true;
    }
  };
}
function isPromise(obj) {
  return obj && obj.then && typeof obj.then === 'function';
}

function handleNonStreaming(id, headers, body) {
  const inv = new Invocation(id);
  const callback = makeCallback(inv);
  try {
    // If the event loop empties before the handler reports: an async handler's promise can never
    // settle (NodeJsExit error); a sync/callback handler that never called back returns null.
    const isAsync = metadata.isAsync;
    setBeforeExit(() => {
      inv.completed = true;
      if (isAsync) {
        const error = new NodeJsExit();
        structuredConsole.logError('Invoke Error', error);
        postInvocationError(error, id, scheduleIteration);
      } else {
        postInvocationResponse(null, id, scheduleIteration);
      }
    });
    const event = JSON.parse(body.toString('utf8'));
    const context = makeContext(inv, headers, id);
    const result = handler(event, context, callback);
    if (isPromise(result)) {
      result.then(context.succeed, context.fail).catch(context.fail);
    }
  } catch (err) {
    callback(err);
  }
}

// ---------------------------------------------------------------------------------------------
// Response streaming handlers (awslambda.streamifyResponse). The host invokes synchronously and
// the init takes one response body, so the stream is collected and posted when it ends; what
// the caller receives is what a buffered Invoke of a streaming function returns on AWS.
// ---------------------------------------------------------------------------------------------
const DEFAULT_STREAM_CONTENT_TYPE = 'application/octet-stream';

class ResponseStream extends Writable {
  constructor(highWaterMark) {
    super(highWaterMark === undefined ? {} : { highWaterMark });
    this.contentType = DEFAULT_STREAM_CONTENT_TYPE;
    this.parts = [];
    this.started = false;
    this._onBeforeFirstWrite = undefined;
  }
  setContentType(contentType) {
    if (this.started) throw new InvalidStreamingOperation('Cannot set content-type, too late.');
    this.contentType = contentType;
  }
  write(chunk, encoding, callback) {
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk) && chunk?.constructor !== Uint8Array) {
      chunk = JSON.stringify(chunk);
    }
    if (!this.started && typeof this._onBeforeFirstWrite === 'function') {
      this._onBeforeFirstWrite((ch) => super.write(ch));
    }
    this.started = true;
    return super.write(chunk, encoding, callback);
  }
  _write(chunk, _encoding, callback) {
    this.parts.push(chunk);
    callback();
  }
}

// awslambda.HttpResponseStream (used by function URL handlers): a JSON prelude and 8 NUL bytes
// go before the body.
class HttpResponseStream {
  static from(underlyingStream, prelude) {
    underlyingStream.setContentType('application/vnd.awslambda.http-integration-response');
    const metadataPrelude = JSON.stringify(prelude);
    underlyingStream._onBeforeFirstWrite = (write) => {
      write(metadataPrelude);
      write(new Uint8Array(8));
    };
    return underlyingStream;
  }
}

async function handleStreaming(id, headers, body) {
  let postDone = null; // set once a result is posted; resolves when the Runtime API answered
  const stream = new ResponseStream(metadata.highWaterMark);
  // 'finish' comes a tick after end(); 'close' also covers a stream the user destroyed.
  const streamDone = new Promise((resolve) => {
    stream.on('finish', resolve);
    stream.on('close', resolve);
  });

  const post = (send) => {
    postDone = new Promise((resolve) => send(resolve));
  };
  const fail = (err) => {
    structuredConsole.logError('Invoke Error', err);
    if (postDone === null) post((resolve) => postInvocationError(err, id, resolve));
  };
  const scheduleNext = async () => {
    const err = await postDone;
    resetBeforeExit();
    if (err || !state.waitForEmptyEventLoop) scheduleIteration(err);
    else setBeforeExit(() => setImmediate(scheduleIteration));
  };
  stream.on('finish', () => {
    if (postDone !== null) return;
    post((resolve) =>
      client.post(
        INVOCATION + encodeURIComponent(id) + '/response',
        headerValue(stream.contentType),
        '',
        Buffer.concat(stream.parts),
        resolve,
      ),
    );
  });

  // The streaming context has no succeed/fail/done, as in the RIC; the rest is the same.
  const state = { waitForEmptyEventLoop: true };
  try {
    // A handler that never settles with an empty event loop: report it rather than leave the
    // invocation open until the timeout (Node.js 24's runtime does the same).
    setBeforeExit(() => {
      resetBeforeExit();
      if (postDone === null) fail(new NodeJsExit());
      postDone.then(scheduleIteration);
    });
    const event = JSON.parse(body.toString('utf8'));
    const ctx = makeContext(state, headers, id);
    delete ctx.succeed;
    delete ctx.fail;
    delete ctx.done;
    const result = handler(event, stream, ctx);
    if (!isPromise(result)) {
      fail('Streaming does not support non-async handlers.');
      await scheduleNext();
      return;
    }
    const value = await result;
    if (typeof value !== 'undefined') console.warn('Streaming handlers ignore return values.');
    if (stream.writableEnded) await streamDone;
    if (postDone === null) fail('Response stream is not finished.');
    await scheduleNext();
  } catch (err) {
    fail(err);
    await scheduleNext();
  }
}

// ---------------------------------------------------------------------------------------------
// Start (the RIC's index.mjs).
// ---------------------------------------------------------------------------------------------
const CALLBACK_WARNING =
  'AWS Lambda plans to remove support for callback-based function handlers starting with Node.js 24. You will need to update this function to use an async handler to use Node.js 24 or later. For more information and to provide feedback on this change, see https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/issues/137. To disable this warning, set the AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING environment variable.';

async function start() {
  patchConsole();

  process.on('uncaughtException', (error) => {
    structuredConsole.logError('Uncaught Exception', error);
    reportFatal(error, 129);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const error = new UnhandledPromiseRejection(reason, promise);
    structuredConsole.logError('Unhandled Promise Rejection', error);
    reportFatal(error, 128);
  });
  resetBeforeExit();
  process.on('beforeExit', () => globalThis[BEFORE_EXIT]());

  const appRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
  handler = await load(appRoot, process.env._HANDLER || '');
  metadata = getHandlerMetadata(handler);
  if (
    process.env.AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING === undefined &&
    metadata.argsNum == 3 &&
    metadata.isAsync == false &&
    metadata.streaming == false
  ) {
    console.warn(CALLBACK_WARNING);
  }
  // The first /next ends INIT.
  scheduleIteration();
}

// An init failure rejects here and reaches the 'uncaughtException' listener above, which logs
// "Uncaught Exception", posts /init/error and exits, exactly as on AWS.
await start();
