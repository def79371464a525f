// Serves the renderer's page in serve mode. For now a placeholder page: the
// React UI and its WebSocket contract come with the UI issue.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { REPO_ROOT } from '../engine/images/rootfs.js';

let page: Buffer | undefined;

export function servePlaceholderUi(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' || (req.url !== '/' && req.url !== '/index.html')) return false;
  page ??= readFileSync(join(REPO_ROOT, 'renderer', 'index.html'));
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': page.length, 'X-Content-Type-Options': 'nosniff' });
  res.end(page);
  return true;
}
