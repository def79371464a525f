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
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MountSettings } from 'dockerode';
import { hostCommand } from './host-commands.js';

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

/** e2fsprogs' and util-linux's tools, where Debian (merged /usr or not) puts them. */
const tool = (name: string): string => [`/usr/sbin/${name}`, `/sbin/${name}`].find((p) => existsSync(p)) ?? `/usr/sbin/${name}`;
const MKFS = tool('mkfs.ext4');
const DEBUGFS = tool('debugfs');
const LOSETUP = tool('losetup');
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

/**
 * Makes `dir/tmp.img` (sparse, `sizeMb`), formats it as ext4 with /tmp's
 * owner and mode and no lost+found, and attaches it to a free loop device.
 */
export async function createScratchDisk(dir: string, sizeMb: number, owner: { uid: number; gid: number }, name: string): Promise<ScratchDisk> {
  const image = join(dir, 'tmp.img');
  const fd = openSync(image, 'w', 0o600);
  try {
    ftruncateSync(fd, sizeMb * 1024 * 1024);
  } finally {
    closeSync(fd);
  }
  // No journal: this is scratch space that dies with its env.
  await run(MKFS, ['-q', '-F', '-m', '0', '-O', '^has_journal', '-E', `root_owner=${owner.uid}:${owner.gid}`, image]);
  // A fresh /tmp on Lambda is empty and world-writable with the sticky bit (one debugfs run for both).
  const commands = join(dir, 'tmp.debugfs');
  writeFileSync(commands, 'rmdir lost+found\nset_inode_field / mode 041777\n');
  await run(DEBUGFS, ['-w', '-f', commands, image]);
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
