// `npm run bench`: set the machine up, then run the benchmarks.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { setup } from './setup.mjs';

const ROOT = join(import.meta.dirname, '..');
await setup();
const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/run.ts')], { cwd: ROOT, stdio: 'inherit' });
process.exit(r.status ?? 1);
