// Seeded fuzz of the zip extractor (issue 8, item 7): generated archives with
// symlink chains, odd names, duplicates, file/folder clashes, bombs, lying
// sizes, truncations and flipped bits. Every case either extracts with every
// path (and every link's resolution) inside the root and the files around the
// root untouched, or is refused with a LambdaError carrying a code: never
// another exception, never a hang. The seed is fixed and printed, so a
// failure replays exactly (LWB_FUZZ_SEED / LWB_FUZZ_CASES override).
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { deflateRawSync, constants as zc } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { extractZip } from '../../main/engine/control/code-store.js';
import { LambdaError } from '../../main/engine/errors.js';
import { rawZip, type RawEntry } from '../helpers/zip.js';
import { rng } from '../helpers/rng.js';

const SEED = Number(process.env.LWB_FUZZ_SEED ?? 1234);
const CASES = Number(process.env.LWB_FUZZ_CASES ?? 10_000);
/** Small caps, so bombs hit them fast; the logic is the same as Lambda's 250 MB. */
const LIMITS = { maxBytes: 256 * 1024, maxEntries: 48 };
const HANG_MS = 10_000;

/** Seedable case picking (the shared mulberry32). */
function prng(seed: number) {
  const next = rng(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const PARTS = ['a', 'b', 'c', 'd', 'x', 'u', 'v', 'lib', 'node_modules', 'ü', '日本', 'space d', 'a\\b', '.', '', 'E', '-', '..', '...', 'CON'] as const;
const RARE = ['/abs', 'C:', 'nul\0byte', 'x'.repeat(300), '\\\\server', 'é'.repeat(130)] as const;
const TARGETS = ['..', '.', '../..', 'a', 'a/..', 'u/..', 'b/../..', '/etc/passwd', '/', '', 'x/y/../../..', 'lib', './a', 'a/b/c', '../a', 'v/..', 'd'] as const;

/** 1 MB of zeros as raw deflate, built from sync-flushed 64 KB blocks: ~1 KB on the wire. */
const ZEROS_MB = (() => {
  const block = deflateRawSync(Buffer.alloc(64 * 1024), { finishFlush: zc.Z_SYNC_FLUSH });
  return Buffer.concat([...Array.from({ length: 16 }, () => block), deflateRawSync(Buffer.alloc(0))]);
})();

function name(r: Rng): string {
  if (r.chance(0.02)) return r.pick(RARE) + (r.chance(0.5) ? '/f' : '');
  const depth = 1 + r.int(r.chance(0.1) ? 12 : 3);
  const parts: string[] = Array.from({ length: depth }, () => (r.chance(0.97) ? r.pick(PARTS.slice(0, 12)) : r.pick(PARTS)));
  // Mostly a leaf name no folder uses, so not every case is a file/folder clash.
  if (r.chance(0.6)) parts.push(r.pick(['index.js', 'f.txt', 'g', 'h.py', 'bootstrap']));
  let n = parts.join(r.chance(0.05) ? '\\' : '/');
  if (r.chance(0.05)) n = './' + n;
  if (r.chance(0.03)) n = n + '//' + r.pick(PARTS);
  return n;
}

function target(r: Rng): string {
  if (r.chance(0.5)) return r.pick(['a', 'lib', './a', 'a/b/c', 'd', '.', 'lib/../a', 'b/c/..']);
  if (r.chance(0.6)) return r.pick(TARGETS);
  return Array.from({ length: 1 + r.int(5) }, () => r.pick(['..', '.', 'a', 'b', 'u', 'v', 'x', 'lib'])).join('/');
}

function entry(r: Rng, names: string[], parents: string[]): RawEntry {
  // Reuse an earlier name now and then: duplicates, file/folder/link clashes; and write under earlier links and folders.
  const base = names.length > 0 && r.chance(0.12) ? r.pick(names) : name(r);
  const under = parents.length > 0 && r.chance(0.25) ? `${r.pick(parents)}/${r.pick([...PARTS.slice(0, 8), 'ESCAPED.txt'])}` : base;
  names.push(under);
  const kind = r.int(10);
  if (kind < 2) {
    parents.push(under);
    return { name: under, data: Buffer.from(target(r)), mode: 0o120777, method: r.chance(0.5) ? 0 : 8 };
  }
  if (kind < 4) {
    parents.push(under);
    return { name: under + '/', mode: r.pick([0o40755, 0o40700, 0o40000, 0, 0o41777]) };
  }
  const data = Buffer.from('x'.repeat(r.int(200)));
  const e: RawEntry = { name: under, data, mode: r.pick([0o100644, 0o100600, 0o100755, 0o104755, 0, 0o10644, 0o140644]), method: r.chance(0.3) ? 0 : 8 };
  if (r.chance(0.03)) e.name = Buffer.from([0x61, 0x80 + r.int(128), 0x2f, 0x62]); // not UTF-8: read as CP437
  return e;
}

function bomb(r: Rng): RawEntry {
  const mb = 1 + r.int(3);
  const compressed = Buffer.concat([...Array.from({ length: mb }, () => ZEROS_MB.subarray(0, ZEROS_MB.length - 2)), deflateRawSync(Buffer.alloc(0))]);
  const real = mb * 1024 * 1024;
  const declaredSize = r.pick([real, 100, real - 1, real + 1, 0, LIMITS.maxBytes - 1]);
  return { name: `bomb${r.int(5)}`, compressed, declaredSize, crc: 0, mode: 0o100644 };
}

function generate(r: Rng): Buffer {
  const names: string[] = [];
  const parents: string[] = [];
  const entries: RawEntry[] = [];
  const count = r.chance(0.02) ? 60 : 1 + r.int(7);
  for (let i = 0; i < count; i++) entries.push(r.chance(0.025) ? bomb(r) : entry(r, names, parents));
  let zip = rawZip(entries);
  const damage = r.int(12);
  if (damage === 0) zip = zip.subarray(0, r.int(zip.length)); // truncated
  else if (damage === 1) {
    zip = Buffer.from(zip);
    for (let i = 1 + r.int(8); i > 0; i--) {
      const at = r.int(zip.length);
      zip[at] = zip[at]! ^ (1 << r.int(8)); // a flipped bit
    }
  }
  return zip;
}

/** Every path under root, lstat only; each must be inside, and each link must resolve inside or nowhere. */
function checkTree(root: string): string | undefined {
  const realRoot = realpathSync.native(root);
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      const rel = relative(root, p);
      if (rel === '..' || rel.startsWith('..' + sep) || rel.includes('\0')) return `path ${p} outside the root`;
      const st = lstatSync(p);
      if (st.isDirectory()) stack.push(p);
      else if (st.isSymbolicLink()) {
        let real: string | undefined;
        try {
          real = realpathSync.native(p);
        } catch {
          /* dangling or a loop: goes nowhere */
        }
        if (real && real !== realRoot && !real.startsWith(realRoot + sep)) return `link ${rel} resolves to ${real}, outside the root`;
      } else if (!st.isFile()) return `${rel} is neither file, folder nor link`;
      if (st.mode & 0o7000) return `${rel} has setuid/setgid/sticky bits`;
    }
  }
  return undefined;
}

// tmpfs when there is one: the fuzz is mostly mkdir, write and rm, several times faster there than on a loaded disk.
const work = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'lwb-zipfuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('zip extractor fuzz', () => {
  it(`${CASES} seeded cases: extracted inside the root or refused with a code`, async () => {
    const r = prng(SEED);
    const started = Date.now();
    const cpu = process.cpuUsage();
    let extracted = 0;
    let refused = 0;
    const crashes: string[] = [];
    // The sentinel sits beside every case's root: any write above the root would land next to (or on) it.
    const caseDir = join(work, 'case');
    mkdirSync(caseDir);
    writeFileSync(join(caseDir, 'sentinel.txt'), 'keep');
    const root = join(caseDir, 'root');
    for (let i = 0; i < CASES; i++) {
      const zip = generate(r);
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('hang')), HANG_MS)));
      try {
        // One case in five streams every entry (the path big files take), the rest inflate small entries at once.
        const limits = i % 5 === 0 ? { ...LIMITS, inMemoryBytes: 0 } : LIMITS;
        await Promise.race([extractZip(zip, root, limits), hang]);
        extracted++;
        const bad = checkTree(root);
        if (bad) crashes.push(`case ${i}: ${bad}`);
      } catch (err) {
        if (err instanceof LambdaError && typeof err.code === 'string' && err.status >= 400 && err.status < 500) refused++;
        else crashes.push(`case ${i}: ${(err as Error)?.stack ?? String(err)}`);
      } finally {
        clearTimeout(timer);
      }
      const around = readdirSync(caseDir).sort().join(',');
      if (around !== 'root,sentinel.txt' && around !== 'sentinel.txt') crashes.push(`case ${i}: written beside the root: ${around}`);
      if (readFileSync(join(caseDir, 'sentinel.txt'), 'utf8') !== 'keep') crashes.push(`case ${i}: sentinel changed`);
      if (readdirSync(work).join(',') !== 'case') crashes.push(`case ${i}: written above the root: ${readdirSync(work).join(',')}`);
      rmSync(root, { recursive: true, force: true });
      if (crashes.length > 20) break;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const used = process.cpuUsage(cpu);
    const cpuSeconds = ((used.user + used.system) / 1e6).toFixed(1);
    console.log(`zip fuzz: ${CASES} cases (seed ${SEED}): ${extracted} extracted, ${refused} refused, ${crashes.length} crashes (${seconds} s, ${cpuSeconds} s CPU)`);
    expect(crashes).toEqual([]);
    expect(extracted + refused).toBe(CASES);
    // The generator must keep reaching both outcomes, or the fuzz proves little.
    expect(extracted).toBeGreaterThan(CASES / 5);
    expect(refused).toBeGreaterThan(CASES / 5);
  }, 120_000);
});
