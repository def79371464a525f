// One Monaco model per loaded text file of the function on screen, kept in step
// with the code store: the store's text goes into a model when it changes from
// outside (a load, a reload after a save), and every edit in a model goes back
// into the store. Models sit at file:///<function>/<path>, so relative imports
// between them resolve and the TS worker checks them as one program.
import type { editor as Editor, IDisposable } from 'monaco-editor/editor/editor.api';
import type { BuildReport } from '../../../main/contract/results.js';
import type { FileText } from '../code/working-set.js';
import { languageFor } from './languages.js';
import type { monaco as Monaco } from './setup.js';

export const BUILD_MARKER_OWNER = 'esbuild';

export class ModelSet {
  private readonly models = new Map<string, Editor.ITextModel>();
  private readonly listeners = new Map<string, IDisposable>();
  private readonly seen = new Map<string, FileText>();
  /** Set while text from the store goes into a model, so that edit is not echoed back. */
  private applying = false;
  private build: BuildReport | undefined;

  constructor(
    private readonly monaco: typeof Monaco,
    private readonly functionName: string,
    private readonly onEdit: (path: string, text: string) => void,
  ) {}

  uriFor(path: string) {
    return this.monaco.Uri.from({ scheme: 'file', path: `/${this.functionName}/${path}` });
  }

  get(path: string): Editor.ITextModel | undefined {
    return this.models.get(path);
  }

  /** Brings the models in line with the store's files: creates, updates, disposes. */
  sync(files: Record<string, FileText>): void {
    for (const [path, f] of Object.entries(files)) {
      if (this.seen.get(path) === f) continue;
      this.seen.set(path, f);
      const model = this.models.get(path);
      if (!model) {
        this.create(path, f.text);
      } else if (model.getValue() !== f.text) {
        this.applying = true;
        try {
          // An edit (not setValue), so undo can take the editor back past a reload.
          model.pushEditOperations([], [{ range: model.getFullModelRange(), text: f.text }], () => null);
        } finally {
          this.applying = false;
        }
      }
    }
    for (const path of [...this.models.keys()]) if (!(path in files)) this.drop(path);
  }

  private create(path: string, text: string): void {
    const uri = this.uriFor(path);
    // A model left at this address (a quick remount) would make createModel throw.
    this.monaco.editor.getModel(uri)?.dispose();
    const nl = text.indexOf('\n');
    const firstLine = nl < 0 ? text : text.slice(0, nl);
    const model = this.monaco.editor.createModel(text, languageFor(path, firstLine), uri);
    this.models.set(path, model);
    this.listeners.set(
      path,
      model.onDidChangeContent(() => {
        if (!this.applying) this.onEdit(path, model.getValue());
      }),
    );
    this.markBuild(path, model);
  }

  private drop(path: string): void {
    this.listeners.get(path)?.dispose();
    this.listeners.delete(path);
    this.models.get(path)?.dispose();
    this.models.delete(path);
    this.seen.delete(path);
  }

  /** The last build's errors and warnings as markers (owner 'esbuild') on the files they name. */
  setBuild(build: BuildReport | undefined): void {
    this.build = build;
    for (const [path, model] of this.models) this.markBuild(path, model);
  }

  private markBuild(path: string, model: Editor.ITextModel): void {
    const { MarkerSeverity } = this.monaco;
    const diags = this.build ? [...this.build.errors.map((d) => ({ d, severity: MarkerSeverity.Error })), ...this.build.warnings.map((d) => ({ d, severity: MarkerSeverity.Warning }))] : [];
    const mine = diags.filter(({ d }) => samePath(d.file, path));
    this.monaco.editor.setModelMarkers(
      model,
      BUILD_MARKER_OWNER,
      mine.map(({ d, severity }) => {
        // The contract's diagnostics are 1-based (0: no place), as Monaco counts.
        const line = Math.max(1, Math.min(d.line, model.getLineCount()));
        const col = Math.max(1, d.column);
        return { severity, message: d.text, source: 'esbuild', startLineNumber: line, startColumn: col, endLineNumber: line, endColumn: Math.max(col + 1, model.getLineMaxColumn(line)) };
      }),
    );
  }

  dispose(): void {
    for (const path of [...this.models.keys()]) this.drop(path);
  }
}

/** esbuild names files relative to where it ran; accept './a.ts', 'a.ts' and '/…/fn/a.ts'. */
export function samePath(diagFile: string, path: string): boolean {
  const f = diagFile.replace(/\\/g, '/').replace(/^\.\//, '');
  return f === path || f.endsWith(`/${path}`);
}
