// Who may call the API. Every request first needs a loopback Host (DNS
// rebinding). Then, for the Lambda API and /_workbench/*:
//   default  a SigV4 Authorization header of the right form and no foreign
//            Origin. A web page cannot send an Authorization header
//            cross-origin without a CORS preflight, and preflights get no
//            grant, so this alone keeps pages out while any AWS client with
//            any credentials keeps working.
//   strict   the signature verified against the workbench's own key, so
//            other local users and processes are kept out as well.
//   off      no checks (benchmarking only; the CLI warns loudly).
import type { IncomingMessage } from 'node:http';
import type { AuditCaller, AuditInput } from '../../engine/telemetry/audit.js';
import { readBody } from '../http-util.js';
import type { WorkbenchCredentials } from './credentials.js';
import { foreignHostRefusal, hostAllowed } from './host.js';
import { AuthRefusal } from './refusal.js';
import { RefusalLog } from './refusals.js';
import { formatAmzDate, parseAmzDate, parseSigV4, sha256Hex, signatureMatches, type SigV4Header } from './sigv4.js';

export type AuthMode = 'off' | 'default' | 'strict';
export const AUTH_MODES: readonly AuthMode[] = ['off', 'default', 'strict'];

/** AWS's allowed clock skew between a signature's date and the server's clock. */
export const MAX_SKEW_MS = 15 * 60_000;

export interface GuardOptions {
  mode: AuthMode;
  /** The workbench's own key (required in strict mode). */
  credentials?: WorkbenchCredentials;
  /** Appends refused writes to the audit trail. */
  audit?: (entry: AuditInput) => void;
  now?: () => number;
}

/** What the request is, as far as the guard needs to know. */
export interface GuardTarget {
  operation: string;
  /** The function the path names, so refusals show up in that function's audit view. */
  functionName?: string;
  /** The body limit of the operation (strict mode reads the body to hash it). */
  bodyLimit: number;
  /** Needs no signature: the UI's page, a presigned code download. Host is still checked. */
  open?: boolean;
}

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Reads are not audited (as CloudTrail records management writes); refused writes are. */
const isWrite = (method: string | undefined) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';

export class ApiGuard {
  private readonly refusals?: RefusalLog;
  private readonly now: () => number;

  constructor(private readonly opts: GuardOptions) {
    if (opts.mode === 'strict' && !opts.credentials) throw new Error('strict auth needs the workbench credentials');
    this.now = opts.now ?? Date.now;
    if (opts.audit) this.refusals = new RefusalLog(opts.audit, this.now);
  }

  get mode(): AuthMode {
    return this.opts.mode;
  }

  /** Resolves with who called, or rejects with the AuthRefusal to answer (a refused write is already recorded). */
  async admit(req: IncomingMessage, target: GuardTarget): Promise<AuditCaller> {
    try {
      return await this.check(req, target);
    } catch (err) {
      if (err instanceof AuthRefusal && isWrite(req.method)) this.recordRefusal(req, target, err);
      throw err;
    }
  }

  private async check(req: IncomingMessage, target: GuardTarget): Promise<AuditCaller> {
    if (!hostAllowed(req)) throw foreignHostRefusal(req);
    const userAgent = req.headers['user-agent'];
    const authorization = req.headers.authorization;
    if (this.opts.mode === 'off' || target.open) {
      const h = parseSigV4(authorization);
      return h ? { type: clientType(userAgent), accessKeyId: h.accessKeyId, verified: false, userAgent } : { type: 'anonymous', userAgent };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !isOwnOrigin(origin, req.socket.localPort)) {
      throw new AuthRefusal('AccessDeniedException', `Requests from origin ${JSON.stringify(origin.slice(0, 100))} are refused: the API answers AWS clients and the workbench's own pages only.`);
    }
    // Lambda's own answer to an unsigned call (403 MissingAuthenticationTokenException, "Missing Authentication Token").
    if (authorization === undefined) throw new AuthRefusal('MissingAuthenticationTokenException', 'Missing Authentication Token');
    const h = parseSigV4(authorization);
    if (!h) {
      throw new AuthRefusal(
        'IncompleteSignatureException',
        "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters: AWS4-HMAC-SHA256 Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request, SignedHeaders=<h1;h2>, Signature=<64 hex digits>.",
      );
    }
    if (this.opts.mode === 'strict') await this.verify(req, h, target);
    return { type: clientType(userAgent), accessKeyId: h.accessKeyId, verified: this.opts.mode === 'strict', userAgent };
  }

  /** Strict mode: the key must be the workbench's, the date within 15 minutes, the signature right for what arrived. */
  async verify(req: IncomingMessage, h: SigV4Header, target: GuardTarget): Promise<void> {
    const creds = this.opts.credentials!;
    if (h.accessKeyId !== creds.accessKeyId) throw new AuthRefusal('UnrecognizedClientException', 'The security token included in the request is invalid.');
    if (!h.signedHeaders.includes('host')) throw new AuthRefusal('IncompleteSignatureException', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    const amzDate = amzDateOf(req);
    if (amzDate === undefined) throw new AuthRefusal('IncompleteSignatureException', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    if (amzDate.text.slice(0, 8) !== h.date) {
      throw new AuthRefusal(
        'InvalidSignatureException',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${h.date}' != '${amzDate.text.slice(0, 8)}', from '${amzDate.text}'.`,
      );
    }
    const now = this.now();
    if (amzDate.ms < now - MAX_SKEW_MS) {
      throw new AuthRefusal('InvalidSignatureException', `Signature expired: ${amzDate.text} is now earlier than ${formatAmzDate(now - MAX_SKEW_MS)} (${formatAmzDate(now)} - 15 min.)`);
    }
    if (amzDate.ms > now + MAX_SKEW_MS) {
      throw new AuthRefusal('InvalidSignatureException', `Signature not yet current: ${amzDate.text} is still later than ${formatAmzDate(now + MAX_SKEW_MS)} (${formatAmzDate(now)} + 15 min.)`);
    }
    // The SDKs sign the payload's hash: read the body (the handler reuses it) and hash what really arrived,
    // so a tampered body fails even when an x-amz-content-sha256 header claims otherwise.
    const body = await readBody(req, target.bodyLimit, target.operation);
    if (!signatureMatches(req, h, amzDate.text, creds.secretAccessKey, sha256Hex(body))) throw new AuthRefusal('InvalidSignatureException', SIGNATURE_MISMATCH);
  }

  private recordRefusal(req: IncomingMessage, target: GuardTarget, refusal: AuthRefusal): void {
    const parameters: Record<string, unknown> = {};
    if (target.functionName !== undefined) parameters.FunctionName = target.functionName.slice(0, 256);
    const caller: AuditCaller = { type: 'refused' };
    const h = parseSigV4(req.headers.authorization);
    if (h) caller.accessKeyId = h.accessKeyId;
    if (req.headers['user-agent'] !== undefined) caller.userAgent = req.headers['user-agent'];
    if (req.headers.origin !== undefined) caller.origin = req.headers.origin;
    if (req.headers.host !== undefined) caller.host = req.headers.host;
    this.refusals?.record(target.operation, parameters, caller, refusal.code);
  }
}

function clientType(userAgent: string | undefined): 'cli' | 'sdk' {
  return userAgent?.startsWith('aws-cli/') ? 'cli' : 'sdk';
}

/** The workbench's own pages: its API's port under a loopback name (not a *.localhost function URL name). */
function isOwnOrigin(origin: string, port: number | undefined): boolean {
  return port !== undefined && (origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}` || origin === `http://[::1]:${port}`);
}

function amzDateOf(req: IncomingMessage): { text: string; ms: number } | undefined {
  const header = req.headers['x-amz-date'];
  if (typeof header === 'string') {
    const ms = parseAmzDate(header);
    return ms === undefined ? undefined : { text: header, ms };
  }
  const date = req.headers.date;
  if (typeof date !== 'string') return undefined;
  const ms = Date.parse(date);
  return Number.isNaN(ms) ? undefined : { text: formatAmzDate(ms), ms };
}

/**
 * For AWS_IAM function URLs under strict auth: whether a request is signed
 * with the workbench's key (its body read and kept for the handler).
 */
export function iamVerifier(credentials: WorkbenchCredentials, bodyLimit: number): (req: IncomingMessage) => Promise<boolean> {
  const guard = new ApiGuard({ mode: 'strict', credentials });
  return async (req) => {
    const h = parseSigV4(req.headers.authorization);
    if (!h) return false;
    try {
      await guard.verify(req, h, { operation: 'InvokeFunctionUrl', bodyLimit });
      return true;
    } catch (err) {
      if (err instanceof AuthRefusal) return false;
      throw err;
    }
  };
}
