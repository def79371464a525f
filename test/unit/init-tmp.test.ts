// The init's /tmp walk (runtimes/init/tmp.c) on the host, through its harness
// (runtimes/init/fuzz/tmp_walk.c) built with ASan/UBSan: the TMP encoding of files, folders,
// links (targets as text, never entered), FIFOs and odd names; the bounds (2,000 entries, 32
// levels); no frame for an unchanged listing; and a walk raced by a process that swaps folders
// for links to an outside folder, where no frame may name what only a link leads to.
import { execFile } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/server.js';

const run = promisify(execFile);
const INIT = join(REPO, 'runtimes', 'init');
const work = mkdtempSync(join(tmpdir(), 'lwb-init-tmp-'));
const bin = join(work, 'tmp-walk');
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
  const sources = ['fuzz/tmp_walk.c', 'tmp.c', 'util.c'].map((f) => join(INIT, f));
  const { stderr } = await run('gcc', ['-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-g', '-O1', '-Wall', '-Wextra', '-I', INIT, '-o', bin, ...sources]);
  expect(stderr).toBe('');
}, 120_000);

const SAN = { ASAN_OPTIONS: 'halt_on_error=1:detect_leaks=1', UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1' };

interface Listed {
  head: { used: number; size: number; truncated: boolean };
  entries: { type: string; size: number; path: Buffer; target: Buffer }[];
  frames: number;
}

/** Lists `dir` twice (the second time unchanged) through the harness. */
async function listOnce(dir: string): Promise<Listed> {
  const { stdout, stderr } = await run(bin, ['once'], { env: { ...process.env, ...SAN, LWB_TMP_DIR: dir }, maxBuffer: 64 * 1024 * 1024 });
  expect(stderr).toBe('');
  const hex = (h: string) => (h === '-' ? Buffer.alloc(0) : Buffer.from(h, 'hex'));
  const out: Listed = { head: { used: 0, size: 0, truncated: false }, entries: [], frames: -1 };
  for (const line of stdout.trim().split('\n')) {
    const f = line.split(' ');
    if (f[0] === 'head') out.head = { used: Number(f[1]), size: Number(f[2]), truncated: f[3] === '1' };
    else if (f[0] === 'frames') out.frames = Number(f[1]);
    else if (f[0] !== 'entries') out.entries.push({ type: f[0]!, size: Number(f[1]), path: hex(f[2]!), target: hex(f[3]!) });
  }
  return out;
}

const paths = (l: Listed) => l.entries.map((e) => e.path.toString('latin1')).sort();

describe('the init lists /tmp (TMP)', () => {
  it('encodes files, folders, links (their targets as text, never entered), FIFOs and any name; an unchanged listing is not sent again', async () => {
    const dir = join(work, 'mixed');
    const outside = join(work, 'outside');
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'OUTSIDE-SECRET'), 'x');
    writeFileSync(join(dir, 'seen.txt'), 'hello');
    writeFileSync(join(dir, 'sub', 'deeper', 'f'), '12345678');
    symlinkSync('/etc/shadow', join(dir, 'y'));
    symlinkSync(outside, join(dir, 'sub', 'out'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    writeFileSync(join(dir, 'new\nline'), '');
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/bad`), Buffer.from([0xff, 0xfe])]), '');
    // The second, unchanged listing is not sent. The folder lies on the host's shared /tmp, whose
    // used-bytes figure (part of the listing) other processes move: a few tries find a quiet moment.
    let l = await listOnce(dir);
    for (let i = 0; i < 10 && l.frames !== 1; i++) l = await listOnce(dir);
    expect(l.frames).toBe(1);
    expect(l.head.truncated).toBe(false);
    expect(l.head.size).toBeGreaterThan(0);
    expect(paths(l)).toEqual(['bad\xff\xfe', 'fifo', 'new\nline', 'seen.txt', 'sub', 'sub/deeper', 'sub/deeper/f', 'sub/out', 'y'].sort());
    const by = new Map(l.entries.map((e) => [e.path.toString('latin1'), e]));
    expect(by.get('seen.txt')).toMatchObject({ type: 'f', size: 5 });
    expect(by.get('sub/deeper/f')).toMatchObject({ type: 'f', size: 8 });
    expect(by.get('sub')).toMatchObject({ type: 'd' });
    expect(by.get('fifo')).toMatchObject({ type: 'o' });
    expect(by.get('y')!.target.toString()).toBe('/etc/shadow');
    expect(by.get('sub/out')!.target.toString()).toBe(outside);
    for (const e of l.entries) if (e.type !== 'l') expect(e.target.length).toBe(0);
  });

  it('stops at 2,000 entries and 32 levels, saying truncated; an empty folder at the depth limit is not a cut', async () => {
    const many = join(work, 'many');
    mkdirSync(many);
    for (let i = 0; i < 2500; i++) writeFileSync(join(many, `f${i}`), '');
    const cut = await listOnce(many);
    expect(cut.entries).toHaveLength(2000);
    expect(cut.head.truncated).toBe(true);

    const deep = join(work, 'deep');
    const levels = (n: number) => join(deep, ...Array.from({ length: n }, () => 'a'));
    mkdirSync(levels(32), { recursive: true });
    const exact = await listOnce(deep);
    expect(exact.entries).toHaveLength(32);
    expect(exact.head.truncated).toBe(false);
    writeFileSync(join(levels(32), 'past-the-limit'), '');
    const past = await listOnce(deep);
    expect(past.entries).toHaveLength(32);
    expect(past.head.truncated).toBe(true);
  });

  it('a walk raced by folders swapped for links to an outside folder lists nothing behind a link (ASan/UBSan)', async () => {
    const dir = join(work, 'raced');
    const outside = join(work, 'raced-outside');
    mkdirSync(dir);
    mkdirSync(outside);
    writeFileSync(join(outside, 'OUTSIDE-SECRET'), 'x');
    const { stdout, stderr } = await run(bin, ['race', outside, '1500', '20240808'], { env: { ...process.env, ...SAN, LWB_TMP_DIR: dir }, timeout: 240_000 });
    console.log(stdout.trim());
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^tmp race: ok \(1500 walks, (\d+) frames/);
    expect(Number(stdout.match(/(\d+) frames/)![1])).toBeGreaterThan(50);
  }, 300_000);

  it('costs microseconds when /tmp is empty (bench, printed for the record)', async () => {
    const empty = join(work, 'empty');
    const hundred = join(work, 'hundred');
    mkdirSync(empty);
    mkdirSync(hundred);
    for (let i = 0; i < 100; i++) writeFileSync(join(hundred, `file-${i}.txt`), String(i));
    // The ASan build is slower than the init's -O2 one; this bounds only gross regressions.
    for (const d of [empty, hundred]) {
      const { stdout } = await run(bin, ['bench', '500'], { env: { ...process.env, ...SAN, LWB_TMP_DIR: d } });
      console.log(`${d === empty ? 'empty' : '100 files'}: ${stdout.trim()}`);
      const median = Number(stdout.match(/median (\d+)/)![1]);
      expect(median).toBeLessThan(d === empty ? 1_000_000 : 20_000_000);
    }
  });
});
