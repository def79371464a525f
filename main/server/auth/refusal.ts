// A request the guard refuses: 403 with AWS's code and wording, in the same
// rest-json error shape as every other error of the API.
import type { ServerResponse } from 'node:http';
import { sendError } from '../http-util.js';

export type RefusalCode =
  /** No Authorization header: what Lambda's endpoint answers an unsigned call. */
  | 'MissingAuthenticationTokenException'
  /** An Authorization header that is not a complete SigV4 one. */
  | 'IncompleteSignatureException'
  /** A signature that does not match, or whose date is outside the 15-minute window. */
  | 'InvalidSignatureException'
  /** An access key id the workbench did not issue. */
  | 'UnrecognizedClientException'
  /** A foreign Host or Origin. */
  | 'AccessDeniedException';

export class AuthRefusal extends Error {
  readonly status = 403;
  readonly extra: Record<string, string> = {};
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export function sendRefusal(res: ServerResponse, refusal: AuthRefusal): void {
  sendError(res, refusal);
}
