// Reading a function's code for the window: the tree (files, folders, links,
// modes, binary or text) and one file's content. Two sources: the extracted
// `$LATEST` in the code store, or a linked folder on the user's disk. Neither
// is ever read through a symbolic link: the walk lstat()s, links are listed as
// links and never followed, and a file is opened O_NOFOLLOW and checked (by
// /proc/self/fd) to be inside the root it was asked from — the rules
// linked-folders.ts packs a folder by.
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { CodeEntry, CodeFile } from '../../contract/results.js';
import { MAX_ENTRIES } from '../control/code-store.js';
import { SKIPPED } from '../control/linked-folders.js';
import { WorkbenchError } from './errors.js';

/** Bytes of a file looked at to tell text from binary in a listing. */
const SNIFF_BYTES = 64 * 1024;
/** Text larger than this is not sent to the editor. */
export const MAX_EDITOR_BYTES = 10 * 1024 * 1024;

/**
 * Text = valid UTF-8 without NUL. For a prefix (`complete` false), a
 * multi-byte character cut at the end does not count against it.
 */
export function isText(buf: Uint8Array, complete: boolean): boolean {
  if (buf.includes(0)) return false;
  if (complete) return isUtf8(buf);
  let end = buf.length;
  let cut = 0;
  while (cut < 3 && end > 0 && (buf[end - 1]! & 0xc0) === 0x80) {
    end--;
    cut++;
  }
  if (end > 0 && buf[end - 1]! >= 0xc0) end--;
  return isUtf8(buf.subarray(0, end));
}

export interface CodeRoot {
  /** The real path of the folder the code is read from. */
  dir: string;
  /** A linked folder: names nobody deploys (.git, …) are left out, as packing leaves them out. */
  linked: boolean;
}

export function codeRoot(dir: string, linked: boolean): CodeRoot {
  try {
    return { dir: realpathSync.native(dir), linked };
  } catch (err) {
    throw new WorkbenchError('CodeUnavailable', `The code folder ${dir} cannot be read: ${(err as Error).message}`, linked ? 'Check that the linked folder still exists.' : undefined);
  }
}

const insideRoot = (root: string, real: string) => {
  const rel = relative(root, real);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
};

/** Opens a regular file of the tree without following a link anywhere on the way. */
function openOwnFile(root: CodeRoot, path: string): number {
  const parts = path.split('/');
  let at = root.dir;
  for (const [i, part] of parts.entries()) {
    at = join(at, part);
    let st;
    try {
      st = lstatSync(at);
    } catch {
      throw new WorkbenchError('ResourceNotFoundException', `No file ${path} in the code.`);
    }
    const so = parts.slice(0, i + 1).join('/');
    if (st.isSymbolicLink()) throw new WorkbenchError('NotAFile', `${so} is a symbolic link (to ${readlinkSync(at)}): the editor opens real files only.`, 'Open the file it points to.');
    if (i < parts.length - 1 && !st.isDirectory()) throw new WorkbenchError('ResourceNotFoundException', `No file ${path} in the code: ${so} is not a folder.`);
    if (i === parts.length - 1 && !st.isFile()) throw new WorkbenchError('NotAFile', `${path} is a folder, not a file.`);
  }
  const fd = openSync(at, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  let opened: string | undefined;
  try {
    opened = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    /* no /proc: the lstat walk stands */
  }
  if (!fstatSync(fd).isFile() || (opened !== undefined && !insideRoot(root.dir, opened))) {
    closeSync(fd);
    throw new WorkbenchError('NotAFile', `${path} changed while it was being read; it is not a file inside the code.`, 'Try again.');
  }
  return fd;
}

function readUpTo(fd: number, max: number): Buffer {
  const buf = Buffer.alloc(max);
  let n = 0;
  while (n < max) {
    const got = readSync(fd, buf, n, max - n, null);
    if (got === 0) break;
    n += got;
  }
  return buf.subarray(0, n);
}

/** Every file, folder and link of the code, sorted by path; `generated` marks the build's outputs. */
export function listCode(root: CodeRoot, generated: ReadonlySet<string> = new Set()): CodeEntry[] {
  const out: CodeEntry[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (root.linked && SKIPPED.has(name)) continue;
      if (out.length >= MAX_ENTRIES) throw new WorkbenchError('TooManyFiles', `The code holds more than ${MAX_ENTRIES} files and folders.`);
      const path = rel ? `${rel}/${name}` : name;
      const full = join(dir, name);
      const st = lstatSync(full);
      const mode = st.mode & 0o777;
      if (st.isSymbolicLink()) {
        out.push({ path, kind: 'file', size: 0, binary: false, mode, link: readlinkSync(full) });
      } else if (st.isDirectory()) {
        out.push({ path, kind: 'dir', size: 0, binary: false, mode });
        walk(full, path);
      } else if (st.isFile()) {
        let binary = false;
        try {
          const fd = openOwnFile(root, path);
          try {
            binary = !isText(readUpTo(fd, Math.min(SNIFF_BYTES, st.size)), st.size <= SNIFF_BYTES);
          } finally {
            closeSync(fd);
          }
        } catch {
          binary = true; // unreadable or changed meanwhile: never offered to the editor
        }
        out.push({ path, kind: 'file', size: st.size, binary, mode, ...(generated.has(path) ? { generated: true } : {}) });
      }
      // Sockets, FIFOs and devices are not code.
    }
  };
  walk(root.dir, '');
  return out;
}

/** One file: its text when it is text and small enough for the editor. */
export function readCode(root: CodeRoot, path: string): CodeFile {
  if (root.linked && path.split('/').some((p) => SKIPPED.has(p))) throw new WorkbenchError('ResourceNotFoundException', `No file ${path} in the code (${path.split('/').find((p) => SKIPPED.has(p))} is never deployed).`);
  const fd = openOwnFile(root, path);
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_EDITOR_BYTES) {
      const binary = !isText(readUpTo(fd, SNIFF_BYTES), false);
      return { path, size, binary, tooLarge: true };
    }
    const data = readUpTo(fd, size);
    const binary = !isText(data, true);
    return binary ? { path, size, binary } : { path, size, binary, content: data.toString('utf8') };
  } finally {
    closeSync(fd);
  }
}
