// `fetch` with a SigV4 signature, as an AWS client signs: every raw request a
// test makes to the API goes through here. Signed by the AWS SDK's own signer
// (@smithy/signature-v4), so the workbench's verifier is checked against an
// implementation that is not its own.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** What tests sign with unless a server's own keys are registered (any key works in default mode). */
export const TEST_CREDENTIALS: Credentials = { accessKeyId: 'AKIDWORKBENCHTEST', secretAccessKey: 'test-secret' };

/** Keys by server origin: startServer registers a strict server's keys so helpers that know only a URL sign right. */
const byOrigin = new Map<string, Credentials>();

export function registerCredentials(url: string, creds: Credentials): void {
  byOrigin.set(new URL(url).origin, creds);
}

export function credentialsFor(url: string): Credentials {
  return byOrigin.get(new URL(url).origin) ?? TEST_CREDENTIALS;
}

/** node:crypto in the shape the signer wants (a hash, or an HMAC when given a secret). */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData) => (typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d));

class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

export interface SignOptions {
  credentials?: Credentials;
  region?: string;
  service?: string;
  signingDate?: Date;
}

/** The headers (Authorization, X-Amz-Date, Host, and the given ones) that sign this request. */
export async function signHeaders(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  opts: SignOptions = {},
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials: opts.credentials ?? credentialsFor(url.href),
    region: opts.region ?? 'us-east-1',
    service: opts.service ?? 'lambda',
    sha256: Sha256,
  });
  // Decoded as the server will decode what is on the wire (a raw '+' stays '+', unlike URLSearchParams).
  const query: Record<string, string | string[]> = {};
  const decode = (x: string) => decodeURIComponent(x);
  const pairs = url.search.slice(1).split('&').filter(Boolean).map((p) => (p.includes('=') ? [decode(p.slice(0, p.indexOf('='))), decode(p.slice(p.indexOf('=') + 1))] : [decode(p), '']));
  for (const [k, v] of pairs as [string, string][]) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signed = await signer.sign(
    { method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers: { ...headers, host: url.host }, body },
    { signingDate: opts.signingDate },
  );
  return signed.headers as Record<string, string>;
}

/** `fetch` that signs first. Bodies must be strings or bytes (what tests send). */
export async function signedFetch(input: string, init: RequestInit & { sign?: SignOptions } = {}): Promise<Response> {
  const url = new URL(input);
  const method = (init.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = {};
  for (const [k, v] of new Headers(init.headers)) headers[k] = v;
  const body = init.body as string | Uint8Array | undefined | null;
  if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) throw new Error('signedFetch signs string or byte bodies only');
  const signed = await signHeaders(method, url, headers, body ?? undefined, init.sign);
  // fetch sets Host itself (the same value); it refuses to be given one.
  delete signed.host;
  const { sign: _sign, ...rest } = init;
  return fetch(input, { ...rest, method, headers: signed });
}
