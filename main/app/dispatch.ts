// The contract's boundary on the main side: a request from any transport is
// checked here (known method, parameters that match its schema) before a handler
// runs, and whatever the handler throws comes back as {ok: false, error} with a
// searchable code. Transports call only this.
import { isMethod, methodParams, type ContractHandlers, type ContractError, type Result } from '../contract/index.js';

/** Hints for codes a user meets often: what to do next. */
const HINTS: Record<string, string> = {
  ResourceNotFoundException: 'It may have been deleted by another client; the list refreshes on its own.',
  ResourceConflictException: 'Someone else changed it first: reload it and apply your change again.',
  TooManyRequestsException: 'Lower the concurrency or raise the function\'s reserved concurrency.',
  InvalidParameters: 'Correct the highlighted value and try again.',
};

export function contractError(err: unknown): ContractError {
  const e = err as { code?: unknown; name?: unknown; message?: unknown; hint?: unknown };
  const code = typeof e?.code === 'string' && /^[A-Za-z][A-Za-z0-9.]*$/.test(e.code) ? e.code : 'ServiceException';
  const message = typeof e?.message === 'string' && e.message ? e.message : String(err);
  // The thrower's own advice first: it knows the case better than the table.
  const hint = typeof e?.hint === 'string' && e.hint ? e.hint : HINTS[code];
  return hint ? { code, message, hint } : { code, message };
}

export async function dispatch(handlers: ContractHandlers, method: unknown, params: unknown): Promise<Result<unknown>> {
  if (!isMethod(method)) return { ok: false, error: { code: 'UnknownMethod', message: `No method ${JSON.stringify(String(method)).slice(0, 80)} in the contract.` } };
  const checked = methodParams[method].safeParse(params ?? {});
  if (!checked.success) {
    const first = checked.error.issues[0];
    const where = first?.path.length ? `${first.path.join('.')}: ` : '';
    return { ok: false, error: { code: 'InvalidParameters', message: `${method}: ${where}${first?.message ?? 'invalid parameters'}`, hint: HINTS.InvalidParameters } };
  }
  try {
    const handler = handlers[method] as (p: unknown) => unknown;
    return { ok: true, value: await handler(checked.data) };
  } catch (err) {
    return { ok: false, error: contractError(err) };
  }
}
