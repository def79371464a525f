// Linked code folders: a function whose `$LATEST` code is a folder on disk.
// Each change (debounced) is packed into a zip exactly as an upload would be
// and goes through UpdateFunctionCode, so new invocations get fresh envs and
// published versions stay the immutable snapshots they were.
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, readdirSync, readlinkSync, realpathSync, statSync, watch, type FSWatcher } from 'node:fs';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import yazl from 'yazl';
import { invalidParameter } from '../errors.js';
import { MAX_ENTRIES, MAX_UNZIPPED_BYTES } from './code-store.js';
import { parseFunctionName, type FunctionRegistry } from './functions.js';

const DEBOUNCE_MS = 300;
/** Folders nobody means to deploy. */
export const SKIPPED = new Set(['.git', '.DS_Store', '.lwb']);
/** A fixed date for every entry, so the same files always make the same zip (and CodeSha256). */
const FIXED_DATE = new Date('2020-01-01T00:00:00Z');

const inside = (realRoot: string, real: string) => {
  const rel = relative(realRoot, real);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
};

/**
 * Packs a folder into a deterministic zip, as `zip -r` would: each file and
 * folder with its own rwx bits (a 0600 file stays unreadable to the function,
 * as on AWS, where the code belongs to root), symlinks as symlinks. Nothing is
 * read through a link: a symlink that resolves outside the folder is REFUSED
 * (the whole deploy fails with a message naming it) rather than skipped, so a
 * function never silently runs without a file its author expects; a dangling
 * link is skipped (there is nothing to pack).
 */
export async function packFolder(root: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const realRoot = realpathSync.native(root);
  // Lambda's limits, checked while walking: a folder of gigabytes is refused before it is read into memory.
  let bytes = 0;
  let entries = 0;
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (SKIPPED.has(name)) continue;
      if (++entries > MAX_ENTRIES) throw invalidParameter(`The linked folder holds more than ${MAX_ENTRIES} files and folders.`);
      const path = join(dir, name);
      const entry = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path);
      if (st.isSymbolicLink()) {
        const target = linkTarget(realRoot, path, entry);
        if (target !== undefined) zip.addBuffer(Buffer.from(target), entry, { mtime: FIXED_DATE, mode: 0o120777 });
      } else if (st.isDirectory()) {
        zip.addEmptyDirectory(entry, { mtime: FIXED_DATE, mode: 0o040000 | (st.mode & 0o777) });
        walk(path, entry);
      } else if (st.isFile()) {
        bytes += st.size;
        if (bytes > MAX_UNZIPPED_BYTES) throw invalidParameter(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes (the linked folder holds more).`);
        const file = readOwnFile(realRoot, path, entry);
        zip.addBuffer(file.data, entry, { mtime: FIXED_DATE, mode: 0o100000 | (file.mode & 0o777) });
      }
      // Sockets, FIFOs and devices are not code.
    }
  };
  walk(realRoot, '');
  return zipBytes(zip);
}

/**
 * The link's target as a relative path inside the packed tree, or undefined
 * for a dangling link; refuses a link that resolves outside the folder.
 */
function linkTarget(realRoot: string, path: string, entry: string): string | undefined {
  let real: string;
  try {
    // .native: the kernel's resolution. The JS realpathSync joins a link's target lexically, so `self -> .` plus
    // `up -> self/..` would look inside when it is really the parent folder.
    real = realpathSync.native(path);
  } catch {
    return undefined;
  }
  if (!inside(realRoot, real)) throw invalidParameter(`${entry} is a symlink to ${real}, outside the linked folder.`);
  // Relative to the link's own folder (a real folder: the walk never enters links), so it resolves the same in /var/task.
  const to = '/' + relative(realRoot, real).split(sep).join('/');
  return posix.relative(posix.dirname('/' + entry), to) || '.';
}

/**
 * Reads a regular file of the folder without following a link: O_NOFOLLOW for
 * the last part and, where /proc shows it, the opened file's real path (a
 * folder on the way swapped for a link meanwhile would show there).
 */
export function readOwnFile(realRoot: string, path: string, entry: string): { data: Buffer; mode: number } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    let opened: string | undefined;
    try {
      opened = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      /* no /proc: the lstat walk stands */
    }
    if (!st.isFile() || (opened !== undefined && !inside(realRoot, opened))) {
      throw invalidParameter(`${entry} changed while the linked folder was being packed; it is not a file inside the folder.`);
    }
    return { data: readFileSync(fd), mode: st.mode };
  } finally {
    closeSync(fd);
  }
}

/** Ends a zip being built and collects its bytes. */
export function zipBytes(zip: yazl.ZipFile): Promise<Buffer> {
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

export class LinkedFolders {
  private readonly watchers = new Map<string, { watcher: FSWatcher; timer?: NodeJS.Timeout }>();

  constructor(
    private readonly functions: FunctionRegistry,
    private readonly log: (m: string) => void,
  ) {}

  /** Links a function to a folder: its code is deployed now and on every change. */
  async link(name: string, folder: unknown): Promise<void> {
    if (typeof folder !== 'string' || !folder.startsWith('/')) throw invalidParameter('Folder must be an absolute path.');
    let isDir = false;
    try {
      isDir = statSync(folder).isDirectory();
    } catch {
      /* reported below */
    }
    if (!isDir) throw invalidParameter(`${folder} is not a folder on this machine.`);
    const fn = this.functions.get(parseFunctionName(name).name, true).config.FunctionName;
    await this.deploy(fn, folder);
    this.functions.patch(fn, () => ({ linkedFolder: folder }));
    this.watch(fn, folder);
  }

  unlink(name: string): void {
    const fn = this.functions.get(parseFunctionName(name).name, true).config.FunctionName;
    this.stopWatching(fn);
    this.functions.patch(fn, () => ({ linkedFolder: undefined }));
  }

  /** Re-deploys and watches every linked function (at start-up: the folder may have changed meanwhile). */
  restore(): void {
    for (const r of this.functions.all()) {
      if (!r.linkedFolder) continue;
      const fn = r.config.FunctionName;
      this.deploy(fn, r.linkedFolder)
        .then(() => this.watch(fn, r.linkedFolder!))
        .catch((err) => this.log(`[linked] ${fn}: ${(err as Error).message}`));
    }
  }

  /** Packs the folder and updates `$LATEST` when the content changed. */
  private async deploy(fn: string, folder: string): Promise<boolean> {
    const zip = await packFolder(folder);
    // Saving a file without changing it (or touching a skipped folder) is not a new deployment.
    if (createHash('sha256').update(zip).digest('base64') === this.functions.get(fn, true).config.CodeSha256) return false;
    await this.functions.updateCode(fn, { ZipFile: zip.toString('base64') });
    return true;
  }

  private watch(fn: string, folder: string): void {
    this.stopWatching(fn);
    const watcher = watch(folder, { recursive: true }, () => {
      const entry = this.watchers.get(fn);
      if (!entry) return;
      clearTimeout(entry.timer);
      entry.timer = setTimeout(() => {
        this.deploy(fn, folder)
          .then((changed) => changed && this.log(`[linked] ${fn}: deployed ${folder}`))
          .catch((err) => this.log(`[linked] ${fn}: ${(err as Error).message}`));
      }, DEBOUNCE_MS);
    });
    watcher.on('error', (err) => this.log(`[linked] ${fn}: watching ${folder} failed: ${err.message}`));
    this.watchers.set(fn, { watcher });
  }

  private stopWatching(fn: string): void {
    const entry = this.watchers.get(fn);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.watcher.close();
    this.watchers.delete(fn);
  }

  close(): void {
    for (const fn of [...this.watchers.keys()]) this.stopWatching(fn);
  }
}
