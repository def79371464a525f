// The Code tab's state for the function on screen: its tree, the working set
// (edits not saved yet), open tabs, and the last save's outcome. Monaco is not
// in here: the editor pushes text in with setText and reads it back from here.
import { create } from 'zustand';
import type { BuildReport, CodeTree, SaveResult } from '../../../main/contract/results.js';
import { call, ContractFailure } from '../client.js';
import {
  addFile,
  addFolder,
  checkNewPath,
  emptyWorkingSet,
  hasChanges,
  isChanged,
  remove,
  rename,
  saveOps,
  within,
  type WorkEntry,
  type WorkingSet,
} from '../code/working-set.js';

export interface Failure {
  code: string;
  message: string;
  hint?: string;
}

export const toFailure = (e: unknown): Failure =>
  e instanceof ContractFailure
    ? { code: e.code, message: e.message, hint: e.hint }
    : { code: 'UnexpectedError', message: e instanceof Error ? e.message : String(e), hint: 'Try again; if it keeps failing, the server log says more.' };

export interface FileLoad {
  loading?: boolean;
  error?: Failure;
  /** Binary files are listed, never opened in the editor. */
  binary?: boolean;
  /** Text too large for the editor (the engine sends no content). */
  tooLarge?: boolean;
  size?: number;
}

export type Notice = { kind: 'saved' | 'external' | 'conflict' | 'info'; text: string };

export interface CodeState {
  functionName?: string;
  tree?: CodeTree;
  treeLoading: boolean;
  treeError?: Failure;
  ws: WorkingSet;
  loads: Record<string, FileLoad>;
  open: string[];
  active?: string;
  /** Tree selection (file or folder); new files go into it. */
  selected?: string;
  saving: boolean;
  saveError?: Failure;
  /** The engine refused the save: the code changed since it was read. */
  conflict: boolean;
  build?: BuildReport;
  lastSave?: SaveResult;
  notice?: Notice;

  load(functionName: string): Promise<void>;
  /** Re-reads the tree and every open file that has no unsaved edit. */
  refresh(opts?: { external?: boolean }): Promise<void>;
  openFile(path: string): Promise<void>;
  /** Reads files without opening them (sources the type checker should see). */
  preload(paths: string[]): Promise<void>;
  closeFile(path: string): void;
  select(path: string | undefined): void;
  setText(path: string, text: string): void;
  newFile(path: string): Failure | undefined;
  newFolder(path: string): Failure | undefined;
  renamePath(from: string, to: string): Failure | undefined;
  deletePath(path: string): void;
  save(opts?: { force?: boolean }): Promise<void>;
  /** Drops every unsaved change and reloads from the engine. */
  discard(): Promise<void>;
  dismissNotice(): void;
}

/** The file a tab opens on first: the usual handler files, else the first text file. */
export function defaultFile(entries: WorkEntry[]): string | undefined {
  const files = entries.filter((e) => e.kind === 'file' && !e.binary && !e.path.startsWith('node_modules/'));
  for (const name of ['index.ts', 'index.mjs', 'index.js', 'index.cjs', 'handler.ts', 'app.ts', 'app.mjs', 'app.js', 'lambda_function.py', 'app.py', 'handler.py', 'bootstrap', 'function.sh']) {
    const hit = files.find((e) => e.path === name) ?? files.find((e) => e.path === `src/${name}`);
    if (hit) return hit.path;
  }
  return files.find((e) => !e.generated)?.path ?? files[0]?.path;
}

const initial = () => ({
  functionName: undefined,
  tree: undefined,
  treeLoading: false,
  treeError: undefined,
  ws: emptyWorkingSet(),
  loads: {},
  open: [],
  active: undefined,
  selected: undefined,
  saving: false,
  saveError: undefined,
  conflict: false,
  build: undefined,
  lastSave: undefined,
  notice: undefined,
});

/** Each load gets a number; answers for an older one (the user moved on) are dropped. */
let generation = 0;

/** Functions left with unsaved edits, by name (in memory only: a reload of the window drops them). */
const stash = new Map<string, Pick<CodeState, 'tree' | 'ws' | 'loads' | 'open' | 'active' | 'selected' | 'build'>>();

export const useCode = create<CodeState>()((set, get) => {
  const stale = (gen: number, fn: string) => gen !== generation || get().functionName !== fn;

  async function readInto(fn: string, path: string, gen: number): Promise<void> {
    set((s) => ({ loads: { ...s.loads, [path]: { ...s.loads[path], loading: true, error: undefined } } }));
    try {
      const f = await call('code.read', { name: fn, path });
      if (stale(gen, fn)) return;
      set((s) => {
        const cur = s.ws.files[path];
        // An edit made while the read was in flight wins over what the read brought.
        const files = f.binary || f.tooLarge || (cur && isChanged(cur)) ? s.ws.files : { ...s.ws.files, [path]: { original: f.content ?? '', text: f.content ?? '' } };
        return { ws: { ...s.ws, files }, loads: { ...s.loads, [path]: { loading: false, binary: f.binary, tooLarge: f.tooLarge, size: f.size } } };
      });
    } catch (e) {
      if (stale(gen, fn)) return;
      set((s) => ({ loads: { ...s.loads, [path]: { loading: false, error: toFailure(e) } } }));
    }
  }

  function edit(change: (ws: WorkingSet) => WorkingSet, patch: Partial<CodeState> = {}): void {
    set((s) => ({ ws: change(s.ws), ...patch }));
  }

  const refuse = (message: string): Failure => ({ code: 'InvalidPath', message, hint: 'Choose another name.' });

  return {
    ...initial(),

    async load(functionName) {
      const cur = get();
      // The same function again (the tab mounted anew): keep its edits, bring the rest up to date.
      if (cur.functionName === functionName && cur.tree) return get().refresh();
      const gen = ++generation;
      // Unsaved edits survive switching to another function and back.
      if (cur.functionName && cur.functionName !== functionName && hasChanges(cur.ws)) {
        stash.set(cur.functionName, { tree: cur.tree, ws: cur.ws, loads: cur.loads, open: cur.open, active: cur.active, selected: cur.selected, build: cur.build });
      }
      const kept = stash.get(functionName);
      if (kept) {
        stash.delete(functionName);
        set({ ...initial(), ...kept, functionName, notice: { kind: 'info', text: 'Your unsaved edits to this function are back; save or reload to drop them.' } });
        await get().refresh();
        return;
      }
      set({ ...initial(), functionName, treeLoading: true });
      try {
        const tree = await call('code.tree', { name: functionName });
        if (stale(gen, functionName)) return;
        const ws = emptyWorkingSet(tree.entries);
        const first = defaultFile(ws.entries);
        set({ tree, ws, treeLoading: false, open: first ? [first] : [], active: first, selected: first });
        if (first) await readInto(functionName, first, gen);
      } catch (e) {
        if (stale(gen, functionName)) return;
        set({ treeLoading: false, treeError: toFailure(e) });
      }
    },

    async refresh(opts = {}) {
      const fn = get().functionName;
      if (!fn) return;
      const gen = generation;
      try {
        const tree = await call('code.tree', { name: fn });
        if (stale(gen, fn)) return;
        const before = get();
        const unsaved = hasChanges(before.ws);
        if (unsaved && opts.external && tree.revisionId !== before.tree?.revisionId) {
          // Someone else changed the code under our edits: keep the edits, say so.
          set({ notice: { kind: 'conflict', text: 'The code changed outside this window while you have unsaved edits. Save to overwrite it, or reload to take the new code.' } });
          return;
        }
        const changedOnServer = tree.revisionId !== before.tree?.revisionId;
        // Keep unsaved edits; take the server's tree otherwise.
        let ws = before.ws;
        if (!unsaved) {
          // The server's tree, and the texts of the files still in it.
          const fresh = emptyWorkingSet(tree.entries);
          const present = new Set(tree.entries.map((e) => e.path));
          const files: WorkingSet['files'] = {};
          for (const [p, f] of Object.entries(before.ws.files)) if (present.has(p)) files[p] = f;
          ws = { ...fresh, files };
        }
        const paths = new Set(ws.entries.map((e) => e.path));
        const open = before.open.filter((p) => paths.has(p));
        const active = before.active && paths.has(before.active) ? before.active : open[0];
        // A linked folder changes whenever its owner saves: that is expected, no notice for it.
        set({ tree, ws, open, active, notice: opts.external && changedOnServer && !tree.readOnly ? { kind: 'external', text: 'The code changed outside this window; the tree and open files are reloaded.' } : before.notice });
        if (changedOnServer || opts.external) {
          // Re-read open files without edits (generated files change with every build).
          const again = open.filter((p) => !isChanged(get().ws.files[p]));
          await Promise.all(again.map((p) => readInto(fn, p, gen)));
        }
      } catch (e) {
        if (stale(gen, fn)) return;
        set({ treeError: toFailure(e) });
      }
    },

    async openFile(path) {
      const { functionName: fn, open, ws, loads } = get();
      if (!fn) return;
      set({ open: open.includes(path) ? open : [...open, path], active: path, selected: path });
      const entry = ws.entries.find((e) => e.path === path);
      if (!entry || entry.kind !== 'file' || entry.binary || entry.link !== undefined) return;
      if (ws.files[path] || loads[path]?.loading) return;
      await readInto(fn, path, generation);
    },

    async preload(paths) {
      const fn = get().functionName;
      if (!fn) return;
      const gen = generation;
      const queue = paths.filter((p) => !(p in get().ws.files) && !get().loads[p]);
      // A few at a time: the engine serves the open file's read first.
      const worker = async () => {
        for (let p = queue.shift(); p !== undefined && !stale(gen, fn); p = queue.shift()) await readInto(fn, p, gen);
      };
      await Promise.all([worker(), worker(), worker()]);
    },

    closeFile(path) {
      const { open, active } = get();
      const i = open.indexOf(path);
      const next = open.filter((p) => p !== path);
      set({ open: next, active: active === path ? (next[i] ?? next[i - 1]) : active });
    },

    select(path) {
      set({ selected: path });
    },

    setText(path, text) {
      const f = get().ws.files[path];
      if (!f || f.text === text) return;
      edit((ws) => ({ ...ws, files: { ...ws.files, [path]: { ...f, text } } }));
      // Back to the saved code after a failed build: that build's errors describe nothing any more.
      const s = get();
      if (s.build && !s.build.ok && !hasChanges(s.ws)) set({ build: undefined });
      // "Saved" is about the last save; typing again makes it old news.
      if (s.notice?.kind === 'saved') set({ notice: undefined });
    },

    newFile(path) {
      const why = checkNewPath(get().ws, path);
      if (why) return refuse(why);
      edit((ws) => addFile(ws, path), {});
      void get().openFile(path);
      return undefined;
    },

    newFolder(path) {
      const why = checkNewPath(get().ws, path);
      if (why) return refuse(why);
      edit((ws) => addFolder(ws, path), { selected: path });
      return undefined;
    },

    renamePath(from, to) {
      if (from === to) return undefined;
      if (within(to, from)) return refuse('A folder cannot move into itself.');
      const why = checkNewPath(get().ws, to);
      if (why) return refuse(why);
      const move = (p: string) => (within(p, from) ? to + p.slice(from.length) : p);
      const { open, active, selected, loads } = get();
      const movedLoads: Record<string, FileLoad> = {};
      for (const [p, l] of Object.entries(loads)) movedLoads[move(p)] = l;
      edit((ws) => rename(ws, from, to), {
        open: open.map(move),
        active: active && move(active),
        selected: selected && move(selected),
        loads: movedLoads,
      });
      return undefined;
    },

    deletePath(path) {
      const { open, active, selected } = get();
      const next = open.filter((p) => !within(p, path));
      edit((ws) => remove(ws, path), {
        open: next,
        active: active && within(active, path) ? next[0] : active,
        selected: selected && within(selected, path) ? undefined : selected,
      });
    },

    async save(opts = {}) {
      const { functionName: fn, tree, ws, saving } = get();
      if (!fn || !tree || saving || tree.readOnly) return;
      const ops = saveOps(ws);
      if (ops.length === 0) {
        set({ notice: { kind: 'info', text: 'Nothing to save.' } });
        return;
      }
      const gen = generation;
      set({ saving: true, saveError: undefined, conflict: false, notice: undefined });
      try {
        const r = await call('code.save', { name: fn, ops, ...(opts.force ? {} : { expectedRevisionId: tree.revisionId }) });
        if (stale(gen, fn)) return;
        if (r.build && !r.build.ok) {
          // A failed build saves nothing: the edits stay, the errors show.
          set({ saving: false, build: r.build });
          return;
        }
        // What was sent is saved; edits made while the save ran stay dirty.
        const sent = new Map(ops.flatMap((o) => (o.op === 'write' ? [[o.path, o.content] as const] : [])));
        set((s) => {
          const files: WorkingSet['files'] = {};
          for (const [p, f] of Object.entries(s.ws.files)) files[p] = sent.has(p) ? { ...f, original: sent.get(p) } : f;
          return {
            saving: false,
            build: r.build,
            lastSave: r,
            ws: { ...s.ws, log: s.ws.log.slice(ws.log.length), files },
            notice: { kind: 'saved', text: 'Saved — running invocations finish on the old code; the next invoke starts a new environment.' },
          };
        });
        await get().refresh();
      } catch (e) {
        if (stale(gen, fn)) return;
        const failure = toFailure(e);
        set({ saving: false, saveError: failure, conflict: failure.code === 'ResourceConflictException' });
      }
    },

    async discard() {
      const fn = get().functionName;
      if (!fn) return;
      // A fresh read: forget the edits first, so load does not keep them.
      set({ ws: emptyWorkingSet(), functionName: undefined });
      await get().load(fn);
    },

    dismissNotice() {
      set({ notice: undefined });
    },
  };
});
