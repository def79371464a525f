// The escape suite's report: every attack records what was expected, what was
// observed and whether the sandbox held. Each test file writes its records to
// .lwb/escape/<file>.json; the markdown report .lwb/escape-report.md is rebuilt
// from all of them, so running one file alone still leaves a whole report and
// `npm test` (scripts/test.mjs) prints it into the CI log.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { REPO } from '../../helpers/server.js';

export interface EscapeRecord {
  section: string;
  attack: string;
  expected: string;
  observed: string;
  pass: boolean;
  ms: number;
}

interface FileRecords {
  file: string;
  ranAt: string;
  records: EscapeRecord[];
}

const OUT = join(REPO, '.lwb');
const PER_FILE = join(OUT, 'escape');

export function writeFileRecords(testFile: string, records: EscapeRecord[]): void {
  mkdirSync(PER_FILE, { recursive: true });
  const file = basename(testFile);
  const body: FileRecords = { file, ranAt: new Date().toISOString(), records };
  writeFileSync(join(PER_FILE, `${file}.json`), JSON.stringify(body, null, 2));
  rebuildReport();
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function rebuildReport(): void {
  const files: FileRecords[] = readdirSync(PER_FILE)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(PER_FILE, f), 'utf8')) as FileRecords);
  const all = files.flatMap((f) => f.records);
  const held = all.filter((r) => r.pass).length;
  const lines = [
    '# Escape suite report',
    '',
    `${held} of ${all.length} attacks contained, ${all.length - held} not.`,
    '',
  ];
  for (const f of files) {
    lines.push(`Records of ${f.file}, run ${f.ranAt}:`, '');
    const sections = [...new Set(f.records.map((r) => r.section))];
    for (const section of sections) {
      lines.push(`## ${section || f.file}`, '', '| result | attack | expected | observed |', '|---|---|---|---|');
      for (const r of f.records.filter((x) => x.section === section)) {
        lines.push(`| ${r.pass ? 'PASS' : '**FAIL**'} | ${cell(r.attack)} | ${cell(r.expected)} | ${cell(r.observed)} |`);
      }
      lines.push('');
    }
  }
  writeFileSync(join(OUT, 'escape-report.md'), lines.join('\n'));
  writeFileSync(join(OUT, 'escape-report.json'), JSON.stringify(files, null, 2));
}
