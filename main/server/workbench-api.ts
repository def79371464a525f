// The workbench's own read-only views beside the Lambda API: environments and
// their log streams. The UI's typed contract will carry the same data; tests
// use these to observe what the engine did.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../engine/engine.js';

export function workbenchViews(engine: Engine) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' || !req.url?.startsWith('/_workbench/')) return false;
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
    else if (url.pathname.startsWith('/_workbench/code/')) {
      const zip = engine.code.zip(url.pathname.slice('/_workbench/code/'.length).replace(/\.zip$/, ''));
      if (!zip) return false;
      res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': zip.length });
      res.end(zip);
      return true;
    } else return false;
    const text = JSON.stringify(body);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return true;
  };
}
