import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { materialize, materializeAsync, planHash, planRootfs, planRootfsAsync, sharedLibraries, sharedLibrariesAsync } from '../../main/engine/images/rootfs.js';
import { listRuntimes } from '../../main/engine/runtimes.js';
import { closeHostCommands } from '../../main/engine/sandbox/host-commands.js';

/** What ldd says of one file, asked alone (how the libraries were found before one ldd served many). */
function lddAlone(file: string): string[] {
  let out: string;
  try {
    out = execFileSync('ldd', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return [];
  }
  return out.split('\n').flatMap((l) => {
    const m = l.match(/=>\s+(\/\S+)/) ?? l.trim().match(/^(\/\S+)\s+\(/);
    return m ? [m[1]!] : [];
  });
}

/** Every path under `dir` with its type, mode, size and link target (mtimes of copied files too). */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      const old = st.isFile() && st.mtimeMs < Date.now() - 600_000;
      out[relative(dir, p)] = `${st.mode.toString(8)} ${st.isDirectory() ? 0 : st.size} ${st.isSymbolicLink() ? readlinkSync(p) : ''} ${old ? st.mtimeMs : ''}`;
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

describe('root filesystem without blocking the event loop', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'lwb-rootfs-'));
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await closeHostCommands();
  });

  it('one ldd for many files finds what ldd finds for each alone (scripts, static binaries and a lone file included)', async () => {
    const script = join(scratch, 'script.sh');
    writeFileSync(script, '#!/bin/sh\necho hi\n', { mode: 0o755 });
    const files = ['/usr/bin/bash', '/usr/bin/cat', script, '/usr/bin/curl', '/usr/bin/bash'].filter((f) => {
      try {
        return lstatSync(f).isFile();
      } catch {
        return false;
      }
    });
    const alone = new Map(files.map((f) => [f, lddAlone(f)]));
    expect(alone.get('/usr/bin/bash')!.length).toBeGreaterThan(1);
    expect(alone.get(script)).toEqual([]);
    expect(sharedLibraries(files)).toEqual(alone);
    expect(await sharedLibrariesAsync(files)).toEqual(alone);
    expect(await sharedLibrariesAsync(['/usr/bin/cat'])).toEqual(new Map([['/usr/bin/cat', lddAlone('/usr/bin/cat')]]));
  });

  it('plans and writes the same root filesystem as the blocking versions', async () => {
    const runtime = listRuntimes().find((r) => r.family === 'nodejs')!;
    const sync = planRootfs(runtime, process.execPath);
    const async = await planRootfsAsync(runtime, process.execPath);
    expect(async.entries).toEqual(sync.entries);
    expect(planHash(async, [])).toBe(planHash(sync, []));
    const init = join(scratch, 'init');
    writeFileSync(init, 'init');
    const [a, b] = [join(scratch, 'a'), join(scratch, 'b')];
    for (const d of [a, b]) execFileSync('mkdir', [d]);
    materialize(sync, a, init);
    await materializeAsync(async, b, init);
    const ta = tree(a);
    expect(Object.keys(ta).length).toBeGreaterThan(50);
    expect(tree(b)).toEqual(ta);
  });
});
