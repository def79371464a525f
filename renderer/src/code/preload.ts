// The TypeScript worker checks a file against the files it imports, and it
// only knows files that are Monaco models: read the function's sources so
// relative imports resolve (which ones: sources.ts).
import { useEffect } from 'react';
import { useCode } from '../stores/code.js';
import { sourcesToPreload } from './sources.js';

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
