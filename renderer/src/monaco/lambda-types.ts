// @types/aws-lambda, bundled at build time (no CDN), handed to Monaco's
// TypeScript and JavaScript workers as extra libs at the paths Node's module
// resolution looks for: file:///node_modules/@types/aws-lambda/… . Models live
// at file:///<function>/<path>, so `import type { … } from 'aws-lambda'` and
// JSDoc `import('aws-lambda')` resolve by walking up to the root.
// The texts are a lazy chunk of their own (lambda-dts.ts).
import type { typescriptDefaults as TsDefaults } from 'monaco-editor/languages/features/typescript/register';
import { NODE_GLOBALS_DTS, NODE_GLOBALS_PATH } from './node-globals.js';

type Defaults = typeof TsDefaults;

const PREFIX = 'file:///node_modules/@types/aws-lambda/';

/** The glob key's path inside the package: '../../../node_modules/@types/aws-lambda/trigger/s3.d.ts' → 'trigger/s3.d.ts'. */
export function packagePath(globKey: string): string {
  const at = globKey.indexOf('@types/aws-lambda/');
  return globKey.slice(at + '@types/aws-lambda/'.length);
}

let loaded: Promise<void> | undefined;

/** Adds the Lambda types and the Node globals to both workers, once. */
export function loadLambdaTypes(...targets: Defaults[]): Promise<void> {
  loaded ??= (async () => {
    const { LAMBDA_DTS } = await import('./lambda-dts.js');
    const entries = Object.entries(LAMBDA_DTS).map(([key, content]) => ({ path: PREFIX + packagePath(key), content }));
    if (entries.length === 0) throw new Error('LambdaTypesMissing: no @types/aws-lambda declarations were bundled; is the package installed?');
    const libs = [...entries.map((e) => ({ filePath: e.path, content: e.content })), { filePath: NODE_GLOBALS_PATH, content: NODE_GLOBALS_DTS }];
    for (const d of targets) d.setExtraLibs(libs);
  })();
  return loaded;
}
