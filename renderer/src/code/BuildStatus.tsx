// The build's verdict for functions built on save (TypeScript, with esbuild):
// a compact line in the toolbar, and when it failed, its errors listed as
// file:line:col — each opens the file (the same errors are Monaco markers).
import { useCode } from '../stores/code.js';
import type { BuildDiagnostic, BuildReport } from '../../../main/contract/results.js';
import { IconAlert, IconCheck } from '../components/index.js';

export function BuildBadge({ build }: { build: BuildReport }) {
  return (
    <span className={`build-status ${build.ok ? 'ok' : 'failed'}`} data-testid="build-status" data-ok={String(build.ok)} title={build.outputs.length ? `Wrote ${build.outputs.join(', ')}` : undefined}>
      {build.ok ? <IconCheck size={12} /> : <IconAlert size={12} />}
      {build.ok ? 'Built' : `Build failed · ${build.errors.length} error${build.errors.length === 1 ? '' : 's'}`}
      <span className="build-time">
        {build.tool} · {Math.round(build.durationMs)} ms
        {build.warnings.length > 0 && ` · ${build.warnings.length} warning${build.warnings.length === 1 ? '' : 's'}`}
      </span>
    </span>
  );
}

export function BuildProblems({ build }: { build: BuildReport }) {
  const rows: { d: BuildDiagnostic; level: 'error' | 'warning' }[] = [...build.errors.map((d) => ({ d, level: 'error' as const })), ...build.warnings.map((d) => ({ d, level: 'warning' as const }))];
  if (rows.length === 0) return null;
  const open = (file: string) => {
    const st = useCode.getState();
    const f = file.replace(/^\.\//, '');
    const hit = st.ws.entries.find((e) => e.path === f || f.endsWith(`/${e.path}`));
    if (hit) void st.openFile(hit.path);
  };
  return (
    <ul className="build-problems" data-testid="build-problems" aria-label="Build problems">
      {rows.map(({ d, level }, i) => (
        <li key={i} className={`build-problem ${level}`} data-testid="build-problem">
          <button type="button" onClick={() => open(d.file)}>
            <code className="build-where">
              {d.file}
              {d.line > 0 && `:${d.line}:${d.column}`}
            </code>
            <span className="build-text">{d.text}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
