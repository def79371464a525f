// /tmp as on Lambda: a disk of EphemeralStorage size, not memory. A tmpfs
// /tmp is charged to the env's memory cgroup, so a 128 MB function writing a
// 300 MB file there is OOM-killed here while it works on Lambda. Where the
// workbench may attach loop devices (root on Linux), each sandbox gets a
// sparse ext4 image of its ephemeral size: writes fill a real disk, its page
// cache is reclaimable, and a full /tmp answers ENOSPC as Lambda's does.
//
// Docker mounts the device through an anonymous `local` volume, so the mount
// lives and dies with the container. The loop device is detached right after
// the container starts: the kernel defers that until the filesystem is
// unmounted, so removing the container (by us or by the orphan reaper) frees
// everything.
//
// The env sees the mount's source in /proc/self/mountinfo, and `/dev/loop7`
// would tell it that it runs in a container on someone's machine. Docker's
// local driver hands the device string to mount(2) as it is, and the kernel
// shows that string: the mount goes through a symlink with a neutral name
// (/dev/lwb/<sandbox>), removed right after the container starts.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, promises as fsp, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MountSettings } from 'dockerode';
import { hostCommand, hostTool as tool } from './host-commands.js';

// Through the helper: a spawn from this process stalls its event loop (host-commands.ts).
const run = (file: string, args: string[]) => hostCommand(file, args);

export interface ScratchDisk {
  /** The loop device (`/dev/loopN`) holding the image. */
  device: string;
  /** The name the env sees as /tmp's source: a symlink to `device`, needed only until the mount. */
  alias: string;
  /** What Docker mounts at /tmp: an anonymous volume, removed with the container. */
  mount: MountSettings;
}

/** e2fsprogs' and util-linux's tools (hostTool: PATH, then /usr/sbin, /sbin, /usr/bin, /bin). */
const MKFS = tool('mkfs.ext4');
const DEBUGFS = tool('debugfs');
const LOSETUP = tool('losetup');
/** For the template (optional: without them every disk is formatted). */
const FILEFRAG = tool('filefrag');
const E2FSCK = tool('e2fsck');
/** Where the aliases live: /dev, because a device is what the env expects to see there. */
const ALIAS_DIR = '/dev/lwb';

/** Why loop-backed /tmp is unavailable here, or undefined when it is. */
export function scratchDisksUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'loop devices are a Linux feature';
  if (process.getuid?.() !== 0) return 'attaching loop devices needs root';
  if (!existsSync('/dev/loop-control')) return 'the kernel offers no loop devices (/dev/loop-control)';
  const missing = [MKFS, DEBUGFS, LOSETUP].filter((t) => !existsSync(t));
  if (missing.length > 0) return `missing ${missing.join(', ')} (Debian packages e2fsprogs and mount)`;
  return undefined;
}

type Owner = { uid: number; gid: number };

/** Makes `image` (sparse, `sizeMb`) an ext4 filesystem with /tmp's owner and mode and no lost+found. */
async function formatImage(image: string, sizeMb: number, owner: Owner): Promise<void> {
  const fd = openSync(image, 'w', 0o600);
  try {
    ftruncateSync(fd, sizeMb * 1024 * 1024);
  } finally {
    closeSync(fd);
  }
  // No journal: this is scratch space that dies with its env.
  await run(MKFS, ['-q', '-F', '-m', '0', '-O', '^has_journal', '-E', `root_owner=${owner.uid}:${owner.gid}`, image]);
  // A fresh /tmp on Lambda is empty and world-writable with the sticky bit (one debugfs run for both).
  const commands = `${image}.debugfs`;
  writeFileSync(commands, 'rmdir lost+found\nset_inode_field / mode 041777\n');
  try {
    await run(DEBUGFS, ['-w', '-f', commands, image]);
  } finally {
    rmSync(commands, { force: true });
  }
}

/**
 * A formatted image's written blocks: the rest of it is holes, which read as zeros. Every env's
 * /tmp of one size starts as the same bytes, so the first disk of a size is formatted (mkfs,
 * debugfs) and the others are written from these blocks: one process a disk (losetup), not three,
 * ~120 ms a disk rather than ~300 on a busy machine. 0.3 MB for 512 MB, 4 MB for 10 GB.
 */
interface Template {
  blocks: { offset: number; data: Buffer }[];
}

/** Per size and owner; null where a template could not be made (the disks are formatted one by one). */
const templates = new Map<string, Promise<Template | null>>();

function templateFor(dir: string, sizeMb: number, owner: Owner): Promise<Template | null> {
  const key = `${sizeMb}:${owner.uid}:${owner.gid}`;
  let t = templates.get(key);
  if (!t) {
    t = makeTemplate(dir, sizeMb, owner).catch(() => null);
    templates.set(key, t);
  }
  return t;
}

/**
 * Formats an image in `dir`, reads its written extents (filefrag -s: synced first, so none is
 * pending), and proves a copy made from them a sound filesystem (e2fsck) before any env gets one.
 */
async function makeTemplate(dir: string, sizeMb: number, owner: Owner): Promise<Template> {
  const image = join(dir, 'template.img');
  const check = join(dir, 'template-check.img');
  try {
    await formatImage(image, sizeMb, owner);
    const { stdout } = await run(FILEFRAG, ['-s', '-v', image]);
    const unit = Number(stdout.match(/blocks of (\d+) bytes/)?.[1]);
    if (!(unit > 0)) throw new Error('filefrag gave no block size');
    const blocks: Template['blocks'] = [];
    const file = await fsp.open(image, 'r');
    try {
      // `  3:     2121..    2125:    8934011..   8934015:      5:    8937545:` (logical, physical, length, …, flags).
      for (const m of stdout.matchAll(/^\s*\d+:\s+(\d+)\.\.\s*(\d+):.*$/gm)) {
        if (/\bunwritten\b/.test(m[0])) continue; // allocated, but reads as zeros
        const offset = Number(m[1]) * unit;
        const data = Buffer.alloc((Number(m[2]) - Number(m[1]) + 1) * unit);
        const { bytesRead } = await file.read(data, 0, data.length, offset);
        blocks.push({ offset, data: data.subarray(0, bytesRead) });
      }
    } finally {
      await file.close();
    }
    const template = { blocks };
    await writeFromTemplate(check, sizeMb, template);
    await run(E2FSCK, ['-f', '-n', check]);
    return template;
  } finally {
    rmSync(image, { force: true });
    rmSync(check, { force: true });
  }
}

/** A sparse `sizeMb` image holding the template's blocks (fs/promises: off this thread). */
async function writeFromTemplate(image: string, sizeMb: number, template: Template): Promise<void> {
  const file = await fsp.open(image, 'w', 0o600);
  try {
    await file.truncate(sizeMb * 1024 * 1024);
    for (const { offset, data } of template.blocks) await file.write(data, 0, data.length, offset);
  } finally {
    await file.close();
  }
}

/**
 * Makes `dir/tmp.img` (sparse, `sizeMb`), an ext4 filesystem with /tmp's
 * owner and mode and no lost+found, and attaches it to a free loop device.
 */
export async function createScratchDisk(dir: string, sizeMb: number, owner: Owner, name: string): Promise<ScratchDisk> {
  const image = join(dir, 'tmp.img');
  const template = await templateFor(dir, sizeMb, owner);
  if (template) await writeFromTemplate(image, sizeMb, template);
  else await formatImage(image, sizeMb, owner);
  const { stdout } = await run(LOSETUP, ['--find', '--show', image]);
  const device = stdout.trim();
  const alias = join(ALIAS_DIR, name);
  try {
    mkdirSync(ALIAS_DIR, { recursive: true, mode: 0o700 });
    rmSync(alias, { force: true });
    symlinkSync(device, alias);
  } catch (err) {
    await run(LOSETUP, ['-d', device]).catch(() => {});
    throw err;
  }
  // noinit_itable: the image is sparse, so its unwritten inode tables already read as zeros; the
  // kernel need not write them (up to 160 MB for 10 GB) in the background.
  return {
    device,
    alias,
    mount: {
      Type: 'volume',
      Source: '',
      Target: '/tmp',
      VolumeOptions: { NoCopy: true, Labels: {}, DriverConfig: { Name: 'local', Options: { type: 'ext4', device: alias, o: 'nosuid,nodev,noinit_itable' } } },
    },
  };
}

/** Detaches the loop device; while its filesystem is mounted the kernel defers this to the unmount. */
export async function releaseScratchDisk(disk: ScratchDisk): Promise<void> {
  rmSync(disk.alias, { force: true });
  await run(LOSETUP, ['-d', disk.device]).catch(() => {});
}

/**
 * At startup, before anything is served (so synchronously): detaches every loop device whose image lies under `dir` (a run folder of this data directory).
 * A workbench killed between attaching a disk and starting its container leaves the device
 * attached (the container's unmount would have freed it); the next start reclaims it. A device
 * still mounted by a live container is detached when that container goes (the kernel defers it).
 */
export function releaseLoopDevicesUnder(dir: string): string[] {
  if (scratchDisksUnavailable()) return [];
  let listing: string;
  try {
    listing = execFileSync(LOSETUP, ['--list', '--noheadings', '--raw', '--output', 'NAME,BACK-FILE'], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const released: string[] = [];
  for (const line of listing.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const device = line.slice(0, space);
    // --raw escapes spaces in the path as \x20; a removed image shows as "<path> (deleted)".
    const file = line.slice(space + 1).replace(/\\x20/g, ' ').replace(/ \(deleted\)$/, '');
    if (!file.startsWith(prefix)) continue;
    try {
      execFileSync(LOSETUP, ['-d', device]);
      released.push(device);
    } catch {
      /* already gone */
    }
  }
  return released;
}
