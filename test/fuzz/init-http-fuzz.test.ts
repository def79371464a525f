// Fuzzes the init's Runtime API server (runtimes/init/http.c), whose client is the function's
// own code: the seeded C harness in runtimes/init/fuzz/ is built with ASan and UBSan and fed
// random and mutated requests split at random byte boundaries. Any sanitizer report, crash, hang
// or wrongly parsed clean request fails the run. LWB_FUZZ_SEED picks another seed.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/server.js';

const run = promisify(execFile);
const INIT = join(REPO, 'runtimes', 'init');
const CASES = 10_000;
const SEED = Number(process.env.LWB_FUZZ_SEED ?? 20240808);
const work = mkdtempSync(join(tmpdir(), 'lwb-init-fuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const initSources = () => readdirSync(INIT).filter((f) => f.endsWith('.c')).map((f) => join(INIT, f));

describe('init Runtime API parser', () => {
  it('builds warning-free as the images build it (gcc -static -O2 -Wall -Wextra)', async () => {
    const { stderr } = await run('gcc', ['-static', '-O2', '-Wall', '-Wextra', '-o', join(work, 'init'), ...initSources()]);
    expect(stderr).toBe('');
  });

  it(`survives ${CASES} fuzzed requests under ASan/UBSan`, async () => {
    const bin = join(work, 'http-fuzz');
    const sources = ['fuzz/http_fuzz.c', 'http.c', 'outq.c', 'util.c'].map((f) => join(INIT, f));
    await run('gcc', ['-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-g', '-O1', '-Wall', '-Wextra', '-I', INIT, '-o', bin, ...sources]);
    let out = '';
    let err = '';
    try {
      ({ stdout: out, stderr: err } = await run(bin, [String(CASES), String(SEED)], {
        timeout: 240_000,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, ASAN_OPTIONS: 'halt_on_error=1:detect_leaks=1', UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1' },
      }));
    } catch (e) {
      const x = e as { stdout?: string; stderr?: string; signal?: string; code?: number };
      throw new Error(`http fuzz failed (code ${x.code}, signal ${x.signal}; seed ${SEED}):\n${x.stdout ?? ''}${x.stderr ?? ''}`);
    }
    console.log(out.trim());
    expect(err).not.toMatch(/AddressSanitizer|LeakSanitizer|runtime error|UndefinedBehavior/);
    expect(err).toBe('');
    expect(out).toMatch(new RegExp(`^init http fuzz: ${CASES} cases \\(seed ${SEED}\\): ok`));
  }, 300_000);
});
