// Escape suite (issue 8 item 6), the attacks that leave the env usable: one
// workbench for all of them (starting one costs seconds on 2 cores). Each
// attack is a hostile function from test/escape/functions asserting the
// precise failure and that the healthy witness env is unharmed; the report is
// .lwb/escape-report.md.
import { escapeSuite } from './helpers/harness.js';
import { isolationAttacks } from './attacks/isolation.js';
import { networkAttacks } from './attacks/network.js';
import { syscallAttacks } from './attacks/syscalls.js';

const suite = escapeSuite(import.meta.filename);
isolationAttacks(suite);
networkAttacks(suite);
syscallAttacks(suite);
