// Monaco, assembled from the parts the Code tab uses: the editor core, the
// contributions people expect of a code editor, the languages Lambda functions
// are written in (JS/TS with their language service, JSON with its worker;
// Python, YAML and shell as highlighting), our themes and the Lambda types.
// Imported lazily (a chunk of its own) so the window paints before Monaco loads.
// Note: Monaco's TypeScript mode (tsMode → workerManager → internal/common/workers)
// itself imports every editor contribution, so that chunk carries them all
// whatever is listed here; the list below is what the editor needs before it.
import * as monaco from 'monaco-editor/editor/editor.api';
// Every contribution, registered before the first editor exists: the TypeScript mode's chunk
// imports them all anyway, and a contribution whose service registers after the editor's services
// were created fails the next editor ("[createInstance] … depends on UNKNOWN service
// ICodeLensCache" / "treeViewsDndService", seen when a second editor opened after a TS model).
import 'monaco-editor/features/register.all';
import 'monaco-editor/editor/browser/coreCommands';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/codeAction/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/format/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/gotoSymbol/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/indentation/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/parameterHints/register';
import 'monaco-editor/features/readOnlyMessage/register';
import 'monaco-editor/features/smartSelect/register';
import 'monaco-editor/features/snippet/register';
import 'monaco-editor/features/suggest/register';
// The suggest feature's register module brings inline completions only; the widget is here.
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/wordOperations/register';
// Languages: tokenizers (definitions) and, for JS/TS and JSON, their language services.
import 'monaco-editor/languages/definitions/javascript/register';
import 'monaco-editor/languages/definitions/typescript/register';
import 'monaco-editor/languages/definitions/python/register';
import 'monaco-editor/languages/definitions/yaml/register';
import 'monaco-editor/languages/definitions/shell/register';
import 'monaco-editor/languages/features/json/register';
import { javascriptDefaults, typescriptDefaults } from 'monaco-editor/languages/features/typescript/register';
import type { ThemeName } from '../theme/tokens.js';
import { loadLambdaTypes } from './lambda-types.js';
import { MONACO_THEME, themeData } from './themes.js';
import { installWorkers } from './workers.js';

installWorkers();

monaco.editor.defineTheme(MONACO_THEME.light, themeData('light'));
monaco.editor.defineTheme(MONACO_THEME.dark, themeData('dark'));

// TypeScript's numeric enums, spelled out (the register module's enums lack Bundler).
const ES2022 = 9;
const ESNEXT_MODULE = 99;
const BUNDLER_RESOLUTION = 100;

const common = {
  target: ES2022,
  module: ESNEXT_MODULE,
  moduleResolution: BUNDLER_RESOLUTION,
  strict: true,
  esModuleInterop: true,
  allowSyntheticDefaultImports: true,
  skipLibCheck: true,
  noEmit: true,
  allowNonTsExtensions: true,
  // Handlers import JSON configs and relative modules as esbuild and Node allow.
  resolveJsonModule: true,
  allowImportingTsExtensions: true,
};

// TS files: strict, as `sam init` templates are.
typescriptDefaults.setCompilerOptions({ ...common });
// JS files: checked too, so JSDoc `@type {import('aws-lambda').Handler}` gives completions and errors.
javascriptDefaults.setCompilerOptions({ ...common, allowJs: true, checkJs: true, strict: false });
// 80001 "File is a CommonJS module; it may be converted to an ES module": a CommonJS
// handler is a supported Lambda format, not something to nag about.
const diagnostics = { noSemanticValidation: false, noSyntaxValidation: false, diagnosticCodesToIgnore: [80001] };
javascriptDefaults.setDiagnosticsOptions(diagnostics);
typescriptDefaults.setDiagnosticsOptions(diagnostics);
// Models of the same function (not only the visible one) take part in type checking.
typescriptDefaults.setEagerModelSync(true);
javascriptDefaults.setEagerModelSync(true);

// Text that arrives whole from the keyboard channel (an IME commit, dictation, a
// test's insertText) goes in as it is: Monaco would otherwise replay it one
// character at a time through auto-closing and auto-indent, and mangle it.
// Single keystrokes keep every typing aid. The focused editor is the target.
monaco.editor.registerCommand('type', (_accessor, args: { text?: string } | undefined) => {
  const text = args?.text ?? '';
  const target = monaco.editor.getEditors().find((e) => e.hasTextFocus()) ?? monaco.editor.getEditors()[0];
  if (!target) return;
  target.trigger(text.length > 1 ? 'insert' : 'keyboard', 'type', { text });
});

/** Resolves when the Lambda types are in both workers (before the first completion is asked for). */
export const lambdaTypesReady = loadLambdaTypes(typescriptDefaults, javascriptDefaults);

export function setTheme(name: ThemeName): void {
  monaco.editor.setTheme(MONACO_THEME[name]);
}

export { monaco };
