// Escape suite (issue 8 item 6), the resource bombs: a workbench of their own,
// so a bomb that wedged it could not take the other attacks' results with it.
import { escapeSuite } from './helpers/harness.js';
import { resourceAttacks } from './attacks/resources.js';

resourceAttacks(escapeSuite(import.meta.filename));
