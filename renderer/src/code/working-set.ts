// The function's code as the user is editing it, before a save: the server's
// tree, the structural changes made since (new folder, rename, delete) as an
// ordered log, and the text of every file read or created. A save sends the log
// followed by one write per changed file, as one `code.save` — the engine applies
// them together as one new $LATEST. Pure data and functions: no React, no Monaco.
import type { CodeEntry } from '../../../main/contract/results.js';
import type { CodeOp } from '../../../main/contract/methods.js';

export interface WorkEntry extends CodeEntry {
  /** Created in the window, not saved yet. */
  isNew?: boolean;
  /** Renamed (or inside a renamed folder) since the last save. */
  moved?: boolean;
}

export interface FileText {
  /** The saved text; undefined for a file created in the window. */
  original?: string;
  text: string;
}

export interface WorkingSet {
  entries: WorkEntry[];
  log: CodeOp[];
  files: Record<string, FileText>;
}

export type StructuralOp = Extract<CodeOp, { op: 'rename' | 'delete' | 'mkdir' }>;

export const emptyWorkingSet = (entries: CodeEntry[] = []): WorkingSet => ({ entries: sortEntries(entries), log: [], files: {} });

export const parentOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
export const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
export const joinPath = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
/** `path` is `root` or inside it. */
export const within = (path: string, root: string) => path === root || path.startsWith(`${root}/`);

/** Directories first, then by name, per folder — the order a tree shows. */
export function sortEntries<E extends CodeEntry>(entries: E[]): E[] {
  const kindOf = new Map(entries.map((e) => [e.path, e.kind]));
  const key = (p: string) =>
    p
      .split('/')
      .map((seg, i, all) => {
        const prefix = all.slice(0, i + 1).join('/');
        return `${kindOf.get(prefix) === 'dir' || i < all.length - 1 ? '0' : '1'}${seg.toLowerCase()}`;
      })
      .join('\u0000');
  return [...entries].sort((a, b) => (key(a.path) < key(b.path) ? -1 : key(a.path) > key(b.path) ? 1 : 0));
}

/** Why a name cannot be used at `path`, or undefined when it can. */
export function checkNewPath(ws: WorkingSet, path: string): string | undefined {
  const segs = path.split('/');
  if (!path || path.startsWith('/') || segs.some((s) => s === '' || s === '.' || s === '..')) return 'Use a relative name without ".", ".." or empty parts.';
  if (segs.some((s) => s.length > 255)) return 'A part of the name is longer than 255 characters.';
  if (ws.entries.some((e) => e.path === path)) return `${path} already exists.`;
  // Every parent that exists must be a folder.
  for (let i = 1; i < segs.length; i++) {
    const p = segs.slice(0, i).join('/');
    const e = ws.entries.find((x) => x.path === p);
    if (e && e.kind !== 'dir') return `${p} is a file, not a folder.`;
  }
  return undefined;
}

/** Missing parent folders of `path`, as new entries (the engine creates them with the file). */
function parentsFor(ws: WorkingSet, path: string): WorkEntry[] {
  const out: WorkEntry[] = [];
  const segs = path.split('/');
  for (let i = 1; i < segs.length; i++) {
    const p = segs.slice(0, i).join('/');
    if (!ws.entries.some((e) => e.path === p) && !out.some((e) => e.path === p)) out.push({ path: p, kind: 'dir', size: 0, binary: false, mode: 0o755, isNew: true });
  }
  return out;
}

export function addFile(ws: WorkingSet, path: string, text = ''): WorkingSet {
  const entry: WorkEntry = { path, kind: 'file', size: text.length, binary: false, mode: baseName(path) === 'bootstrap' ? 0o755 : 0o644, isNew: true };
  return { ...ws, entries: sortEntries([...ws.entries, ...parentsFor(ws, path), entry]), files: { ...ws.files, [path]: { text } } };
}

export function addFolder(ws: WorkingSet, path: string): WorkingSet {
  const entry: WorkEntry = { path, kind: 'dir', size: 0, binary: false, mode: 0o755, isNew: true };
  return { ...ws, entries: sortEntries([...ws.entries, ...parentsFor(ws, path), entry]), log: [...ws.log, { op: 'mkdir', path }] };
}

/** Whether anything at or under `path` exists on the server (so the engine must be told). */
const onServer = (ws: WorkingSet, path: string) => ws.entries.some((e) => within(e.path, path) && !e.isNew);

export function rename(ws: WorkingSet, from: string, to: string): WorkingSet {
  if (from === to) return ws;
  const move = (p: string) => (within(p, from) ? to + p.slice(from.length) : p);
  const entries = sortEntries([
    ...ws.entries.map((e) => (within(e.path, from) ? { ...e, path: move(e.path), moved: !e.isNew || e.moved } : e)),
    ...parentsFor(ws, to).filter((p) => !within(p.path, from)),
  ]);
  const files: Record<string, FileText> = {};
  for (const [p, f] of Object.entries(ws.files)) files[move(p)] = f;
  const log = onServer(ws, from) ? [...ws.log, { op: 'rename', from, to } as CodeOp] : ws.log.map((o) => (o.op === 'mkdir' && within(o.path, from) ? { ...o, path: move(o.path) } : o));
  return { entries, log, files };
}

export function remove(ws: WorkingSet, path: string): WorkingSet {
  const entries = ws.entries.filter((e) => !within(e.path, path));
  const files: Record<string, FileText> = {};
  for (const [p, f] of Object.entries(ws.files)) if (!within(p, path)) files[p] = f;
  const log = onServer(ws, path) ? [...ws.log, { op: 'delete', path } as CodeOp] : ws.log.filter((o) => !(o.op === 'mkdir' && within(o.path, path)));
  return { entries, log, files };
}

export const isChanged = (f: FileText | undefined) => !!f && (f.original === undefined || f.text !== f.original);

/** Paths whose node shows as dirty: edited, new or moved, and folders holding one. */
export function dirtyPaths(ws: WorkingSet): Set<string> {
  const out = new Set<string>();
  const mark = (p: string) => {
    out.add(p);
    for (let d = parentOf(p); d; d = parentOf(d)) out.add(d);
  };
  for (const [p, f] of Object.entries(ws.files)) if (isChanged(f)) mark(p);
  for (const e of ws.entries) if (e.isNew || e.moved) mark(e.path);
  return out;
}

export const hasChanges = (ws: WorkingSet) => ws.log.length > 0 || Object.values(ws.files).some(isChanged);

/** The one list of operations a save sends: structure first, in the order it was made, then the texts. */
export function saveOps(ws: WorkingSet): CodeOp[] {
  const writes: CodeOp[] = Object.entries(ws.files)
    .filter(([, f]) => isChanged(f))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([path, f]) => ({ op: 'write', path, content: f.text }));
  return [...ws.log, ...writes];
}
