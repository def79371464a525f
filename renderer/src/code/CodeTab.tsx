// The Code tab: the function's files on the left, the open files in Monaco on
// the right, Save (Ctrl/Cmd+S) sending every change as one new $LATEST. A
// linked folder's function is shown read-only and follows the folder live.
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../client.js';
import { registerCommand } from '../app/commands.js';
import { Button, ErrorBox, formatShortcut, Spinner } from '../components/index.js';
import { useCode } from '../stores/code.js';
import { BuildBadge, BuildProblems } from './BuildStatus.js';
import { EditorPane, loadMonaco } from './EditorPane.js';
import { FileTabs } from './FileTabs.js';
import { FileTree } from './FileTree.js';
import { formatBytes } from './format.js';
import { IconLock } from './icons.js';
import { hasChanges } from './working-set.js';
import { usePreloadSources } from './preload.js';
import './code.css';

export function CodeTab({ functionName }: { functionName: string }) {
  useEffect(() => {
    void loadMonaco();
    void useCode.getState().load(functionName);
  }, [functionName]);

  useEffect(
    () =>
      registerCommand({
        id: 'code.save',
        title: 'Save code',
        shortcut: '$mod+s',
        group: 'Code',
        enabled: () => {
          const s = useCode.getState();
          return !!s.tree && !s.tree.readOnly && !s.saving;
        },
        run: () => useCode.getState().save(),
      }),
    [],
  );

  // Code changed by someone else (a linked folder's watcher, the AWS CLI): follow it.
  useEffect(
    () =>
      api.subscribe('functions', (f) => {
        const s = useCode.getState();
        if (f.data.name !== functionName || s.functionName !== functionName) return;
        if (f.data.change === 'code' || f.data.change === 'updated') {
          // Our own save announces itself too; the save reloads once it answers.
          if (!s.saving) void s.refresh({ external: true });
        }
      }),
    [functionName],
  );

  usePreloadSources(functionName);

  // Calm notices (saved, reloaded) step aside after a while; conflicts stay until acted on.
  const notice = useCode((st) => st.notice);
  useEffect(() => {
    if (!notice || notice.kind === 'conflict') return;
    const t = setTimeout(() => {
      if (useCode.getState().notice === notice) useCode.getState().dismissNotice();
    }, 12_000);
    return () => clearTimeout(t);
  }, [notice]);

  const s = useCode(
    useShallow((st) => ({
      tree: st.tree,
      treeLoading: st.treeLoading,
      treeError: st.treeError,
      active: st.active,
      activeEntry: st.ws.entries.find((e) => e.path === st.active),
      activeLoaded: st.active ? st.active in st.ws.files : false,
      saving: st.saving,
      saveError: st.saveError,
      conflict: st.conflict,
      build: st.build,
      notice: st.notice,
      changed: hasChanges(st.ws),
    })),
  );

  const readOnly = !!s.tree?.readOnly;
  const showEditor = !!s.active && s.activeLoaded && !s.activeEntry?.binary && s.activeEntry?.link === undefined;

  return (
    <div className="code-tab" data-testid="code-tab" data-function={functionName} data-read-only={String(readOnly)}>
      <aside className="code-side">
        {s.treeLoading && !s.tree ? (
          <div className="code-side-loading">
            <Spinner size={12} /> Reading the code…
          </div>
        ) : (
          <FileTree key={functionName} />
        )}
      </aside>
      <section className="code-main">
        <FileTabs
          trailing={
            <>
              {s.build && <BuildBadge build={s.build} />}
              {!readOnly && (
                <Button
                  size="small"
                  variant={s.changed ? 'primary' : 'secondary'}
                  data-testid="save-code"
                  busy={s.saving}
                  disabled={!s.tree || !s.changed}
                  title={`Save (${formatShortcut('$mod+s')}): a new $LATEST, built first for TypeScript`}
                  onClick={() => void useCode.getState().save()}
                >
                  {s.saving ? 'Saving…' : 'Save'}
                </Button>
              )}
            </>
          }
        />
        {readOnly && (
          <div className="read-only-banner" data-testid="read-only-banner" role="note">
            <IconLock size={13} />
            <span>
              Linked folder <code>{s.tree?.linkedFolder ?? '(unknown)'}</code> — edit in your own editor; changes appear here live.
            </span>
          </div>
        )}
        {s.notice && (
          <div className={`code-notice ${s.notice.kind}`} data-testid="code-notice" data-kind={s.notice.kind} role="status">
            <span>{s.notice.text}</span>
            {s.notice.kind === 'conflict' && (
              <Button size="small" onClick={() => void useCode.getState().discard()}>
                Reload, dropping my edits
              </Button>
            )}
            <button type="button" className="code-notice-close" aria-label="Dismiss" onClick={() => useCode.getState().dismissNotice()}>
              ×
            </button>
          </div>
        )}
        {s.treeError && <ErrorBox error={s.treeError} title="Could not read the code" compact />}
        {s.saveError && (
          <div className="code-save-error">
            <ErrorBox error={s.saveError} title="Not saved" compact onDismiss={() => useCode.setState({ saveError: undefined, conflict: false })} />
            {s.conflict && (
              <div className="code-conflict-actions">
                <Button size="small" onClick={() => void useCode.getState().discard()}>
                  Reload the saved code (drops my edits)
                </Button>
                <Button size="small" variant="danger" onClick={() => void useCode.getState().save({ force: true })}>
                  Save mine over it
                </Button>
              </div>
            )}
          </div>
        )}
        <div className="code-body">
          <EditorPane functionName={functionName} hidden={!showEditor} />
          {!showEditor && <Placeholder />}
        </div>
        {s.build && !s.build.ok && <BuildProblems build={s.build} />}
      </section>
    </div>
  );
}

/** What the editor area says when there is no text to edit. */
function Placeholder() {
  const { active, entry, load, treeLoading, empty } = useCode(
    useShallow((st) => ({ active: st.active, entry: st.ws.entries.find((e) => e.path === st.active), load: st.active ? st.loads[st.active] : undefined, treeLoading: st.treeLoading, empty: st.ws.entries.length === 0 })),
  );
  if (active && entry?.link !== undefined) {
    return (
      <div className="code-placeholder" data-testid="link-file">
        Symbolic link to <code>{entry.link}</code> — listed, never followed.
      </div>
    );
  }
  if (active && (entry?.binary || load?.binary)) {
    const size = load?.size ?? entry?.size ?? 0;
    return (
      <div className="code-placeholder" data-testid="binary-file">
        Binary file, {size} bytes{size >= 1024 ? ` (${formatBytes(size)})` : ''} — not shown in the editor.
      </div>
    );
  }
  if (active && load?.tooLarge) {
    return (
      <div className="code-placeholder" data-testid="too-large-file">
        {active} is {formatBytes(load.size ?? entry?.size ?? 0)} of text, more than the editor opens (10 MB).
      </div>
    );
  }
  if (load?.error) return <ErrorBox error={load.error} title={`Could not read ${active}`} />;
  if (load?.loading || treeLoading)
    return (
      <div className="code-placeholder">
        <Spinner size={12} />
      </div>
    );
  return <div className="code-placeholder">{empty ? 'This function has no files yet: add one with New file.' : 'Open a file from the list.'}</div>;
}
