// One workbench per data directory. A second one on the same directory would
// share the first's workbench id, so its start-up would remove the first's
// containers as orphans and reclaim its live async deliveries. The lock is a
// file created exclusively, holding the owner's pid and host; a lock whose
// process is gone (kill -9, a crash) is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../process-alive.js';

interface Owner {
  pid: number;
  host: string;
  since: string;
}

export class DataDirInUse extends Error {
  constructor(
    readonly lockFile: string,
    readonly owner: Owner,
  ) {
    super(
      `${join(lockFile, '..')} is in use by another workbench (pid ${owner.pid} on ${owner.host}, since ${owner.since}). ` +
        `Stop it, or give this one another --data-dir. If no workbench runs there, remove ${lockFile}.`,
    );
  }
}

export class DataDirLock {
  private constructor(private readonly file: string) {}

  static acquire(dataDir: string): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'workbench.lock');
    // Two tries: the second after removing a stale lock. Not guarded: two
    // workbenches started in the same instant over one stale lock, where the
    // slower may remove the lock the faster has just taken.
    for (let attempt = 0; ; attempt++) {
      try {
        const fd = openSync(file, 'wx', 0o644);
        try {
          writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies Owner));
        } finally {
          closeSync(fd);
        }
        return new DataDirLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      }
      const owner = readOwner(file);
      // Unreadable: the owner is between creating and writing it (or it is damaged); not ours to take.
      if (!owner) throw new DataDirInUse(file, { pid: 0, host: 'unknown', since: 'unknown' });
      if (owner.host !== hostname() || processAlive(owner.pid)) throw new DataDirInUse(file, owner);
      rmSync(file, { force: true });
    }
  }

  /** Removes the lock if it is still ours. */
  release(): void {
    const owner = readOwner(this.file);
    if (owner?.pid === process.pid && owner.host === hostname()) rmSync(this.file, { force: true });
  }
}

function readOwner(file: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as Partial<Owner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string') return { pid: o.pid, host: o.host, since: String(o.since ?? '') };
  } catch {
    /* missing or unreadable */
  }
  return undefined;
}
