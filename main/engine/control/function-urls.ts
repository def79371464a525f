// Function URLs (Create/Get/Update/Delete/ListFunctionUrlConfig): a dedicated
// HTTP endpoint per function or alias. AWS gives
// `https://<url-id>.lambda-url.<region>.on.aws/`; the workbench gives
// `http://<url-id>.lambda-url.<region>.localhost:<port>/`, which browsers and
// curl resolve to 127.0.0.1 (RFC 6761), on a port of its own, never the API's:
// a function's HTML must not share an origin with the API or the UI
// (main/server/function-url.ts turns requests into payload-2.0 events).
// Configurations live on the function record, so they persist with it and go
// when it is deleted.
import { randomBytes } from 'node:crypto';
import { LambdaError, invalidParameter, notFound } from '../errors.js';
import { lastModified, type FunctionRegistry } from './functions.js';
import { requireObject } from './validation.js';

export interface UrlCors {
  AllowCredentials?: boolean;
  AllowHeaders?: string[];
  AllowMethods?: string[];
  AllowOrigins?: string[];
  ExposeHeaders?: string[];
  MaxAge?: number;
}

export interface StoredFunctionUrl {
  urlId: string;
  authType: 'NONE' | 'AWS_IAM';
  cors?: UrlCors;
  /** RESPONSE_STREAM is served once the function ends (its stream is collected), not progressively. */
  invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  created: string;
  modified: string;
}

/** FunctionUrlConfig as the API returns it. */
export interface FunctionUrlConfig {
  FunctionUrl: string;
  FunctionArn: string;
  AuthType: string;
  Cors?: UrlCors;
  CreationTime: string;
  LastModifiedTime: string;
  InvokeMode: string;
}

/** What a URL id leads to, for the data plane. */
export interface UrlTarget {
  functionName: string;
  /** `$LATEST` or an alias. */
  qualifier: string;
  url: StoredFunctionUrl;
}

const URL_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const URL_ID_RE = /^[a-z0-9]{32}$/;
const CORS_LISTS = ['AllowHeaders', 'AllowMethods', 'AllowOrigins', 'ExposeHeaders'] as const;
const METHODS = new Set(['GET', 'PUT', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS', '*']);

export class FunctionUrls {
  /** url id → function and qualifier; rebuilt from the records on first use. */
  private index: Map<string, { functionName: string; qualifier: string }> | undefined;

  constructor(
    private readonly functions: FunctionRegistry,
    private readonly region: string,
    /** `http://127.0.0.1:<port>` of the function URL listener once it listens. */
    private readonly baseUrl: () => string,
  ) {}

  create(name: string, qualifier: string | undefined, body: Record<string, unknown>): FunctionUrlConfig {
    const { fn, q, arn } = this.target(name, qualifier);
    const given = settings(body, undefined);
    if (this.functions.get(fn, true).urls?.[q]) {
      throw new LambdaError('ResourceConflictException', `Failed to create function url config for [functionArn = ${arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
    }
    const now = lastModified();
    const stored: StoredFunctionUrl = { urlId: newUrlId(), ...given, created: now, modified: now };
    this.functions.patch(fn, (r) => ({ urls: { ...r.urls, [q]: stored } }));
    this.index?.set(stored.urlId, { functionName: fn, qualifier: q });
    return this.view(fn, q, stored);
  }

  get(name: string, qualifier: string | undefined): FunctionUrlConfig {
    const { fn, q } = this.target(name, qualifier);
    return this.view(fn, q, this.stored(fn, q));
  }

  update(name: string, qualifier: string | undefined, body: Record<string, unknown>): FunctionUrlConfig {
    const { fn, q } = this.target(name, qualifier);
    const current = this.stored(fn, q);
    const next: StoredFunctionUrl = { ...current, ...settings(body, current), modified: lastModified() };
    this.functions.patch(fn, (r) => ({ urls: { ...r.urls, [q]: next } }));
    return this.view(fn, q, next);
  }

  delete(name: string, qualifier: string | undefined): void {
    const { fn, q } = this.target(name, qualifier);
    const current = this.stored(fn, q);
    this.functions.patch(fn, (r) => {
      const urls = { ...r.urls };
      delete urls[q];
      return { urls };
    });
    this.index?.delete(current.urlId);
  }

  list(name: string): FunctionUrlConfig[] {
    const { fn } = this.target(name, undefined);
    return Object.entries(this.functions.get(fn, true).urls ?? {}).map(([q, u]) => this.view(fn, q, u));
  }

  /** The function behind a URL id, if its function (and alias) still exist. */
  lookup(urlId: string): UrlTarget | undefined {
    if (!this.index) {
      this.index = new Map();
      for (const r of this.functions.all()) {
        for (const [q, u] of Object.entries(r.urls ?? {})) this.index.set(u.urlId, { functionName: r.config.FunctionName, qualifier: q });
      }
    }
    const hit = this.index.get(urlId);
    if (!hit) return undefined;
    const url = this.functions.get(hit.functionName, false)?.urls?.[hit.qualifier];
    if (!url || url.urlId !== urlId) {
      this.index.delete(urlId);
      return undefined;
    }
    return { ...hit, url };
  }

  /** The URL a client calls: the id as a subdomain of localhost, on the function URL listener's port. */
  urlOf(urlId: string): string {
    const port = new URL(this.baseUrl() || 'http://127.0.0.1:9001').port;
    return `http://${urlId}.lambda-url.${this.region}.localhost${port ? `:${port}` : ''}/`;
  }

  /** Function URLs attach to `$LATEST` or an alias, never to a numbered version. */
  private target(name: string, qualifier: string | undefined) {
    const { fn, qualifier: given, arn } = this.functions.qualified(name, qualifier);
    const q = given ?? '$LATEST';
    if (/^\d+$/.test(q)) throw invalidParameter(`Function URLs attach to $LATEST or an alias, not to version ${q}.`);
    return { fn, q, arn };
  }

  private stored(fn: string, q: string): StoredFunctionUrl {
    const u = this.functions.get(fn, true).urls?.[q];
    if (!u) throw notFound('The resource you requested does not exist.');
    return u;
  }

  private view(fn: string, q: string, u: StoredFunctionUrl): FunctionUrlConfig {
    return {
      FunctionUrl: this.urlOf(u.urlId),
      FunctionArn: this.functions.arn(fn, q === '$LATEST' ? undefined : q),
      AuthType: u.authType,
      ...(u.cors ? { Cors: u.cors } : {}),
      CreationTime: u.created,
      LastModifiedTime: u.modified,
      InvokeMode: u.invokeMode,
    };
  }
}

function newUrlId(): string {
  const bytes = randomBytes(32);
  let id = '';
  for (const b of bytes) id += URL_ID_ALPHABET[b % URL_ID_ALPHABET.length];
  return id;
}

/** AuthType, Cors and InvokeMode from a request body; on update, what is left out keeps its value. */
function settings(body: Record<string, unknown>, current: StoredFunctionUrl | undefined): Pick<StoredFunctionUrl, 'authType' | 'cors' | 'invokeMode'> {
  const authType = body.AuthType ?? current?.authType;
  if (authType !== 'NONE' && authType !== 'AWS_IAM') {
    throw invalidParameter(`AuthType must be NONE or AWS_IAM${authType === undefined ? ' (it is required)' : `, not ${JSON.stringify(authType)}`}.`);
  }
  const mode = body.InvokeMode ?? current?.invokeMode ?? 'BUFFERED';
  if (mode !== 'BUFFERED' && mode !== 'RESPONSE_STREAM') throw invalidParameter(`InvokeMode must be BUFFERED or RESPONSE_STREAM, not ${JSON.stringify(mode)}.`);
  const cors = body.Cors === undefined ? current?.cors : checkCors(body.Cors);
  return { authType, invokeMode: mode, ...(cors ? { cors } : {}) };
}

function checkCors(value: unknown): UrlCors {
  const c = requireObject(value, 'Cors');
  const known = new Set<string>(['AllowCredentials', 'MaxAge', ...CORS_LISTS]);
  for (const k of Object.keys(c)) if (!known.has(k)) throw invalidParameter(`Cors has no field ${k}; it takes ${[...known].join(', ')}.`);
  const out: UrlCors = {};
  if (c.AllowCredentials !== undefined) {
    if (typeof c.AllowCredentials !== 'boolean') throw invalidParameter('Cors.AllowCredentials must be true or false.');
    out.AllowCredentials = c.AllowCredentials;
  }
  if (c.MaxAge !== undefined) {
    if (typeof c.MaxAge !== 'number' || !Number.isInteger(c.MaxAge) || c.MaxAge < 0 || c.MaxAge > 86_400) {
      throw invalidParameter('Cors.MaxAge must be a whole number of seconds from 0 to 86400.');
    }
    out.MaxAge = c.MaxAge;
  }
  for (const k of CORS_LISTS) {
    const list = c[k];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length > 100 || !list.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 253)) {
      throw invalidParameter(`Cors.${k} must be a list of at most 100 non-empty strings.`);
    }
    if (k === 'AllowMethods') {
      const bad = list.find((m) => !METHODS.has(String(m).toUpperCase()));
      if (bad !== undefined) throw invalidParameter(`Cors.AllowMethods: ${JSON.stringify(bad)} is not an HTTP method (or *).`);
    }
    out[k] = list as string[];
  }
  return out;
}
