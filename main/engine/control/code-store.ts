// Function code, content-addressed: each uploaded zip is checked, extracted
// once into code/<sha256>/ and never changed again, so a function version is
// an immutable snapshot. Sandboxes receive hard links of that tree.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync, lstatSync, readlinkSync, chmodSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import yauzl from 'yauzl';
import { LambdaError } from '../errors.js';

export const MAX_ZIPPED_BYTES = 50 * 1024 * 1024;
export const MAX_UNZIPPED_BYTES = 250 * 1024 * 1024;
const MAX_ENTRIES = 100_000;

export interface StoredCode {
  /** base64 SHA-256 of the zip, as AWS reports `CodeSha256`. */
  sha256: string;
  /** hex SHA-256: the folder name in the store. */
  key: string;
  size: number;
  /** Bytes once extracted (AWS's 250 MB limit counts code and layers together). */
  unzippedSize: number;
}

const badZip = (message: string) => new LambdaError('InvalidParameterValueException', message);

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
  return normal;
}

interface ZipEntryInfo {
  name: string;
  isDir: boolean;
  isSymlink: boolean;
  mode: number;
}

function describe(entry: yauzl.Entry): ZipEntryInfo {
  const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
  const type = unixMode & 0o170000;
  const name = checkEntryName(entry.fileName);
  return {
    name,
    isDir: entry.fileName.endsWith('/') || type === 0o040000,
    isSymlink: type === 0o120000,
    mode: unixMode & 0o777,
  };
}

function readStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      stream.on('error', reject);
    });
  });
}

/** Extracts a zip into `dest` after checking every entry; throws LambdaError on hostile or broken input. */
export async function extractZip(zipBytes: Buffer, dest: string): Promise<number> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zipBytes, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: false }, (err, z) =>
      err || !z ? reject(badZip(`Could not unzip uploaded file. Please check your file, then try to upload again. (${err?.message})`)) : resolve(z),
    ),
  );
  let total = 0;
  let count = 0;
  mkdirSync(dest, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const fail = (err: unknown) => {
      zip.close();
      reject(err instanceof LambdaError ? err : badZip(`Could not unzip uploaded file: ${(err as Error).message}`));
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', async (entry: yauzl.Entry) => {
      try {
        if (++count > MAX_ENTRIES) throw badZip(`The package has more than ${MAX_ENTRIES} entries.`);
        const info = describe(entry);
        const target = join(dest, info.name);
        if (info.isDir) {
          mkdirSync(target, { recursive: true });
          return zip.readEntry();
        }
        total += entry.uncompressedSize;
        if (total > MAX_UNZIPPED_BYTES) {
          throw new LambdaError(
            'InvalidParameterValueException',
            `Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`,
          );
        }
        const data = await readStream(zip, entry);
        mkdirSync(dirname(target), { recursive: true });
        if (info.isSymlink) {
          const link = data.toString('utf8');
          const resolved = posix.normalize(posix.join(posix.dirname(info.name), link));
          if (link.startsWith('/') || resolved === '..' || resolved.startsWith('../')) {
            throw badZip(`Zip entry "${info.name}" is a symlink to "${link}", outside the package root.`);
          }
          symlinkSync(link, target);
        } else {
          writeFileSync(target, data);
          // Lambda keeps execute bits (a provided bootstrap needs them); everything is readable.
          chmodSync(target, (info.mode & 0o111 ? 0o755 : 0o644));
        }
        zip.readEntry();
      } catch (err) {
        fail(err);
      }
    });
    zip.readEntry();
  });
  return total;
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
    const tmp = `${final}.tmp-${process.pid}-${Date.now()}`;
    let unzipped: number;
    try {
      unzipped = await extractZip(zipBytes, tmp);
      writeFileSync(`${final}.size`, String(unzipped));
      writeFileSync(`${tmp}.zip`, zipBytes);
      renameSync(`${tmp}.zip`, `${final}.zip`);
      renameSync(tmp, final);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
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

  /** Fills `dest` with the code tree: hard links where possible (instant, shares pages), copies across filesystems. */
  place(key: string, dest: string): void {
    linkTree(this.dir(key), dest);
  }
}

export function linkTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    const dst = join(to, name);
    const st = lstatSync(src);
    if (st.isDirectory()) {
      linkTree(src, dst);
      continue;
    }
    // A later layer overwrites an earlier one's file: replace it, never write through a shared link.
    rmSync(dst, { recursive: true, force: true });
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else {
      try {
        linkSync(src, dst);
      } catch {
        copyFileSync(src, dst);
      }
    }
  }
}

/** Empties a folder without removing it (it is a bind mount into a running container). */
export function emptyDir(dir: string): void {
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
}
