import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDisk, releaseScratchDisk, scratchDisksUnavailable, type ScratchDisk } from '../../main/engine/sandbox/scratch-disk.js';
import { closeHostCommands } from '../../main/engine/sandbox/host-commands.js';

const sbin = (t: string) => [`/usr/sbin/${t}`, `/sbin/${t}`].find((p) => existsSync(p))!;
const owner = { uid: 993, gid: 990 };

describe.skipIf(scratchDisksUnavailable())('scratch disks', () => {
  const root = mkdtempSync(join(tmpdir(), 'lwb-disks-'));
  const disks: ScratchDisk[] = [];
  afterAll(async () => {
    for (const d of disks) await releaseScratchDisk(d);
    rmSync(root, { recursive: true, force: true });
    await closeHostCommands();
  });

  const make = async (name: string, sizeMb: number) => {
    const dir = join(root, name);
    mkdirSync(dir);
    const disk = await createScratchDisk(dir, sizeMb, owner, `unit-${process.pid}-${name}`);
    disks.push(disk);
    return { disk, image: join(dir, 'tmp.img') };
  };
  /** `tune2fs -l` as a record: the filesystem's UUID, its counts, its state. */
  const superblock = (device: string) =>
    Object.fromEntries(
      execFileSync(sbin('tune2fs'), ['-l', device], { encoding: 'utf8' })
        .split('\n')
        .map((l) => l.split(/:\s+/, 2))
        .filter((kv) => kv.length === 2),
    ) as Record<string, string>;

  it("every disk of a size is /tmp as Lambda has it: empty, 1777, the sandbox user's, its size, sound — the second one copied from the first's blocks", async () => {
    const first = await make('a', 64);
    const second = await make('b', 64);
    const other = await make('c', 96);
    for (const { disk, image } of [first, second, other]) {
      expect(statSync(image).blocks * 512).toBeLessThan(2 * 1024 * 1024); // sparse
      expect(execFileSync(sbin('losetup'), ['--noheadings', '--output', 'BACK-FILE', disk.device], { encoding: 'utf8' }).trim()).toBe(image);
      execFileSync(sbin('e2fsck'), ['-f', '-n', disk.device], { stdio: 'pipe' }); // throws unless clean
      const root = execFileSync(sbin('debugfs'), ['-R', 'stat /', disk.device], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(root).toMatch(/Mode:\s+01777/);
      expect(root).toMatch(/User:\s+993\s+Group:\s+990/);
      const listing = execFileSync(sbin('debugfs'), ['-R', 'ls /', disk.device], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(listing).not.toContain('lost+found');
    }
    const [a, b, c] = [first, second, other].map((d) => superblock(d.disk.device));
    expect(Number(a!['Block count']) * Number(a!['Block size'])).toBe(64 * 1024 * 1024);
    expect(Number(c!['Block count']) * Number(c!['Block size'])).toBe(96 * 1024 * 1024);
    // Same bytes: the second disk is the first's template, not a second mkfs (which picks a new UUID).
    expect(b!['Filesystem UUID']).toBe(a!['Filesystem UUID']);
    expect(c!['Filesystem UUID']).not.toBe(a!['Filesystem UUID']);
    expect(execFileSync('cmp', ['-s', first.image, second.image], { stdio: 'pipe' }).length).toBe(0);
  });

  it('releasing detaches the loop device and removes the alias', async () => {
    const { disk } = await make('d', 64);
    disks.pop();
    await releaseScratchDisk(disk);
    expect(existsSync(disk.alias)).toBe(false);
    expect(execFileSync(sbin('losetup'), ['--list', '--noheadings', '--output', 'NAME'], { encoding: 'utf8' })).not.toContain(`${disk.device}\n`);
  });
});
