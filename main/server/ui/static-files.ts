// The window's files (dist/renderer, Vite's build) as served to serve mode's
// browser and to Electron's app:// protocol. One containment check for both:
// a request names a file inside the build folder or nothing — no `..` (plain or
// percent-encoded), no NUL or backslash, no dotfile, no symlink that leads out.
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { REPO_ROOT } from '../../engine/images/rootfs.js';

/** Where `npx vite build --config renderer/vite.config.ts` writes the window. */
export const RENDERER_DIR = join(REPO_ROOT, 'dist', 'renderer');

export type Resolved =
  | { ok: true; file: string; size: number }
  | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * The file `urlPath` (a URL's raw path: percent-encoded, starting with `/`) names inside
 * `root`, after every check; `/` is index.html.
 */
export async function resolveContained(root: string, urlPath: string): Promise<Resolved> {
  if (!urlPath.startsWith('/')) return { ok: false, status: 400, reason: 'the path must start with /' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { ok: false, status: 400, reason: 'the path has a malformed percent-escape' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400, reason: 'the path holds a NUL or a backslash' };
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return { ok: false, status: 403, reason: 'the path leaves the window\'s folder' };
  // Dotfiles are build bookkeeping (.stamp), never part of the page.
  if (segments.some((s) => s.startsWith('.'))) return { ok: false, status: 404, reason: 'no such file' };
  if (segments.length === 0) segments.push('index.html');
  let realRoot: string;
  let real: string;
  try {
    realRoot = await realpath(root);
    real = await realpath(join(root, ...segments));
  } catch {
    return { ok: false, status: 404, reason: 'no such file' };
  }
  // After links are resolved: a symlink inside the build that points out of it is refused.
  if (!real.startsWith(realRoot + sep)) return { ok: false, status: 403, reason: 'the path leaves the window\'s folder' };
  const st = await stat(real).catch(() => undefined);
  if (!st?.isFile()) return { ok: false, status: 404, reason: 'no such file' };
  return { ok: true, file: real, size: st.size };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.d.ts': 'text/plain; charset=utf-8',
};

/** With nosniff the browser trusts this alone, so anything unknown is plain bytes, never executable. */
export function contentType(file: string): string {
  if (file.endsWith('.d.ts')) return TYPES['.d.ts']!;
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}
