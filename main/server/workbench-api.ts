// The workbench's own read-only views beside the Lambda API: environments and
// their log streams. The UI's typed contract will carry the same data; tests
// use these to observe what the engine did.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../engine/engine.js';
import { sendJson } from './http-util.js';
import { CODE_PATH_PREFIX, presignerFor, type PresignVerdict } from './presign.js';

/**
 * Whether a request is a code download and how its presign checks out. Downloads carry no
 * Authorization header (as S3 presigned URLs do): an auth guard exempts exactly the ones
 * whose verdict is ok.
 */
export function codeDownloadVerdict(engine: Engine, req: IncomingMessage): PresignVerdict | undefined {
  if (req.method !== 'GET' || !req.url?.startsWith(CODE_PATH_PREFIX)) return undefined;
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  return presignerFor(engine.options.dataDir).verify(path, new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1)));
}

/** A refused code download: 403 with the presign's own code (AccessDenied, SignatureDoesNotMatch, ...), as S3 words it. */
export function sendDownloadRefusal(res: ServerResponse, verdict: Extract<PresignVerdict, { ok: false }>): void {
  sendJson(res, 403, { Code: verdict.code, Message: verdict.message, message: verdict.message }, { 'x-amzn-ErrorType': verdict.code });
}

export function workbenchViews(engine: Engine) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' || !req.url?.startsWith('/_workbench/')) return false;
    const download = codeDownloadVerdict(engine, req);
    if (download) {
      if (!download.ok) {
        sendDownloadRefusal(res, download);
        return true;
      }
      const key = req.url.slice(CODE_PATH_PREFIX.length).replace(/(\.zip)?(\?.*)?$/, '');
      const zip = engine.code.zip(key);
      if (!zip) return false;
      res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': zip.length });
      res.end(zip);
      return true;
    }
    const url = new URL(req.url, 'http://127.0.0.1');
    const fn = url.searchParams.get('function') ?? undefined;
    let body: unknown;
    if (url.pathname === '/_workbench/environments') body = engine.environments(fn);
    else if (url.pathname === '/_workbench/logs' && fn) body = engine.logStreams(fn);
    else if (url.pathname === '/_workbench/events') body = engine.events.recent((e) => !fn || e.functionName === fn);
    else if (url.pathname === '/_workbench/destinations') body = engine.queue.destinationRecords(url.searchParams.get('name') ?? '', { limit: 10_000 });
    else if (url.pathname === '/_workbench/dead-letters') body = engine.queue.deadLetters(fn, { limit: 10_000 });
    else if (url.pathname === '/_workbench/async') body = engine.queue.stats();
    else if (url.pathname === '/_workbench/audit') body = engine.audit.list({ limit: 10_000, functionName: fn });
    else if (url.pathname === '/_workbench/history' && fn) {
      const from = url.searchParams.get('from');
      const to = url.searchParams.get('to');
      body = from && to ? engine.history.diff(fn, Number(from), Number(to)) : engine.history.list(fn);
    }
    else return false;
    const text = JSON.stringify(body);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return true;
  };
}
