// What `lwb serve` checks before it starts, so that a data directory it cannot
// use or a port already taken is reported as the flag or path to change, not as
// raw errno text (EADDRINUSE, EROFS, EEXIST).
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from './args.js';

/** Makes sure `dir` is a folder the workbench can write, or says what to change. */
export function checkDataDir(dir: string): void {
  const flag = `--data-dir ${dir}`;
  try {
    makeFolders(dir);
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    // Writability by trying: permission bits do not tell about read-only mounts or pseudo filesystems.
    const probe = join(dir, `.lwb-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why: Record<string, string> = {
      EEXIST: 'a file (not a folder) is in the way',
      ENOTDIR: 'a file (not a folder) is in the way',
      EROFS: 'it is on a read-only filesystem',
      EACCES: 'this user may not write there',
      EPERM: 'this user may not write there',
      ENOENT: 'it cannot be created there',
      ENOSPC: 'the disk is full',
    };
    throw new UsageError(`${flag}: the workbench cannot keep its data there: ${why[code ?? ''] ?? (err as Error).message}. Give --data-dir a folder you can write.`);
  }
}

/** mkdir -p one level at a time: Node's recursive mkdirSync spins forever where mkdir says ENOENT for an existing parent (/proc). */
function makeFolders(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeFolders(parent);
  mkdirSync(dir);
}

/** A listen failure as the flag to change; other errors pass through. */
export function explainListenError(err: unknown, ports: { api: number; functionUrls?: number }): unknown {
  const e = err as NodeJS.ErrnoException & { port?: number };
  if (e.code !== 'EADDRINUSE' && e.code !== 'EACCES') return err;
  const flag = e.port !== undefined && e.port === ports.functionUrls && ports.functionUrls !== ports.api ? '--function-url-port' : '--port';
  const what = e.code === 'EADDRINUSE' ? `port ${e.port} is already in use (another workbench, or another program)` : `this user may not listen on port ${e.port}`;
  return new UsageError(`${what}: choose another with ${flag} <p>, or ${flag} 0 for a free one.`);
}

/** The lines of a usage text that belong to one command (its line and the indented ones under it). */
export function usageOf(usage: string, command: string): string {
  const out: string[] = [];
  let inside = false;
  for (const line of usage.split('\n')) {
    if (/^ {2}\S/.test(line)) inside = line.startsWith(`  ${command} `) || line === `  ${command}`;
    else if (!/^ {3,}\S/.test(line)) inside = false;
    if (inside) out.push(line);
  }
  return out.length ? `usage: lwb ${command} [flags]\n\n${out.join('\n')}\n` : usage;
}
