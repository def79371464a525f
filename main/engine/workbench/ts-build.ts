// TypeScript functions are built as `sam build` builds them: esbuild bundles
// the handler's module for the function's Node.js version. The sources stay in
// the code (the editor shows them); the bundle is written beside them.
//
// Output: ES module `<module>.mjs`. ESM because Lambda's Node.js runtimes load
// .mjs as a module whatever package.json says, top-level await then works in
// INIT, and it is what new Node.js functions are written as. Bundled CommonJS
// dependencies may still `require` Node's built-ins: the banner gives the
// bundle a `require` (the fix esbuild's docs and SAM users apply).
import { build, type Message } from 'esbuild';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BuildDiagnostic, BuildReport } from '../../contract/results.js';
import type { RuntimeSpec } from '../runtimes.js';

export interface TsBuildOutput {
  report: BuildReport;
  /** The files the build wrote, relative to the code root, when it succeeded. */
  files: { path: string; contents: Uint8Array }[];
}

const ENTRY_EXTENSIONS = ['.ts', '.mts', '.tsx'];
const REQUIRE_BANNER = "import { createRequire as __lwbCreateRequire } from 'node:module'; const require = __lwbCreateRequire(import.meta.url);";

/** `src/app.handler` → module `src/app`. */
export function handlerModule(handler: string): string {
  const dot = handler.lastIndexOf('.');
  return dot > 0 ? handler.slice(0, dot) : handler;
}

/** The file the build writes for a handler (`index.handler` → `index.mjs`). */
export const bundlePath = (handler: string): string => `${handlerModule(handler)}.mjs`;

/** 1-based line and column (as Monaco counts), the path relative to the code root. */
function diagnostic(root: string, m: Message): BuildDiagnostic {
  const loc = m.location;
  const file = loc?.file ? relative(root, join(root, loc.file)).split('\\').join('/') : '';
  return { file, line: loc?.line ?? 0, column: loc ? loc.column + 1 : 0, text: m.text };
}

/**
 * Bundles the handler's module found under `root` (a folder holding the whole
 * code tree). Never throws for the user's mistakes: a missing entry or a
 * syntax error comes back as `report.ok === false` with diagnostics.
 */
export async function buildTypeScript(root: string, handler: string, runtime: RuntimeSpec): Promise<TsBuildOutput> {
  const started = performance.now();
  const module = handlerModule(handler);
  const out = bundlePath(handler);
  const entry = ENTRY_EXTENSIONS.map((ext) => module + ext).find((p) => existsSync(join(root, p)));
  const finish = (ok: boolean, errors: BuildDiagnostic[], warnings: BuildDiagnostic[], files: TsBuildOutput['files']): TsBuildOutput => ({
    report: { tool: 'esbuild', ok, durationMs: Math.round(performance.now() - started), errors, warnings, outputs: files.map((f) => f.path) },
    files,
  });
  if (!entry) {
    const text = `The handler ${handler} needs ${module}.ts (or .mts, .tsx): no such file. Create it, or change the handler in the configuration.`;
    return finish(false, [{ file: `${module}.ts`, line: 0, column: 0, text }], [], []);
  }
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: [join(root, entry)],
      outfile: join(root, out),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: `node${runtime.nodeMajor ?? 20}`,
      // Lambda's Node.js runtimes provide the AWS SDK v3; bundling it is what one opts into.
      external: ['@aws-sdk/*'],
      banner: { js: REQUIRE_BANNER },
      write: false,
      logLevel: 'silent',
      // A fixed name: the same sources give the same bytes (and the same CodeSha256).
      sourcemap: false,
    });
    const files = result.outputFiles.map((f) => ({ path: relative(root, f.path).split('\\').join('/'), contents: f.contents }));
    return finish(true, [], result.warnings.map((w) => diagnostic(root, w)), files);
  } catch (err) {
    const failure = err as { errors?: Message[]; warnings?: Message[] };
    if (!Array.isArray(failure.errors)) throw err;
    return finish(false, failure.errors.map((e) => diagnostic(root, e)), (failure.warnings ?? []).map((w) => diagnostic(root, w)), []);
  }
}
