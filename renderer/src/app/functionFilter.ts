// Which functions the side list shows for a filter: every word must appear in
// the name or runtime (case-insensitive), so "py orders" finds orders-python3.12.
import type { FunctionSummary } from '../../../main/contract/index.js';

export function visibleFunctions(list: FunctionSummary[], filter: string): FunctionSummary[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return list;
  return list.filter((f) => {
    const hay = `${f.name} ${f.runtime}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** nodejs20.x → node20, python3.12 → py3.12, provided.al2023 → al2023: short enough for a 28px row. */
export function shortRuntime(runtime: string): string {
  return runtime
    .replace(/^nodejs(\d+)\.x$/, 'node$1')
    .replace(/^python/, 'py')
    .replace(/^provided\./, '')
    .replace(/^java/, 'java')
    .replace(/^dotnet/, '.net');
}
