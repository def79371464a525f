// The Monaco editor of the Code tab: one editor, one model per loaded file,
// switched as the active tab changes (each file keeps its cursor and scroll).
// Monaco loads as a chunk of its own after the tab first shows.
import { useEffect, useRef, useState } from 'react';
import type { editor as Editor } from 'monaco-editor/editor/editor.api';
import { runCommand } from '../app/commands.js';
import { ErrorBox, Spinner } from '../components/index.js';
import { useCode } from '../stores/code.js';
import { useUi } from '../stores/ui.js';
import { ModelSet } from '../monaco/models.js';
import { installTestHook } from './test-hook.js';

type Setup = typeof import('../monaco/setup.js');

let setupPromise: Promise<Setup> | undefined;
/** Starts loading Monaco (idempotent); the Code tab calls it as soon as it mounts. */
export const loadMonaco = () => (setupPromise ??= import('../monaco/setup.js'));

export function EditorPane({ functionName, hidden }: { functionName: string; hidden: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const [setup, setSetup] = useState<Setup>();
  const [failed, setFailed] = useState<unknown>();

  useEffect(() => {
    let live = true;
    loadMonaco().then(
      (s) => live && setSetup(s),
      (e: unknown) => live && setFailed(e),
    );
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (!setup || !host.current) return;
    const { monaco, setTheme } = setup;
    setTheme(useUi.getState().resolvedTheme);
    const editor = monaco.editor.create(host.current, {
      model: null,
      automaticLayout: true,
      fontFamily: 'ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      lineHeight: 20,
      tabSize: 2,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      renderLineHighlight: 'line',
      padding: { top: 8, bottom: 8 },
      fixedOverflowWidgets: true,
      smoothScrolling: false,
      'semanticHighlighting.enabled': false,
      stickyScroll: { enabled: false },
      // Calm: brackets in the text colour, a match shown only where the cursor is.
      bracketPairColorization: { enabled: false },
      // Typed text stays as typed when it arrives whole (paste, an IME, a test's insertText).
      autoClosingOvertype: 'never',
      autoSurround: 'never',
    });
    const { KeyMod, KeyCode } = monaco;
    // Monaco swallows the keys it handles, so the window's shortcuts are bound here too.
    editor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyS, () => runCommand('code.save'));
    editor.addCommand(KeyMod.CtrlCmd | KeyCode.Enter, () => runCommand('invoke.run'));
    editor.addCommand(KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.Enter, () => runCommand('invoke.rerun'));
    editor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyK, () => runCommand('palette.open'));
    editor.addCommand(KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyP, () => runCommand('palette.open'));
    editor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyJ, () => runCommand('dock.toggle'));

    const models = new ModelSet(monaco, functionName, (path, text) => useCode.getState().setText(path, text));
    const viewStates = new Map<string, Editor.ICodeEditorViewState | null>();
    let shownPath: string | undefined;

    const apply = () => {
      const s = useCode.getState();
      if (s.functionName !== functionName) return;
      models.sync(s.ws.files);
      const path = s.active;
      const model = path ? models.get(path) : undefined;
      if (model !== (editor.getModel() ?? undefined)) {
        if (shownPath) viewStates.set(shownPath, editor.saveViewState());
        editor.setModel(model ?? null);
        shownPath = model ? path : undefined;
        const vs = path && viewStates.get(path);
        if (vs) editor.restoreViewState(vs);
      }
      const entry = path ? s.ws.entries.find((e) => e.path === path) : undefined;
      const readOnly = !!s.tree?.readOnly || !!entry?.generated;
      editor.updateOptions({
        readOnly,
        readOnlyMessage: { value: s.tree?.readOnly ? `Linked folder: edit ${s.tree.linkedFolder ?? 'it'} in your own editor.` : 'Made by the build: edit the source, save, and it is made again.' },
      });
    };

    let lastBuild = useCode.getState().build;
    models.setBuild(lastBuild);
    apply();
    const unsubscribe = useCode.subscribe((s, prev) => {
      if (s.ws.files !== prev.ws.files || s.active !== prev.active || s.tree !== prev.tree || s.ws.entries !== prev.ws.entries) apply();
      if (s.build !== lastBuild) {
        lastBuild = s.build;
        models.setBuild(s.build);
      }
    });
    const unTheme = useUi.subscribe((s, prev) => {
      if (s.resolvedTheme !== prev.resolvedTheme) setTheme(s.resolvedTheme);
    });
    const unHook = installTestHook(monaco, editor);
    return () => {
      unsubscribe();
      unTheme();
      unHook();
      editor.dispose();
      models.dispose();
    };
  }, [setup, functionName]);

  return (
    <div className="code-editor-wrap" hidden={hidden}>
      {!setup && !failed && (
        <div className="code-editor-loading">
          <Spinner size={12} /> Loading the editor…
        </div>
      )}
      {failed != null && <ErrorBox error={failed} title="The editor could not load" />}
      <div className="code-editor" data-testid="editor" ref={host} />
    </div>
  );
}
