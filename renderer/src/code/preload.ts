// The TypeScript worker checks a file against the files it imports, and it
// only knows files that are Monaco models: read the function's sources (not
// installed dependencies, not build outputs) so relative imports resolve.
import { useEffect } from 'react';
import { useCode } from '../stores/code.js';
import type { WorkEntry } from './working-set.js';

const SOURCE = /\.(ts|mts|cts|tsx|js|mjs|cjs|jsx|json)$/;
const MAX_FILES = 200;
const MAX_BYTES = 512 * 1024;

export function sourcesToPreload(entries: WorkEntry[]): string[] {
  return entries
    .filter((e) => e.kind === 'file' && !e.binary && !e.generated && !e.isNew && e.size <= MAX_BYTES && SOURCE.test(e.path) && !/(^|\/)node_modules\//.test(e.path))
    .slice(0, MAX_FILES)
    .map((e) => e.path);
}

export function usePreloadSources(functionName: string): void {
  const revision = useCode((s) => (s.functionName === functionName ? s.tree?.revisionId : undefined));
  useEffect(() => {
    if (!revision) return;
    const st = useCode.getState();
    // Only worth it where a language service runs: a function with TS or JS sources.
    const paths = sourcesToPreload(st.ws.entries);
    if (paths.some((p) => /\.[cm]?[jt]sx?$/.test(p))) void st.preload(paths);
  }, [functionName, revision]);
}
