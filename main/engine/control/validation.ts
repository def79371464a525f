// AWS's validation rules for function configuration, with messages that say
// what to fix.
import { constraintViolation, invalidParameter } from '../errors.js';

/** A request field that must be a JSON object. */
export function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidParameter(`${field} must be an object.`);
  return value as Record<string, unknown>;
}

/** Variables Lambda sets itself; a function may not set them (spec §2). */
export const RESERVED_ENV_KEYS = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

const ENV_LIMIT_BYTES = 4 * 1024;
const ENV_KEY_RE = /^[a-zA-Z]([a-zA-Z0-9_])*$/;

export function validateRange(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidParameter(`${field} must be an integer between ${min} and ${max}.`);
  if (value < min || value > max) {
    const cmp = value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`;
    throw constraintViolation(`1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must have value ${cmp}`);
  }
  return value;
}

export function validateEnvironment(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter('Environment.Variables must be a map of strings.');
  const vars: Record<string, string> = {};
  const reserved: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (!ENV_KEY_RE.test(k)) throw invalidParameter(`Environment variable name '${k}' must start with a letter and contain only letters, digits and underscores.`);
    if (typeof v !== 'string') throw invalidParameter(`Environment variable ${k} must have a string value.`);
    if (RESERVED_ENV_KEYS.has(k)) reserved.push(k);
    vars[k] = v;
  }
  if (reserved.length) {
    throw invalidParameter(`Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`);
  }
  const measured = JSON.stringify(vars);
  if (Buffer.byteLength(measured) > ENV_LIMIT_BYTES) {
    throw invalidParameter(`Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured.slice(0, 200)}…`);
  }
  return vars;
}
