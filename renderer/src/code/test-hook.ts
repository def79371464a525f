// What the end-to-end specs read from the editor: Monaco renders only visible
// lines, so the text, the markers and the model's address come from here, not
// from the DOM (design/ui.md "Testing the window").
import type { editor as Editor } from 'monaco-editor/editor/editor.api';
import type { monaco as Monaco } from '../monaco/setup.js';

export interface EditorTestHook {
  text(): string;
  markers(): { message: string; severity: number; startLineNumber: number; owner: string }[];
  model(): string;
  setText(t: string): void;
  /** The path of the file shown, relative to the function's code. */
  path(): string;
  /** Monaco's language id of the file shown (typescript, python, shell, …). */
  language(): string;
}

declare global {
  interface Window {
    __lwbTest?: { editor?: EditorTestHook } & Record<string, unknown>;
  }
}

export function installTestHook(monaco: typeof Monaco, editor: Editor.IStandaloneCodeEditor): () => void {
  const hook: EditorTestHook = {
    text: () => editor.getModel()?.getValue() ?? '',
    markers: () => {
      const model = editor.getModel();
      if (!model) return [];
      return monaco.editor.getModelMarkers({ resource: model.uri }).map((m) => ({ message: m.message, severity: m.severity, startLineNumber: m.startLineNumber, owner: m.owner }));
    },
    model: () => editor.getModel()?.uri.toString() ?? '',
    setText: (t) => {
      const model = editor.getModel();
      if (model) editor.executeEdits('test', [{ range: model.getFullModelRange(), text: t }]);
    },
    path: () => editor.getModel()?.uri.path.split('/').slice(2).join('/') ?? '',
    language: () => editor.getModel()?.getLanguageId() ?? '',
  };
  window.__lwbTest = { ...(window.__lwbTest ?? {}), editor: hook };
  return () => {
    if (window.__lwbTest?.editor === hook) delete window.__lwbTest.editor;
  };
}
