// A save from the window, before it becomes code: the current `$LATEST` tree
// as a map of paths, the user's operations applied to it (write, delete,
// rename, mkdir), then packed into one zip that goes through UpdateFunctionCode
// like any upload. Unchanged files are read from the code store when the zip
// is written, never copied into memory first.
import { copyFileSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yazl from 'yazl';
import type { CodeOp } from '../../contract/methods.js';
import { resolveLink } from '../control/code-store.js';
import { zipBytes } from '../control/linked-folders.js';
import { WorkbenchError } from './errors.js';

type Node =
  | { kind: 'dir'; mode: number }
  | { kind: 'file'; mode: number; data?: Uint8Array; from?: string }
  | { kind: 'link'; target: string };

/** A fixed date for every entry: the same files make the same zip (and CodeSha256). */
const FIXED_DATE = new Date('2020-01-01T00:00:00Z');

const refuse = (message: string) => new WorkbenchError('InvalidCodeOperation', message, 'Reload the file tree and try again.');

/** A new file's mode: a custom runtime's `bootstrap` at the root must be executable. */
const newFileMode = (path: string) => (path === 'bootstrap' ? 0o755 : 0o644);

export class CodeDraft {
  private readonly nodes = new Map<string, Node>();

  /** The tree of a code-store folder (already checked at extraction: links stay inside). */
  static fromDir(dir: string): CodeDraft {
    const draft = new CodeDraft();
    const walk = (at: string, rel: string) => {
      for (const name of readdirSync(at)) {
        const full = join(at, name);
        const path = rel ? `${rel}/${name}` : name;
        const st = lstatSync(full);
        if (st.isSymbolicLink()) draft.nodes.set(path, { kind: 'link', target: readlinkSync(full) });
        else if (st.isDirectory()) {
          draft.nodes.set(path, { kind: 'dir', mode: st.mode & 0o777 });
          walk(full, path);
        } else if (st.isFile()) draft.nodes.set(path, { kind: 'file', mode: st.mode & 0o777, from: full });
      }
    };
    walk(dir, '');
    return draft;
  }

  static fromFiles(files: { path: string; content: string | Uint8Array; mode: number }[]): CodeDraft {
    const draft = new CodeDraft();
    for (const f of files) draft.putFile(f.path, typeof f.content === 'string' ? Buffer.from(f.content) : f.content, f.mode);
    return draft;
  }

  has(path: string): boolean {
    return this.nodes.has(path);
  }

  /** Folders on the way to `path` must be folders (created when missing), never files or links. */
  private ensureParents(path: string): void {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const at = parts.slice(0, i).join('/');
      const node = this.nodes.get(at);
      if (!node) this.nodes.set(at, { kind: 'dir', mode: 0o755 });
      else if (node.kind === 'link') throw refuse(`${at} is a symbolic link: nothing is written through a link.`);
      else if (node.kind !== 'dir') throw refuse(`${at} is a file, so ${path} cannot be inside it.`);
    }
  }

  putFile(path: string, data: Uint8Array, mode?: number): void {
    this.ensureParents(path);
    const node = this.nodes.get(path);
    if (node?.kind === 'dir') throw refuse(`${path} is a folder; a file cannot replace it.`);
    if (node?.kind === 'link') throw refuse(`${path} is a symbolic link: edit the file it points to.`);
    this.nodes.set(path, { kind: 'file', mode: mode ?? node?.mode ?? newFileMode(path), data });
  }

  remove(path: string): void {
    if (!this.nodes.delete(path)) return;
    for (const p of [...this.nodes.keys()]) if (p.startsWith(`${path}/`)) this.nodes.delete(p);
  }

  apply(op: CodeOp): void {
    switch (op.op) {
      case 'write':
        return this.putFile(op.path, Buffer.from(op.content, 'utf8'));
      case 'mkdir': {
        this.ensureParents(op.path);
        const node = this.nodes.get(op.path);
        if (node && node.kind !== 'dir') throw refuse(`${op.path} already exists and is not a folder.`);
        if (!node) this.nodes.set(op.path, { kind: 'dir', mode: 0o755 });
        return;
      }
      case 'delete':
        if (!this.nodes.has(op.path)) throw new WorkbenchError('ResourceNotFoundException', `No ${op.path} in the code to delete.`, 'Reload the file tree: it may be gone already.');
        return this.remove(op.path);
      case 'rename': {
        const node = this.nodes.get(op.from);
        if (!node) throw new WorkbenchError('ResourceNotFoundException', `No ${op.from} in the code to rename.`, 'Reload the file tree: it may be gone already.');
        if (op.to === op.from) return;
        if (this.nodes.has(op.to)) throw refuse(`${op.to} already exists: delete it first or choose another name.`);
        if (op.to.startsWith(`${op.from}/`)) throw refuse(`${op.from} cannot move into itself (${op.to}).`);
        this.ensureParents(op.to);
        const moved = [...this.nodes.entries()].filter(([p]) => p === op.from || p.startsWith(`${op.from}/`));
        for (const [p] of moved) this.nodes.delete(p);
        for (const [p, n] of moved) this.nodes.set(op.to + p.slice(op.from.length), n);
        return;
      }
    }
  }

  get empty(): boolean {
    return ![...this.nodes.values()].some((n) => n.kind !== 'dir');
  }

  private sorted(): [string, Node][] {
    return [...this.nodes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * Writes the tree into a new private folder under `parent` (for a build) and checks that
   * every link still resolves inside it (a link moved up a level could point out); the caller
   * removes the folder.
   */
  materialize(parent: string): string {
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(join(parent, 'build-'));
    try {
      for (const [path, node] of this.sorted()) {
        const at = join(dir, path);
        if (node.kind === 'dir') mkdirSync(at, { recursive: true, mode: 0o700 });
        else if (node.kind === 'link') symlinkSync(node.target, at);
        else if (node.data) writeFileSync(at, node.data, { mode: 0o600 });
        else {
          try {
            linkSync(node.from!, at); // the store's files are never written: a link is a free copy
          } catch {
            copyFileSync(node.from!, at);
          }
        }
      }
      for (const [path, node] of this.nodes) {
        if (node.kind === 'link' && resolveLink(dir, path) !== 'inside') throw refuse(`${path} is a symbolic link to ${node.target}, which would point outside the code.`);
      }
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return dir;
  }

  /** The tree as a deterministic zip: sorted entries, one date, each entry's own mode. */
  async toZip(): Promise<Buffer> {
    if (this.empty) throw refuse('The code would hold no file at all: a function needs at least its handler.');
    const zip = new yazl.ZipFile();
    for (const [path, node] of this.sorted()) {
      if (node.kind === 'dir') zip.addEmptyDirectory(path, { mtime: FIXED_DATE, mode: 0o040000 | node.mode });
      else if (node.kind === 'link') zip.addBuffer(Buffer.from(node.target), path, { mtime: FIXED_DATE, mode: 0o120777 });
      else if (node.data) zip.addBuffer(Buffer.from(node.data), path, { mtime: FIXED_DATE, mode: 0o100000 | node.mode });
      else zip.addFile(node.from!, path, { mtime: FIXED_DATE, mode: 0o100000 | node.mode });
    }
    return zipBytes(zip);
  }
}
