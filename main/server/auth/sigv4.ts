// AWS Signature Version 4, the server's side: parse an `Authorization`
// header, rebuild the canonical request from what arrived, and compare the
// signature with the one the workbench's own secret gives. Written to match
// what the AWS SDKs, botocore and the AWS CLI sign for a non-S3 service
// (paths normalised and URI-encoded twice, query decoded and re-encoded,
// payload hash over the body).
import * as nodeCrypto from 'node:crypto';
import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HmacSha256, sha256HexSmall } from './sha256.js';

export interface SigV4Header {
  accessKeyId: string;
  /** The credential scope's parts: `<yyyymmdd>/<region>/<service>/aws4_request`. */
  date: string;
  region: string;
  service: string;
  scope: string;
  /** Lower-case names in the order the client listed them. */
  signedHeaders: string[];
  signature: string;
}

const HEADER_RE =
  /^AWS4-HMAC-SHA256 +Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request *, *SignedHeaders=([a-z0-9!#$%&'*+.^_`|~-]+(?:;[a-z0-9!#$%&'*+.^_`|~-]+)*) *, *Signature=([0-9a-f]{64})$/;

/** The parts of a well-formed SigV4 `Authorization` header, or undefined when it has not that form. */
export function parseSigV4(authorization: string | undefined): SigV4Header | undefined {
  if (!authorization || authorization.length > 4096) return undefined;
  const m = HEADER_RE.exec(authorization);
  if (!m) return undefined;
  return {
    accessKeyId: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    scope: `${m[2]}/${m[3]}/${m[4]}/aws4_request`,
    signedHeaders: m[5]!.split(';'),
    signature: m[6]!,
  };
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters (and `/` when asked) as %XX. */
function uriEncode(s: string, keepSlash: boolean): string {
  const encoded = encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded;
}

/** Canonical forms of recent paths: a warm client calls the same few again and again. */
const canonicalPaths = new Map<string, string>();

/** The path with `.`/`..`/empty segments removed, then encoded once more (the SDKs' and botocore's double encoding). */
export function canonicalPath(rawPath: string): string {
  let canonical = canonicalPaths.get(rawPath);
  if (canonical === undefined) {
    canonical = normalizeAndEncode(rawPath);
    if (canonicalPaths.size >= 256) canonicalPaths.clear();
    canonicalPaths.set(rawPath, canonical);
  }
  return canonical;
}

function normalizeAndEncode(rawPath: string): string {
  const out: string[] = [];
  for (const seg of rawPath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  const normalized = `${rawPath.startsWith('/') ? '/' : ''}${out.join('/')}${out.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return uriEncode(normalized, true);
}

function decodeQueryPart(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a malformed escape cannot have been signed by a real client: the signature will not match
  }
}

/** Query pairs decoded, re-encoded strictly and sorted by name then value. */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = uriEncode(decodeQueryPart(eq < 0 ? part : part.slice(0, eq)), false);
    const v = uriEncode(decodeQueryPart(eq < 0 ? '' : part.slice(eq + 1)), false);
    pairs.push([k, v]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/**
 * A signed header's canonical value: trimmed, inner runs of spaces folded.
 * Read from req.headers, which routing has already built (Node joins a
 * repeated header with ", " where SigV4 wants ","; clients do not repeat
 * the headers they sign).
 */
function canonicalHeaderValue(req: IncomingMessage, name: string): string {
  // Names come from the client: `__proto__` or `constructor` must not reach an inherited property.
  const value = Object.hasOwn(req.headers, name) ? req.headers[name] : undefined;
  if (value === undefined) return '';
  const text = Array.isArray(value) ? value.join(',') : value;
  return /[\t\r\n]| {2}|^ | $/.test(text) ? text.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').trim() : text;
}

/** For long input: one-shot crypto.hash (Node ≥ 20.12) is about twice as fast as a Hash object. */
const oneShot = (nodeCrypto as { hash?: (algorithm: string, data: Buffer | string, encoding: 'hex') => string }).hash;
const sha256HexCrypto: (data: Buffer | string) => string = oneShot
  ? (data) => oneShot('sha256', data, 'hex')
  : (data) => createHash('sha256').update(data).digest('hex');
/** SHA-256 as hex: short ASCII strings and small bodies in JS (see sha256.ts for why), the rest by OpenSSL. */
export const sha256Hex = (data: Buffer | string): string => sha256HexSmall(data) ?? sha256HexCrypto(data);

/**
 * Derived signing keys, per secret and scope: the four HMACs change once a
 * day per region and service, so the warm path pays for one HMAC, not five.
 */
const signingKeys = new Map<string, { key: Buffer; mac: HmacSha256 }>();

function signingKey(secret: string, h: SigV4Header): { key: Buffer; mac: HmacSha256 } {
  const id = `${h.scope}\0${secret}`;
  let key = signingKeys.get(id);
  if (!key) {
    const kDate = createHmac('sha256', `AWS4${secret}`).update(h.date).digest();
    const kRegion = createHmac('sha256', kDate).update(h.region).digest();
    const kService = createHmac('sha256', kRegion).update(h.service).digest();
    const derived = createHmac('sha256', kService).update('aws4_request').digest();
    key = { key: derived, mac: new HmacSha256(derived) };
    if (signingKeys.size >= 64) signingKeys.clear(); // scopes are few; a flood of odd ones must not grow this
    signingKeys.set(id, key);
  }
  return key;
}

/** Whether the request's signature is the one `secret` gives for what arrived (method, path, query, signed headers, body). */
export function signatureMatches(req: IncomingMessage, h: SigV4Header, amzDate: string, secret: string, bodySha256: string): boolean {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  let headers = '';
  for (const name of h.signedHeaders) headers += `${name}:${canonicalHeaderValue(req, name)}\n`;
  const canonical = `${req.method ?? 'GET'}\n${canonicalPath(q < 0 ? url : url.slice(0, q))}\n${canonicalQuery(q < 0 ? '' : url.slice(q + 1))}\n${headers}\n${h.signedHeaders.join(';')}\n${bodySha256}`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${h.scope}\n${sha256Hex(canonical)}`;
  const { key, mac } = signingKey(secret, h);
  const expected = mac.hexOfAscii(stringToSign) ?? createHmac('sha256', key).update(stringToSign).digest('hex');
  return sameText(expected, h.signature);
}

/** Compares two equally long strings in time that does not depend on where they differ. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** `20240102T030405Z` → epoch ms, or undefined when not that form. */
export function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(t) ? undefined : t;
}

export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
