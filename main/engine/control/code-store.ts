// Function code, content-addressed: each uploaded zip is checked, extracted
// once into code/<sha256>/ and never changed again, so a function version is
// an immutable snapshot. Sandboxes receive hard links of that tree.
//
// The workbench runs as root and a zip is hostile input: extraction never
// writes through a symlink (links are made last, after every file, and each
// parent folder is checked to be a real folder inside the root), every link
// must resolve inside the tree, and sizes are counted as bytes are written.
// Whatever later copies a tree (place, a layer merge) copies links as links
// and never descends into or deletes through one.
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync, closeSync, constants, copyFileSync, existsSync, fchmodSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync,
  readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync, writeSync, type Stats,
} from 'node:fs';
import { join, posix } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { LambdaError } from '../errors.js';
import { mountOverlay } from '../sandbox/run-fs.js';

export const MAX_ZIPPED_BYTES = 50 * 1024 * 1024;
export const MAX_UNZIPPED_BYTES = 250 * 1024 * 1024;
export const MAX_ENTRIES = 100_000;
/** Linux's limits: longer names fail in the kernel, so they are refused up front with a clear message. */
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 4095;
/** The kernel's own limit on links followed while resolving one path (ELOOP). */
const MAX_LINK_HOPS = 40;
/** Entries made without unix modes (Windows tools) get what an unzip on Linux gives them. */
const DEFAULT_FILE_MODE = 0o644;
const DEFAULT_DIR_MODE = 0o755;

export interface ExtractLimits {
  /** Bytes actually written, all entries together. */
  maxBytes: number;
  maxEntries: number;
  /** Entries up to this size are inflated in one call; larger ones are streamed. */
  inMemoryBytes?: number;
}
const LAMBDA_LIMITS: ExtractLimits = { maxBytes: MAX_UNZIPPED_BYTES, maxEntries: MAX_ENTRIES };

export interface StoredCode {
  /** base64 SHA-256 of the zip, as AWS reports `CodeSha256`. */
  sha256: string;
  /** hex SHA-256: the folder name in the store. */
  key: string;
  size: number;
  /** Bytes once extracted (AWS's 250 MB limit counts code and layers together). */
  unzippedSize: number;
}

/** Bytes extraction may still write; `max` for messages. */
interface Budget {
  left: number;
  max: number;
  inMemory: number;
}

const badZip = (message: string) => new LambdaError('InvalidParameterValueException', message);
const tooBig = (max: number) => badZip(`Unzipped size must be smaller than ${max} bytes`);

/** Rejects names that would land outside the code root (zip slip). */
export function checkEntryName(name: string): string {
  if (name.includes('\0')) throw badZip(`Zip entry name contains a NUL byte: ${JSON.stringify(name)}`);
  const unified = name.replace(/\\/g, '/');
  if (unified.startsWith('/') || /^[a-zA-Z]:/.test(unified)) {
    throw badZip(`Zip entry "${name}" has an absolute path; entries must be relative to the package root.`);
  }
  const normal = posix.normalize(unified);
  if (normal === '..' || normal.startsWith('../') || unified.split('/').includes('..')) {
    throw badZip(`Zip entry "${name}" escapes the package root with "..".`);
  }
  if (Buffer.byteLength(normal) > MAX_PATH_BYTES || normal.split('/').some((part) => Buffer.byteLength(part) > MAX_NAME_BYTES)) {
    throw badZip(`Zip entry "${name.slice(0, 80)}…" has a name longer than Linux allows (${MAX_NAME_BYTES} bytes a part, ${MAX_PATH_BYTES} in all).`);
  }
  return normal.replace(/\/+$/, '');
}

interface ZipEntryInfo {
  /** Normalised, without a trailing slash; '.' is the root itself. */
  name: string;
  isDir: boolean;
  isSymlink: boolean;
  /** Permission bits as the zip carries them (rwx only: never setuid, setgid or sticky). */
  mode: number;
}

function describe(entry: yauzl.Entry): ZipEntryInfo {
  const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
  const type = unixMode & 0o170000;
  const name = checkEntryName(entry.fileName);
  const isDir = /[\\/]$/.test(entry.fileName) || type === 0o040000;
  const mode = unixMode === 0 ? (isDir ? DEFAULT_DIR_MODE : DEFAULT_FILE_MODE) : unixMode & 0o777;
  return { name, isDir, isSymlink: !isDir && type === 0o120000, mode };
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** What extraction has learnt of its tree: the folders it made and those it checked are real folders. */
interface Tree {
  root: string;
  created: Set<string>;
  /** Real folders (never links): nothing replaces a folder during extraction, and links are only made where nothing is. */
  dirs: Set<string>;
  files: Set<string>;
}

/**
 * Makes `rel` (relative to the root) a real folder, creating missing parts;
 * refuses when any part is a symlink or a file (writing there would leave the
 * root or clash).
 */
function realDir(tree: Tree, rel: string, entry: string): string {
  if (rel === '.' || rel === '') return tree.root;
  let at = tree.root;
  let sofar = '';
  for (const part of rel.split('/')) {
    at = join(at, part);
    sofar = sofar ? `${sofar}/${part}` : part;
    if (tree.dirs.has(sofar)) continue;
    const st = lstatOrUndefined(at);
    if (!st) {
      mkdirSync(at, { mode: 0o700 });
      tree.created.add(sofar);
    } else if (st.isSymbolicLink()) {
      throw badZip(`Zip entry "${entry}" is inside the symlink "${sofar}"; entries cannot be written through links.`);
    } else if (!st.isDirectory()) {
      throw badZip(`Zip entry "${entry}" needs "${sofar}" to be a folder, but the zip has it as a file.`);
    }
    tree.dirs.add(sofar);
  }
  return at;
}

/**
 * Whether the link at `rel` resolves inside `root`, following links part by
 * part inside the tree as a chroot would; a step above the root is an escape.
 * Lexical checks of the target text are not enough (`u -> .` and `v -> u/..`).
 */
export function resolveLink(root: string, rel: string): 'inside' | 'outside' | 'loop' {
  const at = posix.dirname(rel) === '.' ? [] : posix.dirname(rel).split('/');
  let queue = readlinkSync(join(root, rel)).split('/');
  let hops = 0;
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (at.length === 0) return 'outside';
      at.pop();
      continue;
    }
    const st = lstatOrUndefined(join(root, ...at, part));
    if (st?.isSymbolicLink()) {
      const target = readlinkSync(join(root, ...at, part));
      if (target.startsWith('/')) return 'outside';
      if (++hops > MAX_LINK_HOPS) return 'loop';
      queue = [...target.split('/'), ...queue];
      continue;
    }
    // A missing part is taken as a folder (a dangling link may not climb out lexically either);
    // a file with more parts after it fails in the kernel (ENOTDIR), so it goes nowhere.
    if (st && !st.isDirectory()) return 'inside';
    at.push(part);
  }
  return 'inside';
}

/** Streams an entry through `sink` chunk by chunk, counting real bytes against `budget`; nothing is buffered whole. */
function streamEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, budget: Budget, sink: (chunk: Buffer) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      let bytes = 0;
      let done = false;
      const finish = (e?: unknown) => {
        if (done) return;
        done = true;
        if (e) {
          stream.destroy();
          reject(e);
        } else resolve(bytes);
      };
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        bytes += chunk.length;
        budget.left -= chunk.length;
        if (budget.left < 0) return finish(tooBig(budget.max));
        try {
          sink(chunk);
        } catch (e) {
          finish(e);
        }
      });
      stream.on('end', () => finish());
      stream.on('error', (e) => finish(e));
    });
  });
}

/** Entries up to this size are inflated in one synchronous call (a stream per small file costs ~1 ms under load). */
const IN_MEMORY_BYTES = 1024 * 1024;

/**
 * An entry's bytes read straight from the zip and inflated at once, for small
 * entries only: the output is capped at the declared size + 1, so a lying
 * size costs at most IN_MEMORY_BYTES of memory before it is refused.
 */
function readSmallEntry(zipBytes: Buffer, entry: yauzl.Entry): Buffer {
  const at = entry.relativeOffsetOfLocalHeader;
  if (at + 30 > zipBytes.length || zipBytes.readUInt32LE(at) !== 0x04034b50) throw new Error(`invalid local file header for ${entry.fileName}`);
  const start = at + 30 + zipBytes.readUInt16LE(at + 26) + zipBytes.readUInt16LE(at + 28);
  if (start + entry.compressedSize > zipBytes.length) throw new Error(`${entry.fileName} is truncated`);
  const raw = zipBytes.subarray(start, start + entry.compressedSize);
  if (entry.isEncrypted()) throw new Error(`${entry.fileName} is encrypted`);
  let data: Buffer;
  if (entry.compressionMethod === 0) data = raw;
  else if (entry.compressionMethod === 8) data = inflateRawSync(raw, { maxOutputLength: entry.uncompressedSize + 1 });
  else throw new Error(`unsupported compression method: ${entry.compressionMethod}`);
  if (data.length !== entry.uncompressedSize) throw new Error(`${entry.fileName} holds ${data.length} bytes, not the ${entry.uncompressedSize} it declares`);
  return data;
}

/** Calls `sink` with the entry's bytes, counting them against `budget`: at once when small, else streamed. */
async function readEntry(zipBytes: Buffer, zip: yauzl.ZipFile, entry: yauzl.Entry, budget: Budget, sink: (chunk: Buffer) => void): Promise<void> {
  if (entry.uncompressedSize > budget.inMemory || entry.compressedSize > budget.inMemory) {
    await streamEntry(zip, entry, budget, sink);
    return;
  }
  const data = readSmallEntry(zipBytes, entry);
  budget.left -= data.length;
  if (budget.left < 0) throw tooBig(budget.max);
  sink(data);
}

/** yauzl's events as a pull API, so extraction can await each step. */
function entryReader(zip: yauzl.ZipFile): () => Promise<yauzl.Entry | undefined> {
  let waiting: { resolve: (e: yauzl.Entry | undefined) => void; reject: (err: Error) => void } | undefined;
  let failed: Error | undefined;
  let ended = false;
  const settle = (f: (w: NonNullable<typeof waiting>) => void) => {
    const w = waiting;
    waiting = undefined;
    if (w) f(w);
  };
  zip.on('entry', (e: yauzl.Entry) => settle((w) => w.resolve(e)));
  zip.on('end', () => {
    ended = true;
    settle((w) => w.resolve(undefined));
  });
  zip.on('error', (err: Error) => {
    failed = err;
    settle((w) => w.reject(err));
  });
  return () =>
    new Promise((resolve, reject) => {
      if (failed) return reject(failed);
      if (ended) return resolve(undefined);
      waiting = { resolve, reject };
      zip.readEntry();
    });
}

function openZip(zipBytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(zipBytes, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: false }, (err, z) =>
      err || !z ? reject(badZip(`Could not unzip uploaded file. Please check your file, then try to upload again. (${err?.message})`)) : resolve(z),
    ),
  );
}

/**
 * Extracts a zip into `dest` (a new folder only this call writes to) after
 * checking every entry; throws LambdaError on hostile or broken input, and the
 * caller removes `dest`. Returns the bytes written.
 */
export async function extractZip(zipBytes: Buffer, dest: string, limits: ExtractLimits = LAMBDA_LIMITS): Promise<number> {
  const zip = await openZip(zipBytes);
  try {
    if (zip.entryCount === 0) throw badZip('Uploaded file must be a non-empty zip');
    if (zip.entryCount > limits.maxEntries) throw badZip(`The package has more than ${limits.maxEntries} entries.`);
    mkdirSync(dest, { recursive: true, mode: 0o700 });
    const budget: Budget = { left: limits.maxBytes, max: limits.maxBytes, inMemory: limits.inMemoryBytes ?? IN_MEMORY_BYTES };
    if (readdirSync(dest).length > 0) throw new Error(`${dest} is not empty`); // what the tree knows holds only for a new folder
    const tree: Tree = { root: dest, created: new Set(), dirs: new Set(), files: new Set() };
    const dirModes = new Map<string, number>();
    /** Links wait until every file is written, so no entry is ever written through one. */
    const links = new Map<string, string>();
    const next = entryReader(zip);
    for (let entry = await next(); entry; entry = await next()) {
      const info = describe(entry);
      if (info.isDir) {
        if (info.name !== '.') realDir(tree, info.name, entry.fileName);
        dirModes.set(info.name, info.mode);
        continue;
      }
      if (info.name === '.') throw badZip(`Zip entry "${entry.fileName}" is a file without a name.`);
      if (budget.left < entry.uncompressedSize) throw tooBig(limits.maxBytes); // declared too big: refused before writing
      if (info.isSymlink) {
        if (entry.uncompressedSize > MAX_PATH_BYTES) throw badZip(`Zip entry "${info.name}" is a symlink with an empty, overlong or NUL-containing target.`);
        const parts: Buffer[] = [];
        await readEntry(zipBytes, zip, entry, budget, (c) => parts.push(c));
        links.set(info.name, checkLinkTarget(info.name, Buffer.concat(parts)));
        continue;
      }
      const path = join(realDir(tree, posix.dirname(info.name), entry.fileName), posix.basename(info.name));
      if (tree.dirs.has(info.name)) throw badZip(`Zip entry "${entry.fileName}" is both a file and a folder.`);
      if (tree.files.has(info.name)) unlinkSync(path); // a repeated name: the later entry wins, as unzip does
      tree.files.add(info.name);
      // O_EXCL|O_NOFOLLOW: the file is new, never an existing link's target.
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        await readEntry(zipBytes, zip, entry, budget, (chunk) => {
          for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off);
        });
        fchmodSync(fd, info.mode);
      } finally {
        closeSync(fd);
      }
    }
    for (const [name, target] of links) {
      const parent = realDir(tree, posix.dirname(name), name);
      if (tree.dirs.has(name) || tree.files.has(name)) throw badZip(`Zip entry "${name}" is both a symlink and a file or folder.`);
      symlinkSync(target, join(parent, posix.basename(name)));
    }
    for (const name of links.keys()) {
      const where = resolveLink(dest, name);
      if (where === 'loop') throw badZip(`Zip entry "${name}" is a symlink that never resolves (more than ${MAX_LINK_HOPS} links in a row).`);
      // Worded as before (clients may match it): the link resolves, part by part, above the root.
      if (where === 'outside') throw badZip(`Zip entry "${name}" is a symlink to "${links.get(name)}", outside the package root.`);
    }
    // Folders get their modes last (deepest first), so a read-only folder was still writable while filling it.
    // The owner (the workbench) always keeps rwx: the function is never the owner, so this shows it nothing more.
    for (const name of tree.created) if (!dirModes.has(name)) dirModes.set(name, DEFAULT_DIR_MODE);
    if (!dirModes.has('.')) dirModes.set('.', DEFAULT_DIR_MODE);
    for (const [name, mode] of [...dirModes].sort((a, b) => b[0].split('/').length - a[0].split('/').length)) {
      chmodSync(join(dest, name), mode | 0o700);
    }
    return limits.maxBytes - budget.left;
  } catch (err) {
    throw err instanceof LambdaError ? err : badZip(`Could not unzip uploaded file. Please check your file, then try to upload again. (${(err as Error).message})`);
  } finally {
    zip.close();
  }
}

function checkLinkTarget(name: string, raw: Buffer): string {
  const target = raw.toString('utf8');
  if (target === '' || target.includes('\0') || raw.length > MAX_PATH_BYTES) {
    throw badZip(`Zip entry "${name}" is a symlink with an empty, overlong or NUL-containing target.`);
  }
  if (target.startsWith('/')) throw badZip(`Zip entry "${name}" is a symlink to "${target}", outside the package root.`);
  return target;
}

export class CodeStore {
  constructor(private readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  dir(key: string): string {
    return join(this.root, key);
  }

  /** Validates and stores a zip; the same bytes are stored once. */
  async put(zipBytes: Buffer): Promise<StoredCode> {
    if (zipBytes.length > MAX_ZIPPED_BYTES) {
      throw new LambdaError('RequestTooLargeException', `Zipped code must be smaller than ${MAX_ZIPPED_BYTES} bytes.`);
    }
    const digest = createHash('sha256').update(zipBytes).digest();
    const key = digest.toString('hex');
    const final = this.dir(key);
    const code = (unzippedSize: number): StoredCode => ({ sha256: digest.toString('base64'), key, size: zipBytes.length, unzippedSize });
    if (existsSync(final)) return code(this.unzippedSize(key));
    const tmp = `${final}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`; // two uploads of the same bytes never share one
    let unzipped: number;
    try {
      unzipped = await extractZip(zipBytes, tmp);
      writeFileSync(`${final}.size`, String(unzipped));
      writeFileSync(`${tmp}.zip`, zipBytes);
      renameSync(`${tmp}.zip`, `${final}.zip`);
      renameSync(tmp, final);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true }); // rm removes links themselves, never what they point at
      rmSync(`${tmp}.zip`, { force: true });
      if (existsSync(final)) return code(this.unzippedSize(key)); // a concurrent upload of the same bytes won
      throw err;
    }
    return code(unzipped);
  }

  /** Extracted size of stored code, recorded when it was stored. */
  unzippedSize(key: string): number {
    try {
      return Number(readFileSync(`${this.dir(key)}.size`, 'utf8'));
    } catch {
      return 0;
    }
  }

  /** The zip as it was uploaded (GetFunction's Code.Location serves it), or undefined for an unknown key. */
  zip(key: string): Buffer | undefined {
    if (!/^[0-9a-f]{64}$/.test(key)) return undefined;
    try {
      return readFileSync(`${this.dir(key)}.zip`);
    } catch {
      return undefined;
    }
  }

  /**
   * Mounts code trees read-only on `dest` as one overlay (`keys` in extraction order: a later
   * layer's files win, as when layers are unpacked in order); root only (run-fs.ts).
   */
  mountInto(keys: string[], dest: string): Promise<void> {
    return mountOverlay(this.root, [...keys].reverse(), dest);
  }

  /**
   * Fills `dest` with the code tree: hard links where possible (instant, shares pages), copies across filesystems.
   * Layers are placed one after another into the same /opt; a later one replaces an earlier one's entries.
   */
  place(key: string, dest: string): void {
    linkTree(this.dir(key), dest);
  }
}

/**
 * Merges the tree `from` into `to` without ever following a link on either
 * side: links are copied as links, only real folders are descended into, and
 * an entry already in `to` (an earlier layer's file, folder or link) is
 * replaced by removing that entry itself — never `rm -r` through a link, so
 * nothing outside `to` is written or deleted, whatever the layers combine to.
 */
export function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  if (!lstatSync(to).isDirectory()) throw new Error(`${to} is not a folder`);
  mergeDir(from, to);
}

function mergeDir(from: string, to: string): void {
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    const dst = join(to, name);
    const st = lstatSync(src);
    const existing = lstatOrUndefined(dst);
    if (st.isDirectory()) {
      if (existing && !existing.isDirectory()) unlinkSync(dst);
      if (!existing?.isDirectory()) mkdirSync(dst, { mode: 0o700 });
      mergeDir(src, dst);
      chmodSync(dst, (st.mode & 0o777) | 0o700); // dst is a real folder made or checked above
      continue;
    }
    if (existing?.isDirectory()) rmSync(dst, { recursive: true, force: true }); // a real folder of ours: rm does not follow links inside it
    else if (existing) unlinkSync(dst);
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else if (st.isFile()) {
      try {
        linkSync(src, dst);
      } catch {
        copyFileSync(src, dst, constants.COPYFILE_EXCL);
        chmodSync(dst, st.mode & 0o777);
      }
    }
  }
}

/** Empties a folder without removing it (it is a bind mount into a running container). rm never follows links. */
export function emptyDir(dir: string): void {
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
}
