// Which files of a function the TypeScript worker should see: its sources, not
// installed dependencies, build outputs, binaries or very large files.
import type { WorkEntry } from './working-set.js';

const SOURCE = /\.(ts|mts|cts|tsx|js|mjs|cjs|jsx|json)$/;
const MAX_FILES = 200;
const MAX_BYTES = 512 * 1024;

export function sourcesToPreload(entries: WorkEntry[]): string[] {
  return entries
    .filter((e) => e.kind === 'file' && e.link === undefined && !e.binary && !e.generated && !e.isNew && e.size <= MAX_BYTES && SOURCE.test(e.path) && !/(^|\/)node_modules\//.test(e.path))
    .slice(0, MAX_FILES)
    .map((e) => e.path);
}
