import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every path under `dir` (lstat: links are not followed). */
export function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    out.push(p);
    if (lstatSync(p).isDirectory()) walk(p, out);
  }
  return out;
}
