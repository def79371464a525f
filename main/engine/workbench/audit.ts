// The window's control-plane calls go into the same audit trail as the REST
// API's, under the same operation names, with the caller `ui`.
import type { Engine } from '../engine.js';
import { LambdaError } from '../errors.js';
import { WorkbenchError } from './errors.js';

const errorCodeOf = (err: unknown): string => (err instanceof LambdaError || err instanceof WorkbenchError ? err.code : 'ServiceException');

/**
 * Runs `work` and appends it, with its outcome, to the audit trail. `parameters` may be
 * filled in by `work` (a save's zip is known only once it is made).
 */
export async function audited<T>(engine: Engine, operation: string, parameters: Record<string, unknown>, work: () => Promise<T> | T): Promise<T> {
  let errorCode: string | undefined;
  try {
    return await work();
  } catch (err) {
    errorCode = errorCodeOf(err);
    throw err;
  } finally {
    try {
      engine.audit.append({ operation, parameters, caller: { type: 'ui' }, result: errorCode ? 'error' : 'success', errorCode });
    } catch (err) {
      engine.options.progress(`[audit] could not record ${operation}: ${(err as Error).message}`);
    }
  }
}
