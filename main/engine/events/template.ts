// What an event template is: typed parameters with defaults and a render
// function that derives every other field (encodings, hashes, ARNs, ids,
// timestamps in each service's own format) so nothing is typed by hand twice.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export type ParamType = 'string' | 'number' | 'boolean' | 'json';

export interface ParamSpec {
  name: string;
  type: ParamType;
  default: string | number | boolean | null | object;
  description: string;
  /** Allowed values, when the parameter is a choice (e.g. an HTTP method). */
  choices?: readonly string[];
  /** Realistic values the verification suite draws from when it randomises parameters. */
  samples?: readonly unknown[];
}

export type ParamValues = Record<string, unknown>;

export interface EventTemplate {
  /** The trigger's service, e.g. `s3`, `sqs`, `apigateway`. */
  source: string;
  /** The kind of event within the source, e.g. `put`, `rest-cognito`. */
  type: string;
  description: string;
  params: readonly ParamSpec[];
  /** Batch sources render `records` distinct, internally consistent records. */
  batch?: boolean;
  render(ctx: RenderContext): unknown;
}

/** Everything a template may derive its fields from. */
export class RenderContext {
  constructor(
    readonly params: ParamValues,
    /** How many records a batch source renders (1 for others). */
    readonly records: number,
    readonly now: Date = new Date(),
  ) {}

  str(name: string): string {
    return String(this.params[name]);
  }
  num(name: string): number {
    return Number(this.params[name]);
  }
  bool(name: string): boolean {
    return this.params[name] === true;
  }
  json(name: string): unknown {
    return this.params[name];
  }

  uuid(): string {
    return randomUUID();
  }
  hex(bytes: number): string {
    return randomBytes(bytes).toString('hex');
  }
  /** ISO 8601 with milliseconds (`2024-01-31T12:00:00.000Z`), offset by `ms`. */
  iso(ms = 0): string {
    return new Date(this.now.getTime() + ms).toISOString();
  }
  /** ISO 8601 without milliseconds (`2024-01-31T12:00:00Z`), as EventBridge and SNS-style fields use. */
  isoSeconds(ms = 0): string {
    return this.iso(ms).replace(/\.\d{3}Z$/, 'Z');
  }
  epochSeconds(ms = 0): number {
    return Math.floor((this.now.getTime() + ms) / 1000);
  }
  epochMillis(ms = 0): number {
    return this.now.getTime() + ms;
  }
}

export const md5 = (text: string): string => createHash('md5').update(text).digest('hex');
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');
export const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** An ARN from its parts: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export function arn(partition: string, service: string, region: string, account: string, resource: string): string {
  return `arn:${partition}:${service}:${region}:${account}:${resource}`;
}

/** The partition a region belongs to. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * S3 URL-encodes object keys in notifications form-style (as Java's
 * URLEncoder does: spaces as `+`, `()!'~` escaped too), keeping `/`.
 */
export function s3EncodeKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

/** Common parameters most templates take. */
export const REGION: ParamSpec = { name: 'region', type: 'string', default: 'us-east-1', description: 'AWS region of the source' };
export const ACCOUNT: ParamSpec = { name: 'account', type: 'string', default: '123456789012', description: '12-digit AWS account id' };
