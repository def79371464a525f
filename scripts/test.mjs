// `npm test`: set the machine up (for tests, setup also builds the window when stale), type-check, then run every test (unit and
// integration against real Docker, real AWS clients) and end with one plain
// summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setup } from './setup.mjs';

const ROOT = join(import.meta.dirname, '..');
await setup({ forTests: true });

const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
const step = (what, cmd, args) => {
  process.stderr.write(`\n[test] ${what}\n`);
  return spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } }).status ?? 1;
};

if (step('type-check (tsc --noEmit)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']) !== 0) process.exit(1);
// The Electron shell type-checks against Electron's own types, present only when its package installed.
if (existsSync(join(ROOT, 'node_modules', 'electron', 'electron.d.ts'))) {
  if (step('type-check the Electron shell', bin('tsc'), ['-p', 'tsconfig.electron.json', '--noEmit']) !== 0) process.exit(1);
}
// The window type-checks against the DOM alone (no Node types): a Node import there fails here.
if (step('type-check the window (renderer/tsconfig.json)', bin('tsc'), ['-p', 'renderer/tsconfig.json', '--noEmit']) !== 0) process.exit(1);

mkdirSync(join(ROOT, '.lwb'), { recursive: true });
const results = join(ROOT, '.lwb', 'test-results.json');
// The escape suite (test/escape) rebuilds its report from per-file records: start from none.
const escapeReport = join(ROOT, '.lwb', 'escape-report.md');
for (const stale of [join(ROOT, '.lwb', 'escape'), escapeReport, join(ROOT, '.lwb', 'escape-report.json')]) rmSync(stale, { recursive: true, force: true });
const code = step('vitest', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...process.argv.slice(2)]);

// The escape suite's report goes into the log first (CI shows each attack and what was observed); the
// summary and the names of failed tests come last, so the tail of a CI log always says what failed.
if (existsSync(escapeReport)) process.stdout.write(`\n${readFileSync(escapeReport, 'utf8')}\n`);
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  const failed = [];
  for (const file of r.testResults ?? []) {
    const rel = String(file.name ?? '').replace(ROOT + '/', '');
    const tests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of tests) failed.push(`FAILED ${rel} > ${t.fullName ?? t.title}\n    ${String((t.failureMessages ?? [])[0] ?? '').split('\n').slice(0, 3).join('\n    ')}`);
    // A file that failed outside any test (an import error, a hook) has no failed assertion to name.
    if (file.status === 'failed' && tests.length === 0) failed.push(`FAILED ${rel} (outside a test)\n    ${String(file.message ?? '').split('\n').slice(0, 3).join('\n    ')}`);
  }
  if (failed.length) process.stdout.write(`\n${failed.join('\n')}\n`);
  process.stdout.write(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
}
process.exit(code);
