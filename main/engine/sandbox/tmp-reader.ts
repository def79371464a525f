// Reads one file of an env's /tmp from the host, for the window's /tmp browser
// (head and download), without thawing the env and without ever resolving a
// path of the env's on the host.
//
// Why not through /proc/<pid>/root/tmp/<path>: a function controls what is in
// its /tmp, and a link there (`/tmp/x -> /etc/shadow`) read from the host
// resolves against the HOST's root, not the env's: the host's file would be
// read. Even with O_NOFOLLOW on the last component, any directory on the way
// can be swapped for a link between a check and the open. So the host never
// asks its kernel to walk the env's names at all:
//
// - With /tmp on its own ext4 image (scratch-disk.ts, the usual case as root),
//   debugfs parses that filesystem itself, in catastrophic read-only mode
//   (-c). The path is walked one component at a time by inode number (`ls` of
//   the directory's inode, the name matched here), so no name is ever handed
//   to a path resolver, a link is never followed (it is refused: TmpNotAFile),
//   and nothing outside the image can be reached: a link's target is only text
//   on that disk. The file's bytes are then read from the image at the
//   physical blocks its extent tree names (debugfs `ex`), so a 10 GB file costs
//   what the asked range costs, and holes and unwritten extents read as zeros.
// - With a tmpfs /tmp (no loop devices: not root, not Linux) there is no image:
//   reading is refused (TmpUnavailable), saying why. The listing (the init's
//   TMP frames) still shows names, sizes and times.
//
// The env's dirty pages are flushed to its image first (syncfs of its /tmp),
// so a file written by the last invocation reads as the function left it.
import { constants, promises as fsp, existsSync } from 'node:fs';
import { hostCommand } from './host-commands.js';
import { scratchDisksUnavailable } from './scratch-disk.js';
import { WorkbenchError } from '../workbench/errors.js';

/** Where an env's /tmp lives (DockerSandbox.tmpDisk). */
export interface TmpDisk {
  /** The ext4 image file mounted as the env's /tmp. */
  image: string;
  /** The container's init as a host pid (to flush its /tmp first), when known. */
  pid?: number;
}

export interface TmpRead {
  /** The file's whole size. */
  size: number;
  /** maxBytes at most, from offset. */
  bytes: Buffer;
  /** More of the file follows the bytes read. */
  truncated: boolean;
}

export type TmpReadErrorCode = 'TmpNotAFile' | 'TmpNotFound' | 'TmpUnavailable' | 'TmpReadFailed' | 'TmpInvalidPath';

/** Largest read: what the window asks for at most (the contract's maxBytes). */
export const TMP_READ_MAX_BYTES = 16 * 1024 * 1024;
const DEBUGFS_TIMEOUT_MS = 15_000;
const SYNC_TIMEOUT_MS = 10_000;
/** A directory listing larger than this (some 300,000 names) is not walked. */
const LISTING_MAX_BYTES = 32 * 1024 * 1024;
const ROOT_INODE = 2;

const DEBUGFS = ['/usr/sbin/debugfs', '/sbin/debugfs'].find((p) => existsSync(p)) ?? '/usr/sbin/debugfs';

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

const fail = (code: TmpReadErrorCode, message: string, hint?: string) => new WorkbenchError(code, message, hint);

const kindOf = (mode: number): string =>
  (mode & S_IFMT) === S_IFDIR ? 'a directory' : (mode & S_IFMT) === S_IFLNK ? 'a link (links are shown, never followed)' : (mode & S_IFMT) === S_IFREG ? 'a file' : 'not a regular file';

/** Why this env's /tmp cannot be read from the host, and what would make it readable. */
export function tmpUnavailable(): WorkbenchError {
  const why = scratchDisksUnavailable() ?? 'a loop device could not be set up for this env';
  return fail(
    'TmpUnavailable',
    `This environment's /tmp is a tmpfs (${why}): its files are not read from the host, because a link in it would resolve against the host's own files.`,
    'Run the workbench as root on Linux with loop devices and e2fsprogs (debugfs) so each env gets /tmp on a disk image of its own; new envs then allow reading files. The listing (names, sizes, times) is shown either way.',
  );
}

/**
 * Reads [offset, offset + maxBytes) of the regular file `path` (relative to /tmp) of the env
 * whose /tmp is `disk` (undefined: a tmpfs, refused).
 */
export async function readTmpFile(disk: TmpDisk | undefined, path: string, opts: { offset?: number; maxBytes?: number } = {}): Promise<TmpRead> {
  const offset = opts.offset ?? 0;
  const maxBytes = opts.maxBytes ?? 64 * 1024;
  const segments = path.split('/');
  if (path.length === 0 || path.length > 4096 || path.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw fail('TmpInvalidPath', `${JSON.stringify(path.slice(0, 200))} is not a path inside /tmp.`, 'Give a path relative to /tmp, as the listing shows it (no leading "/", no "." or ".." segments).');
  }
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(maxBytes) || maxBytes < 1 || maxBytes > TMP_READ_MAX_BYTES) {
    throw fail('TmpInvalidPath', `offset must be 0 or more and maxBytes between 1 and ${TMP_READ_MAX_BYTES}.`);
  }
  if (!disk) throw tmpUnavailable();
  if (disk.pid) await flush(disk.pid);

  let inode = ROOT_INODE;
  for (let i = 0; i < segments.length; i++) {
    const shown = segments.slice(0, i + 1).join('/');
    const matches = (await listDirectory(disk.image, inode)).filter((e) => e.name === segments[i]);
    if (matches.length === 0) throw fail('TmpNotFound', `/tmp/${shown} does not exist (any more).`, 'Refresh the listing: it is as of the end of the env\'s last invocation.');
    if (matches.length > 1) {
      // Names that are not UTF-8 show with U+FFFD; two such names can look the same.
      throw fail('TmpReadFailed', `Several entries of /tmp/${segments.slice(0, i).join('/')} are shown as ${JSON.stringify(segments[i])} (their names are not UTF-8), so which one to read is ambiguous.`);
    }
    const entry = matches[0]!;
    const last = i === segments.length - 1;
    if (!last && (entry.mode & S_IFMT) !== S_IFDIR) {
      throw fail((entry.mode & S_IFMT) === S_IFLNK ? 'TmpNotAFile' : 'TmpNotFound', `/tmp/${shown} is ${kindOf(entry.mode)}, not a directory: nothing is read through it.`);
    }
    if (last && (entry.mode & S_IFMT) !== S_IFREG) {
      throw fail('TmpNotAFile', `/tmp/${shown} is ${kindOf(entry.mode)}: only regular files are read.`, (entry.mode & S_IFMT) === S_IFLNK ? 'The listing shows where it points; open that file in /tmp itself if it is there.' : undefined);
    }
    inode = entry.inode;
  }
  return readInode(disk.image, inode, offset, maxBytes, path);
}

/**
 * Flushes the env's /tmp to its image (syncfs). The path resolves `tmp` in the container's own
 * root (/proc/<pid>/root is that root), which is read-only (ReadonlyRootfs) and has /tmp as a
 * mount point: the function can neither replace it by a link nor unmount it (no capabilities),
 * so this cannot be redirected to a host path; and syncfs only writes back, it reads nothing out.
 * A failure (the env just went) is left to the read that follows, which then finds no image.
 */
async function flush(pid: number): Promise<void> {
  await hostCommand('sync', ['-f', `/proc/${pid}/root/tmp`], { timeoutMs: SYNC_TIMEOUT_MS }).catch(() => {});
}

async function debugfs(image: string, commands: string, maxBuffer = 8 * 1024 * 1024): Promise<string> {
  let result;
  try {
    result = await hostCommand(DEBUGFS, ['-c', '-f', '-', image], { input: commands, timeoutMs: DEBUGFS_TIMEOUT_MS, maxBuffer });
  } catch (err) {
    throw fail('TmpReadFailed', `debugfs could not read this env's /tmp image: ${(err as Error).message.slice(0, 500)}`);
  }
  if (/while trying to open|Filesystem not open/.test(result.stderr) || /Filesystem not open/.test(result.stdout)) {
    throw fail('TmpUnavailable', "This environment's /tmp disk is gone (the env ended).");
  }
  return result.stdout;
}

interface DirEntry {
  inode: number;
  mode: number;
  name: string;
}

/**
 * One directory, by inode: `ls -p -r` prints `/inode/mode/uid/gid/name/size/` a line, names raw.
 * A name holds no '/', so the record is unambiguous even with a newline in the name.
 */
async function listDirectory(image: string, inode: number): Promise<DirEntry[]> {
  const out = await debugfs(image, `ls -p -r <${inode}>\n`, LISTING_MAX_BYTES);
  const entries: DirEntry[] = [];
  const record = /\/(\d+)\/([0-7]{6})\/\d+\/\d+\/([^/]*)\/\d*\/\n/g;
  for (const m of out.matchAll(record)) {
    const name = m[3]!;
    if (name === '.' || name === '..') continue;
    entries.push({ inode: Number(m[1]), mode: parseInt(m[2]!, 8), name });
  }
  return entries;
}

/** The regular file at `inode`: its size and extents from debugfs, its bytes from the image. */
async function readInode(image: string, inode: number, offset: number, maxBytes: number, path: string): Promise<TmpRead> {
  const out = await debugfs(image, `stats -h\nstat <${inode}>\nex <${inode}>\n`);
  const blockSize = Number(out.match(/^Block size:\s+(\d+)$/m)?.[1]);
  const head = out.match(/^Inode: (\d+)\s+Type: (.+?)\s+Mode:\s+\d+\s+Flags: 0x([0-9a-f]+)$/m);
  const size = Number(out.match(/^User:.*\sSize: (\d+)$/m)?.[1]);
  if (!(blockSize > 0) || !head || !Number.isSafeInteger(size)) throw fail('TmpReadFailed', `debugfs gave no usable description of /tmp/${path}.`);
  if (head[2] !== 'regular') throw fail('TmpNotAFile', `/tmp/${path} changed and is no longer a regular file.`);
  const flags = parseInt(head[3]!, 16);
  const EXTENTS_FL = 0x80000;
  if (size > 0 && !(flags & EXTENTS_FL)) throw fail('TmpReadFailed', `/tmp/${path} is not stored in extents (inline or block-mapped), which this reader does not read.`);

  const start = Math.min(offset, size);
  const end = Math.min(size, offset + maxBytes);
  const bytes = Buffer.alloc(end - start); // holes and unwritten extents read as zeros
  if (bytes.length > 0) {
    const file = await fsp.open(image, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const imageSize = (await file.stat()).size;
      // Leaf extents: `level/max  entry/entries  logical - logical  physical - physical  length  [Uninit]`.
      const leaf = /^\s*(\d+)\/\s*(\d+)\s+\d+\/\s*\d+\s+(\d+)\s*-\s*(\d+)\s+(\d+)\s*-\s*(\d+)\s+(\d+)\s*(Uninit)?\s*$/gm;
      for (const m of out.matchAll(leaf)) {
        if (m[1] !== m[2] || m[8]) continue; // an index node, or allocated but unwritten
        const logical = Number(m[3]) * blockSize;
        const length = Number(m[7]) * blockSize;
        const physical = Number(m[5]) * blockSize;
        const from = Math.max(start, logical);
        const to = Math.min(end, logical + length);
        if (from >= to) continue;
        const at = physical + (from - logical);
        if (at + (to - from) > imageSize) throw fail('TmpReadFailed', `/tmp/${path}'s blocks lie outside its disk image (the filesystem changed while it was read); try again.`);
        let done = 0;
        while (done < to - from) {
          const { bytesRead } = await file.read(bytes, from - start + done, to - from - done, at + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
      }
    } finally {
      await file.close();
    }
  }
  return { size, bytes, truncated: end < size };
}
