// The function's files as the user is editing them: folders collapsible, binary
// files shown with their size, build outputs marked and read-only, unsaved
// changes marked per file (and on the folders that hold them). New, rename and
// delete change the working set; nothing reaches the engine before a save.
import { useMemo, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Button, Dialog, IconFolder, IconTrash } from '../components/index.js';
import { useCode } from '../stores/code.js';
import { formatBytes } from './format.js';
import { IconChevronRight, IconCog, IconFile, IconFileBinary, IconFileNew, IconFolderNew, IconPencil } from './icons.js';
import { baseName, dirtyPaths, parentOf, within, type WorkEntry } from './working-set.js';

type Editing = { mode: 'new-file' | 'new-folder'; dir: string } | { mode: 'rename'; path: string };

/** Folders closed until opened: installed dependencies are rarely what one came to edit. */
const closedAtFirst = (e: WorkEntry) => e.kind === 'dir' && (e.path === 'node_modules' || e.path.endsWith('/node_modules'));

export function FileTree() {
  const { entries, files, log, active, selected, readOnly } = useCode(
    useShallow((s) => ({ entries: s.ws.entries, files: s.ws.files, log: s.ws.log, active: s.active, selected: s.selected, readOnly: !!s.tree?.readOnly })),
  );
  const dirty = useMemo(() => dirtyPaths({ entries, files, log }), [entries, files, log]);
  const [closed, setClosed] = useState<Set<string>>(() => new Set(entries.filter(closedAtFirst).map((e) => e.path)));
  const [editing, setEditing] = useState<Editing>();
  const [confirming, setConfirming] = useState<string>();

  const visible = useMemo(() => entries.filter((e) => ![...closed].some((c) => e.path !== c && within(e.path, c))), [entries, closed]);
  const selectedEntry = entries.find((e) => e.path === selected);
  /** Where a new file or folder goes: the selected folder, or the selected file's folder. */
  const targetDir = selectedEntry ? (selectedEntry.kind === 'dir' ? selectedEntry.path : parentOf(selectedEntry.path)) : '';

  const toggle = (path: string) =>
    setClosed((c) => {
      const n = new Set(c);
      if (n.has(path)) n.delete(path);
      else n.add(path);
      return n;
    });

  const activate = (e: WorkEntry) => {
    const st = useCode.getState();
    if (e.kind === 'dir') {
      st.select(e.path);
      toggle(e.path);
    } else void st.openFile(e.path);
  };

  const startNew = (mode: 'new-file' | 'new-folder') => {
    if (targetDir) setClosed((c) => new Set([...c].filter((p) => !within(targetDir, p))));
    setEditing({ mode, dir: targetDir });
  };

  const onKey = (ev: KeyboardEvent<HTMLDivElement>) => {
    if (editing || ev.target instanceof HTMLInputElement) return;
    const i = visible.findIndex((e) => e.path === selected);
    const move = (to: number) => {
      const e = visible[Math.max(0, Math.min(visible.length - 1, to))];
      if (e) useCode.getState().select(e.path);
    };
    if (ev.key === 'ArrowDown') move(i + 1);
    else if (ev.key === 'ArrowUp') move(i - 1);
    else if (ev.key === 'Enter' && selectedEntry) activate(selectedEntry);
    else if (ev.key === 'F2' && selectedEntry && !readOnly) setEditing({ mode: 'rename', path: selectedEntry.path });
    else if (ev.key === 'Delete' && selectedEntry && !readOnly) setConfirming(selectedEntry.path);
    else return;
    ev.preventDefault();
  };

  const newRow = editing && editing.mode !== 'rename' ? editing : undefined;
  const newRowAt = newRow ? (newRow.dir ? visible.findIndex((e) => e.path === newRow.dir) + 1 : 0) : -1;

  return (
    <div className="file-tree-pane">
      <div className="file-tree-toolbar">
        <span className="file-tree-title">Files</span>
        <Button variant="ghost" size="small" data-testid="new-file" title="New file" aria-label="New file" icon={<IconFileNew />} disabled={readOnly} onClick={() => startNew('new-file')} />
        <Button variant="ghost" size="small" data-testid="new-folder" title="New folder" aria-label="New folder" icon={<IconFolderNew />} disabled={readOnly} onClick={() => startNew('new-folder')} />
        <Button
          variant="ghost"
          size="small"
          data-testid="rename-file"
          title="Rename (F2)"
          aria-label="Rename"
          icon={<IconPencil />}
          disabled={readOnly || !selectedEntry}
          onClick={() => selectedEntry && setEditing({ mode: 'rename', path: selectedEntry.path })}
        />
        <Button
          variant="ghost"
          size="small"
          data-testid="delete-file"
          title="Delete (Del)"
          aria-label="Delete"
          icon={<IconTrash size={14} />}
          disabled={readOnly || !selectedEntry}
          onClick={() => selectedEntry && setConfirming(selectedEntry.path)}
        />
      </div>
      <div className="file-tree" data-testid="file-tree" role="tree" aria-label="Files" tabIndex={0} onKeyDown={onKey}>
        {newRowAt === 0 && <NameInput editing={newRow!} depth={0} onDone={() => setEditing(undefined)} />}
        {visible.map((e, i) => (
          <div key={e.path} role="none">
            {editing?.mode === 'rename' && editing.path === e.path ? (
              <NameInput editing={editing} depth={depthOf(e.path)} onDone={() => setEditing(undefined)} />
            ) : (
              <FileNode
                entry={e}
                isOpen={!closed.has(e.path)}
                isActive={e.path === active}
                isSelected={e.path === selected}
                isDirty={dirty.has(e.path)}
                onClick={() => activate(e)}
              />
            )}
            {newRowAt === i + 1 && <NameInput editing={newRow!} depth={depthOf(newRow!.dir) + 1} onDone={() => setEditing(undefined)} />}
          </div>
        ))}
        {entries.length === 0 && !newRow && <div className="file-tree-empty">No files yet.</div>}
      </div>
      <Dialog
        open={confirming !== undefined}
        onOpenChange={(o) => !o && setConfirming(undefined)}
        title={`Delete ${confirming ? baseName(confirming) : ''}?`}
        testId="delete-file-dialog"
        width={420}
        footer={
          <>
            <Button onClick={() => setConfirming(undefined)}>Cancel</Button>
            <Button
              variant="danger"
              data-solid
              data-testid="confirm-delete-file"
              onClick={() => {
                if (confirming) useCode.getState().deletePath(confirming);
                setConfirming(undefined);
              }}
            >
              Delete
            </Button>
          </>
        }
      >
        <p className="muted">
          {entries.find((e) => e.path === confirming)?.kind === 'dir' ? 'The folder and everything in it' : 'The file'} <code>{confirming}</code> will be gone with the next save.
        </p>
      </Dialog>
    </div>
  );
}

const depthOf = (path: string) => (path ? path.split('/').length - 1 : -1);

function FileNode({ entry: e, isOpen, isActive, isSelected, isDirty, onClick }: { entry: WorkEntry; isOpen: boolean; isActive: boolean; isSelected: boolean; isDirty: boolean; onClick(): void }) {
  const icon =
    e.kind === 'dir' ? (
      <>
        <IconChevronRight size={12} className={`file-chevron${isOpen ? ' open' : ''}`} />
        <IconFolder size={14} />
      </>
    ) : e.binary ? (
      <IconFileBinary />
    ) : e.generated ? (
      <IconCog />
    ) : (
      <IconFile />
    );
  return (
    <div
      className={['file-node', isActive ? 'active' : '', isSelected ? 'selected' : '', e.generated ? 'generated' : ''].filter(Boolean).join(' ')}
      role="treeitem"
      aria-selected={isSelected}
      aria-expanded={e.kind === 'dir' ? isOpen : undefined}
      data-testid="file-node"
      data-path={e.path}
      data-kind={e.kind}
      data-binary={String(e.binary)}
      data-generated={String(!!e.generated)}
      data-link={e.link}
      data-dirty={String(isDirty)}
      style={{ paddingLeft: 8 + depthOf(e.path) * 12 + (e.kind === 'dir' ? 0 : 12) }}
      title={e.generated ? `${e.path} — made by the build, read-only` : e.path}
      onClick={onClick}
    >
      <span className="file-icon">{icon}</span>
      <span className="file-name">{baseName(e.path)}</span>
      {e.generated && <span className="file-tag">built</span>}
      {e.link !== undefined && <span className="file-tag" title={`→ ${e.link}`}>link</span>}
      {e.binary && <span className="file-size">{formatBytes(e.size)}</span>}
      {isDirty && <span className="dirty-dot" aria-label="unsaved changes" />}
    </div>
  );
}

function NameInput({ editing, depth, onDone }: { editing: Editing; depth: number; onDone(): void }) {
  const initial = editing.mode === 'rename' ? editing.path : editing.dir ? `${editing.dir}/` : '';
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string>();

  const commit = () => {
    const v = value.trim().replace(/\/+$/, '');
    if (!v || v === initial.replace(/\/$/, '')) return onDone();
    const st = useCode.getState();
    const failure = editing.mode === 'rename' ? st.renamePath(editing.path, v) : editing.mode === 'new-file' ? st.newFile(v) : st.newFolder(v);
    if (failure) setError(failure.message);
    else onDone();
  };

  return (
    <div className="file-name-edit" style={{ paddingLeft: 8 + Math.max(0, depth) * 12 }}>
      {editing.mode === 'new-folder' ? <IconFolder size={14} /> : <IconFile />}
      <input
        className="input mono"
        data-testid="file-name-input"
        aria-label={editing.mode === 'rename' ? 'New name' : editing.mode === 'new-file' ? 'New file name' : 'New folder name'}
        aria-invalid={!!error}
        autoFocus
        value={value}
        placeholder={editing.mode === 'new-folder' ? 'folder' : 'file.mjs'}
        onFocus={(ev) => {
          // Select the name, not the folder part, as file managers do.
          const dot = ev.target.value.lastIndexOf('.');
          const start = ev.target.value.lastIndexOf('/') + 1;
          ev.target.setSelectionRange(start, editing.mode === 'rename' && dot > start ? dot : ev.target.value.length);
        }}
        onChange={(ev) => {
          setValue(ev.target.value);
          setError(undefined);
        }}
        onKeyDown={(ev) => {
          if (ev.key === 'Enter') commit();
          else if (ev.key === 'Escape') onDone();
          ev.stopPropagation();
        }}
        onBlur={() => (error ? onDone() : commit())}
      />
      {error && (
        <div className="file-name-error" data-testid="file-name-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

