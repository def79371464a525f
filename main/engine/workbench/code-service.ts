// The window's code operations over the engine: create a function from a
// template, list and read its `$LATEST` code, and save edits as new `$LATEST`
// code — through the same registry calls as CreateFunction and
// UpdateFunctionCode, so RevisionId checks, history, the `functions` stream and
// graceful switching (running invocations finish on the old code, the next is
// a cold start "after-code-change") are the REST API's own.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeOp, CheckedParamsOf } from '../../contract/methods.js';
import type { CodeTree, CodeFile, SaveResult, BuildReport, RuntimeTemplateId } from '../../contract/results.js';
import type { Engine } from '../engine.js';
import { LambdaError } from '../errors.js';
import { findRuntime } from '../runtimes.js';
import type { FunctionRecord } from '../control/functions.js';
import { audited } from './audit.js';
import { CodeDraft } from './code-draft.js';
import { codeRoot, listCode, readCode } from './code-tree.js';
import { WorkbenchError } from './errors.js';
import { isBuilt, runtimesOf, templateSpec, type TemplateFile } from './templates.js';
import { buildTypeScript } from './ts-build.js';

/** Lambda's precondition failure, as the window's contract names a stale write. */
export function conflictOnStale(err: unknown): never {
  if (err instanceof LambdaError && err.code === 'PreconditionFailedException') {
    throw new WorkbenchError('ResourceConflictException', `The function changed since you loaded it (the window, the AWS CLI or a linked folder): ${err.message}`, 'Reload it and apply your change again.');
  }
  throw err;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The template's files named after the handler: `app.main` makes app.mjs export `main`
 * (lambda_function.py's `lambda_handler`, function.sh's `handler` likewise).
 */
function filesForHandler(id: RuntimeTemplateId, handler: string): TemplateFile[] {
  const spec = templateSpec(id);
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || handler === spec.handler) return spec.files;
  const [module, fn] = [handler.slice(0, dot), handler.slice(dot + 1)];
  const [main, ...rest]: TemplateFile[] = id === 'provided-bash' ? [spec.files[1]!, spec.files[0]!] : spec.files;
  if (!main) return spec.files;
  const ext = main.path.slice(main.path.lastIndexOf('.'));
  const defaultFn = spec.handler.slice(spec.handler.lastIndexOf('.') + 1);
  let renamed = main.content;
  if (IDENT.test(fn) && !fn.includes('$')) {
    // The declaration only (comments mention the name too).
    for (const decl of [`export const ${defaultFn}`, `exports.${defaultFn}`, `def ${defaultFn}(`, `function ${defaultFn} (`]) {
      if (renamed.includes(decl)) {
        renamed = renamed.replace(decl, decl.replace(defaultFn, fn));
        break;
      }
    }
  }
  return [{ ...main, path: module + ext, content: renamed }, ...rest];
}

export class CodeService {
  /** One save at a time per function: each applies its operations to what the one before wrote. */
  private readonly saving = new Map<string, Promise<unknown>>();

  constructor(private readonly engine: Engine) {}

  private get buildDir(): string {
    return join(this.engine.options.dataDir, 'cache', 'builds');
  }

  /** Builds a TypeScript draft in a scratch folder; the outputs are added to the draft when it succeeds. */
  private async build(draft: CodeDraft, handler: string, runtimeId: string): Promise<BuildReport> {
    const runtime = findRuntime(runtimeId);
    if (runtime?.family !== 'nodejs') {
      return { tool: 'esbuild', ok: false, durationMs: 0, errors: [{ file: '', line: 0, column: 0, text: `TypeScript builds for a Node.js runtime; this function runs ${runtimeId}.` }], warnings: [], outputs: [] };
    }
    const dir = draft.materialize(this.buildDir);
    try {
      const out = await buildTypeScript(dir, handler, runtime);
      if (out.report.ok) for (const f of out.files) draft.putFile(f.path, f.contents, 0o644);
      return out.report;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async create(p: CheckedParamsOf<'functions.create'>): Promise<FunctionRecord> {
    const spec = templateSpec(p.template);
    const runtimes = this.runtimesFor(p.template);
    const runtime = p.runtime ?? runtimes[0];
    if (!runtime) throw new WorkbenchError('RuntimeUnavailable', `No ${spec.family} runtime is available on this machine for the ${spec.label} template.`, spec.family === 'python' ? 'Install python3 (apt-get install python3) and restart the workbench.' : undefined);
    if (!runtimes.includes(runtime)) throw new WorkbenchError('InvalidParameters', `The ${spec.label} template runs on ${runtimes.join(' or ')}, not ${runtime}.`, 'Choose one of those runtimes, or another template.');
    const handler = p.handler ?? spec.handler;
    const draft = CodeDraft.fromFiles(filesForHandler(p.template, handler));
    let generated: string[] | undefined;
    if (isBuilt(p.template)) {
      const report = await this.build(draft, handler, runtime);
      if (!report.ok) throw new WorkbenchError('BuildFailed', `The template did not build: ${report.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.text}`).join('; ')}`);
      generated = report.outputs;
    }
    const zip = await draft.toZip();
    const input = {
      FunctionName: p.name,
      Runtime: runtime,
      Handler: handler,
      Role: `arn:aws:iam::${this.engine.options.accountId}:role/lambda-workbench`,
      ...(p.memorySize !== undefined ? { MemorySize: p.memorySize } : {}),
      ...(p.timeout !== undefined ? { Timeout: p.timeout } : {}),
      ...(p.ephemeralStorage !== undefined ? { EphemeralStorage: { Size: p.ephemeralStorage } } : {}),
      ...(p.environment ? { Environment: { Variables: p.environment } } : {}),
      ...(p.description !== undefined ? { Description: p.description } : {}),
      Code: { ZipFile: zip.toString('base64') },
    };
    const { Code: _code, ...shown } = input;
    return audited(this.engine, 'CreateFunction', { ...shown, Code: { ZipFile: zip }, Template: p.template }, () =>
      this.engine.createFunction(input, { template: p.template, ...(generated ? { generated } : {}) }),
    );
  }

  /** The runtimes a template can be created with, newest (the default) first. */
  runtimesFor(template: RuntimeTemplateId): string[] {
    return runtimesOf(templateSpec(template).family);
  }

  tree(name: string): CodeTree {
    const record = this.engine.functions.get(name, true);
    const root = this.rootOf(record);
    const generated = new Set(record.linkedFolder ? [] : (record.workbench?.generated ?? []));
    return {
      functionName: record.config.FunctionName,
      entries: listCode(root, generated),
      readOnly: record.linkedFolder !== undefined,
      ...(record.linkedFolder ? { linkedFolder: record.linkedFolder } : {}),
      codeSha256: record.config.CodeSha256,
      revisionId: record.config.RevisionId,
    };
  }

  read(name: string, path: string): CodeFile {
    return readCode(this.rootOf(this.engine.functions.get(name, true)), path);
  }

  private rootOf(record: FunctionRecord) {
    return record.linkedFolder ? codeRoot(record.linkedFolder, true) : codeRoot(this.engine.code.dir(record.codeKey), false);
  }

  /** Serialised per function; see saveNow. */
  save(name: string, ops: CodeOp[], expectedRevisionId?: string): Promise<SaveResult> {
    const fn = this.engine.functions.get(name, true).config.FunctionName;
    const before = this.saving.get(fn) ?? Promise.resolve();
    const run = before.catch(() => {}).then(() => this.saveNow(fn, ops, expectedRevisionId));
    this.saving.set(fn, run);
    const clear = () => this.saving.get(fn) === run && this.saving.delete(fn);
    run.then(clear, clear);
    return run;
  }

  /**
   * Applies the operations to the current `$LATEST`, builds a TypeScript function, and stores
   * the result as ONE new `$LATEST` through UpdateFunctionCode. A failed build stores nothing
   * and answers the build's diagnostics (with the unchanged revision). The revision the save
   * started from is its precondition: a change by anyone else meanwhile is a conflict, never
   * silently overwritten.
   */
  private async saveNow(fn: string, ops: CodeOp[], expectedRevisionId?: string): Promise<SaveResult> {
    const record = this.engine.functions.get(fn, true);
    if (record.linkedFolder) {
      throw new WorkbenchError('ReadOnlyCode', `${fn}'s code is the linked folder ${record.linkedFolder}: edit the files there; the workbench deploys each change.`, `Open ${record.linkedFolder} in your editor, or unlink the folder to edit here.`);
    }
    if (expectedRevisionId !== undefined && expectedRevisionId !== record.config.RevisionId) {
      conflictOnStale(new LambdaError('PreconditionFailedException', `RevisionId ${expectedRevisionId} is not the current ${record.config.RevisionId}.`));
    }
    const draft = CodeDraft.fromDir(this.engine.code.dir(record.codeKey));
    for (const op of ops) draft.apply(op);
    let build: BuildReport | undefined;
    let generated = record.workbench?.generated;
    if (isBuilt(record.workbench?.template)) {
      // Outputs of the last build go: a changed handler must not leave a stale bundle behind.
      for (const path of record.workbench?.generated ?? []) draft.remove(path);
      build = await this.build(draft, record.config.Handler, record.config.Runtime);
      if (!build.ok) return { revisionId: record.config.RevisionId, codeSha256: record.config.CodeSha256, codeSize: record.config.CodeSize, build };
      generated = build.outputs;
    }
    const zip = await draft.toZip();
    const revision = expectedRevisionId ?? record.config.RevisionId;
    const updated = await audited(this.engine, 'UpdateFunctionCode', { FunctionName: fn, ZipFile: zip, RevisionId: revision }, () =>
      this.engine.functions.updateCode(fn, { ZipFile: zip.toString('base64'), RevisionId: revision }).catch(conflictOnStale),
    );
    if (JSON.stringify(generated) !== JSON.stringify(record.workbench?.generated)) this.engine.functions.patch(fn, (r) => ({ workbench: { ...r.workbench, generated } }));
    const config = updated.config;
    return { revisionId: config.RevisionId, codeSha256: config.CodeSha256, codeSize: config.CodeSize, ...(build ? { build } : {}) };
  }
}
