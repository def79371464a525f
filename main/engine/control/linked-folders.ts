// Linked code folders: a function whose `$LATEST` code is a folder on disk.
// Each change (debounced) is packed into a zip exactly as an upload would be
// and goes through UpdateFunctionCode, so new invocations get fresh envs and
// published versions stay the immutable snapshots they were.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, realpathSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join, relative, sep } from 'node:path';
import yazl from 'yazl';
import { invalidParameter } from '../errors.js';
import { parseFunctionName, type FunctionRegistry } from './functions.js';

const DEBOUNCE_MS = 300;
/** Folders nobody means to deploy. */
const SKIPPED = new Set(['.git', '.DS_Store', '.lwb']);
/** A fixed date for every entry, so the same files always make the same zip (and CodeSha256). */
const FIXED_DATE = new Date('2020-01-01T00:00:00Z');

/** Packs a folder into a deterministic zip; refuses symlinks that point outside it. */
export function packFolder(root: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const realRoot = realpathSync(root);
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (SKIPPED.has(name)) continue;
      const path = join(dir, name);
      const st = lstatSync(path);
      const rel = relative(root, path).split(sep).join('/');
      if (st.isSymbolicLink()) {
        const target = realpathSync(path);
        if (target !== realRoot && !target.startsWith(realRoot + sep)) {
          throw invalidParameter(`${rel} is a symlink to ${target}, outside the linked folder.`);
        }
        if (statSync(target).isDirectory()) walk(path);
        else zip.addBuffer(readFileSync(target), rel, { mtime: FIXED_DATE, mode: statSync(target).mode });
      } else if (st.isDirectory()) walk(path);
      else if (st.isFile()) zip.addBuffer(readFileSync(path), rel, { mtime: FIXED_DATE, mode: st.mode });
    }
  };
  walk(root);
  return zipBytes(zip);
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
