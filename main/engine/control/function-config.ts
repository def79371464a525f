// FunctionConfiguration as AWS shapes it, and the checks on each field that
// CreateFunction and UpdateFunctionConfiguration share.
import { constraintViolation, invalidParameter } from '../errors.js';
import { DEPRECATED_RUNTIMES, findRuntime, listRuntimes, type RuntimeSpec } from '../runtimes.js';
import { requireObject, validateEnvironment, validateRange } from './validation.js';
import { QUEUE_OR_TOPIC_ARN } from '../data/destinations.js';
import type { WorkbenchFields, WorkbenchInput } from './workbench-settings.js';

/** AWS's FunctionConfiguration, plus the workbench's own fields (WorkbenchNetwork, …; see workbench-settings.ts). */
export interface FunctionConfiguration extends WorkbenchFields {
  FunctionName: string;
  FunctionArn: string;
  Runtime: string;
  Role: string;
  Handler: string;
  CodeSize: number;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  CodeSha256: string;
  Version: string;
  Environment?: { Variables: Record<string, string> };
  Layers?: { Arn: string; CodeSize: number }[];
  TracingConfig: { Mode: 'Active' | 'PassThrough' };
  RevisionId: string;
  State: 'Pending' | 'Active' | 'Inactive' | 'Failed';
  LastUpdateStatus: 'Successful' | 'Failed' | 'InProgress';
  PackageType: 'Zip';
  Architectures: string[];
  EphemeralStorage: { Size: number };
  LoggingConfig: LoggingConfig;
  DeadLetterConfig?: { TargetArn: string };
  KMSKeyArn?: string;
  SnapStart: { ApplyOn: 'None'; OptimizationStatus: 'Off' };
  RuntimeVersionConfig: { RuntimeVersionArn: string };
}

export interface LoggingConfig {
  LogFormat: 'Text' | 'JSON';
  /** JSON format only: the lowest level of the function's own logs that is kept. */
  ApplicationLogLevel?: string;
  /** JSON format only: the lowest level of the platform's logs that is kept. */
  SystemLogLevel?: string;
  LogGroup: string;
}

/** The fields UpdateFunctionConfiguration may change (CreateFunction sets them too). */
export interface ConfigInput extends WorkbenchInput {
  Runtime?: unknown;
  Role?: unknown;
  Handler?: unknown;
  Description?: unknown;
  Timeout?: unknown;
  MemorySize?: unknown;
  Environment?: { Variables?: unknown };
  EphemeralStorage?: { Size?: unknown };
  Layers?: unknown;
  RevisionId?: unknown;
  TracingConfig?: unknown;
  LoggingConfig?: unknown;
  DeadLetterConfig?: unknown;
  KMSKeyArn?: unknown;
}

export interface CreateFunctionInput extends ConfigInput {
  FunctionName?: unknown;
  Code?: { ZipFile?: unknown; S3Bucket?: unknown; ImageUri?: unknown };
  Architectures?: unknown;
  PackageType?: unknown;
  Publish?: unknown;
  Tags?: unknown;
}

/** AWS's LastModified format: `2024-01-31T12:00:00.000+0000`. */
export const lastModified = (d = new Date()): string => d.toISOString().replace('Z', '+0000');

export const HOST_ARCH = process.arch === 'arm64' ? 'arm64' : 'x86_64';

export function requireString(v: unknown, field: string, allowEmpty = false): string {
  if (typeof v !== 'string' || (!allowEmpty && v.length === 0)) {
    throw invalidParameter(`${field} is required and must be a ${allowEmpty ? '' : 'non-empty '}string.`);
  }
  return v;
}

/** A runtime the workbench runs; retired runtimes are refused for new code with the replacement named. */
export function runtimeFor(id: string, forNewCode = true): RuntimeSpec {
  const rt = findRuntime(id);
  if (rt) return rt;
  if (forNewCode && DEPRECATED_RUNTIMES[id]) {
    throw invalidParameter(
      `The runtime parameter of ${id} is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (${DEPRECATED_RUNTIMES[id]}) while creating or updating functions.`,
    );
  }
  const known = listRuntimes().map((r) => r.id).join(', ');
  throw constraintViolation(`1 validation error detected: Value ${JSON.stringify(id)} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${known}]`);
}

function validateHandler(handler: string): string {
  if (handler.length > 128 || /\s/.test(handler)) {
    throw constraintViolation(`1 validation error detected: Value '${handler}' at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128 and contain no whitespace.`);
  }
  return handler;
}

/**
 * Applies the configuration fields present in `input` over `base` (all of them
 * required when there is no base, as on CreateFunction), checking each.
 */
export function applyConfig(input: ConfigInput, base?: FunctionConfiguration): Partial<FunctionConfiguration> {
  const out: Partial<FunctionConfiguration> = {};
  const has = (v: unknown) => v !== undefined || !base;
  if (has(input.Runtime)) out.Runtime = runtimeFor(requireString(input.Runtime, 'Runtime')).id;
  if (has(input.Role)) out.Role = requireString(input.Role, 'Role');
  if (has(input.Handler)) out.Handler = validateHandler(requireString(input.Handler, 'Handler'));
  if (input.MemorySize !== undefined || !base) out.MemorySize = validateRange(input.MemorySize, 'memorySize', 128, 10240, 128);
  if (input.Timeout !== undefined || !base) out.Timeout = validateRange(input.Timeout, 'timeout', 1, 900, 3);
  if (input.EphemeralStorage !== undefined || !base) {
    out.EphemeralStorage = { Size: validateRange(input.EphemeralStorage?.Size, 'ephemeralStorage.size', 512, 10240, 512) };
  }
  if (input.Environment !== undefined || !base) {
    const variables = validateEnvironment(input.Environment?.Variables);
    out.Environment = Object.keys(variables).length ? { Variables: variables } : undefined;
  }
  if (input.Description !== undefined || !base) {
    const description = input.Description === undefined ? '' : requireString(input.Description, 'Description', true);
    if (description.length > 256) throw invalidParameter('Description must be at most 256 characters.');
    out.Description = description;
  }
  return out;
}

const APPLICATION_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const SYSTEM_LEVELS = ['DEBUG', 'INFO', 'WARN'];

/**
 * TracingConfig, LoggingConfig, DeadLetterConfig and KMSKeyArn present in
 * `input`, checked and merged over `base` (AWS's defaults when there is none).
 * They are kept and shown as AWS shows them; LoggingConfig and TracingConfig
 * also change what the function sees (runtime-env.ts, model.ts).
 */
export function applyObservability(input: ConfigInput, base: FunctionConfiguration | undefined, functionName: string): Partial<FunctionConfiguration> {
  const out: Partial<FunctionConfiguration> = {};
  if (input.TracingConfig !== undefined || !base) {
    const mode = input.TracingConfig === undefined ? 'PassThrough' : requireObject(input.TracingConfig, 'TracingConfig').Mode;
    if (mode !== 'Active' && mode !== 'PassThrough') throw invalidParameter(`TracingConfig.Mode must be Active or PassThrough, not ${JSON.stringify(mode)}.`);
    out.TracingConfig = { Mode: mode };
  }
  if (input.LoggingConfig !== undefined || !base) {
    const given = input.LoggingConfig === undefined ? {} : requireObject(input.LoggingConfig, 'LoggingConfig');
    const current = base?.LoggingConfig;
    const format = given.LogFormat ?? current?.LogFormat ?? 'Text';
    if (format !== 'Text' && format !== 'JSON') throw invalidParameter(`LoggingConfig.LogFormat must be Text or JSON, not ${JSON.stringify(format)}.`);
    const group = given.LogGroup ?? current?.LogGroup ?? `/aws/lambda/${functionName}`;
    if (typeof group !== 'string' || !/^[.\-_/#A-Za-z0-9]{1,512}$/.test(group)) {
      throw invalidParameter('LoggingConfig.LogGroup must be 1 to 512 letters, digits and . - _ / #.');
    }
    const config: LoggingConfig = { LogFormat: format, LogGroup: group };
    if (format === 'JSON') {
      // JSON logs have levels; AWS starts both at INFO.
      const app = given.ApplicationLogLevel ?? current?.ApplicationLogLevel ?? 'INFO';
      const sys = given.SystemLogLevel ?? current?.SystemLogLevel ?? 'INFO';
      if (typeof app !== 'string' || !APPLICATION_LEVELS.includes(app)) throw invalidParameter(`LoggingConfig.ApplicationLogLevel must be one of ${APPLICATION_LEVELS.join(', ')}.`);
      if (typeof sys !== 'string' || !SYSTEM_LEVELS.includes(sys)) throw invalidParameter(`LoggingConfig.SystemLogLevel must be one of ${SYSTEM_LEVELS.join(', ')}.`);
      config.ApplicationLogLevel = app;
      config.SystemLogLevel = sys;
    } else if (given.ApplicationLogLevel !== undefined || given.SystemLogLevel !== undefined) {
      throw invalidParameter('Log levels (ApplicationLogLevel, SystemLogLevel) apply to JSON logs only: set LoggingConfig.LogFormat to JSON.');
    }
    out.LoggingConfig = config;
  }
  if (input.DeadLetterConfig !== undefined) {
    const target = requireObject(input.DeadLetterConfig, 'DeadLetterConfig').TargetArn ?? '';
    if (typeof target !== 'string' || (target !== '' && !QUEUE_OR_TOPIC_ARN.test(target))) {
      throw invalidParameter('DeadLetterConfig.TargetArn must be the ARN of an SQS queue or an SNS topic (or empty, to remove it).');
    }
    out.DeadLetterConfig = target === '' ? undefined : { TargetArn: target };
  }
  if (input.KMSKeyArn !== undefined) {
    const key = input.KMSKeyArn;
    if (typeof key !== 'string' || (key !== '' && !/^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/.test(key))) {
      throw invalidParameter('KMSKeyArn must be the ARN of a KMS key (or empty, to remove it).');
    }
    out.KMSKeyArn = key === '' ? undefined : key;
  }
  return out;
}

export function validateArchitectures(value: unknown): string[] {
  if (value === undefined) return [HOST_ARCH];
  if (!Array.isArray(value) || value.length !== 1 || (value[0] !== 'x86_64' && value[0] !== 'arm64')) {
    throw invalidParameter("Architectures must be a list with exactly one of 'x86_64' or 'arm64'.");
  }
  if (value[0] !== HOST_ARCH) {
    throw invalidParameter(`This machine runs ${HOST_ARCH} functions only; ${value[0]} would need an emulator the workbench does not ship.`);
  }
  return [HOST_ARCH];
}

export function decodeZip(code: CreateFunctionInput['Code'] | { ZipFile?: unknown }): Buffer {
  if (!code || typeof code !== 'object') throw invalidParameter('Code is required: give Code.ZipFile (base64 of a .zip).');
  if ('S3Bucket' in code && code.S3Bucket !== undefined) throw invalidParameter('Code from S3 is not supported by the workbench: give ZipFile.');
  if ('ImageUri' in code && code.ImageUri !== undefined) throw invalidParameter('Container images are not supported by the workbench: give ZipFile.');
  if (typeof code.ZipFile !== 'string' || code.ZipFile.length === 0) throw invalidParameter('ZipFile must be the base64 of a .zip file.');
  if (!/^[A-Za-z0-9+/=\r\n]+$/.test(code.ZipFile)) throw invalidParameter('ZipFile is not valid base64.');
  return Buffer.from(code.ZipFile, 'base64');
}

export function validateTags(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidParameter('Tags must be a map of strings.');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalidParameter(`Tag ${k} must have a string value.`);
    out[k] = v;
  }
  return out;
}

/** The parts of a configuration that make two versions the same for PublishVersion. */
export function publishableState(c: FunctionConfiguration): string {
  const { FunctionArn: _a, LastModified: _l, RevisionId: _r, Version: _v, Description: _d, State: _s, LastUpdateStatus: _u, ...rest } = c;
  return JSON.stringify(rest);
}
