// The control plane's functions: create, read, list, delete, with AWS's
// validation and FunctionConfiguration shape, persisted in SQLite. Code lives
// in the content-addressed CodeStore; a record points at it by key.
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.js';
import { LambdaError, invalidParameter, notFound } from '../errors.js';
import { DEPRECATED_RUNTIMES, findRuntime, listRuntimes } from '../runtimes.js';
import type { CodeStore } from './code-store.js';
import type { FunctionVersion } from '../data/model.js';
import { validateEnvironment, validateRange } from './validation.js';

export interface FunctionConfiguration {
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
  TracingConfig: { Mode: string };
  RevisionId: string;
  State: 'Pending' | 'Active' | 'Inactive' | 'Failed';
  LastUpdateStatus: 'Successful' | 'Failed' | 'InProgress';
  PackageType: 'Zip';
  Architectures: string[];
  EphemeralStorage: { Size: number };
  LoggingConfig: { LogFormat: 'Text'; LogGroup: string };
  SnapStart: { ApplyOn: 'None'; OptimizationStatus: 'Off' };
  RuntimeVersionConfig: { RuntimeVersionArn: string };
}

export interface FunctionRecord {
  config: FunctionConfiguration;
  codeKey: string;
  tags: Record<string, string>;
}

/** What CreateFunction accepts (the JSON body of the REST call). */
export interface CreateFunctionInput {
  FunctionName?: unknown;
  Runtime?: unknown;
  Role?: unknown;
  Handler?: unknown;
  Code?: { ZipFile?: unknown; S3Bucket?: unknown; ImageUri?: unknown };
  Description?: unknown;
  Timeout?: unknown;
  MemorySize?: unknown;
  Environment?: { Variables?: unknown };
  EphemeralStorage?: { Size?: unknown };
  Architectures?: unknown;
  PackageType?: unknown;
  Publish?: unknown;
  Tags?: unknown;
  Layers?: unknown;
}

const NAME_RE = /^[a-zA-Z0-9-_]{1,64}$/;
const ARN_RE = /^(?:arn:(aws[a-zA-Z-]*):lambda:([a-z0-9-]+):(\d{12}):function:)?(?:(\d{12}):function:)?([a-zA-Z0-9-_]{1,64})(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export interface ParsedName {
  name: string;
  qualifier?: string;
}

/** Accepts every form AWS takes: name, name:qualifier, partial ARN, full ARN. */
export function parseFunctionName(input: string): ParsedName {
  const m = input.match(ARN_RE);
  if (!m) {
    throw invalidParameter(
      `1 validation error detected: Value '${input}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    );
  }
  return { name: m[5]!, qualifier: m[6] };
}

/** AWS's LastModified format: `2024-01-31T12:00:00.000+0000`. */
export const lastModified = (d = new Date()): string => d.toISOString().replace('Z', '+0000');

const ARCH = process.arch === 'arm64' ? 'arm64' : 'x86_64';

export class FunctionRegistry {
  constructor(
    private readonly db: Db,
    private readonly code: CodeStore,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  arn(name: string, qualifier?: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
  }

  private notFound(name: string, qualifier?: string): LambdaError {
    return notFound(`Function not found: ${this.arn(name, qualifier)}`);
  }

  async create(input: CreateFunctionInput): Promise<FunctionRecord> {
    if (typeof input !== 'object' || input === null) throw invalidParameter('The request body must be a JSON object.');
    const name = requireString(input.FunctionName, 'FunctionName');
    const { name: bare, qualifier } = parseFunctionName(name);
    if (qualifier) throw invalidParameter('FunctionName must not include a qualifier when creating a function.');
    if (!NAME_RE.test(bare)) throw invalidParameter(`Function name '${bare}' must be 1-64 letters, digits, hyphens or underscores.`);
    if (input.PackageType !== undefined && input.PackageType !== 'Zip') {
      throw invalidParameter('PackageType Image is not supported by the workbench: no container registry is reachable. Upload a .zip package (PackageType Zip).');
    }
    const runtimeId = requireString(input.Runtime, 'Runtime');
    const runtime = this.runtimeFor(runtimeId);
    const role = requireString(input.Role, 'Role');
    const handler = requireString(input.Handler, 'Handler');
    if (handler.length > 128 || /\s/.test(handler)) {
      throw invalidParameter(`Value '${handler}' at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128 and contain no whitespace.`);
    }
    const memory = validateRange(input.MemorySize, 'memorySize', 128, 10240, 128);
    const timeout = validateRange(input.Timeout, 'timeout', 1, 900, 3);
    const storage = validateRange(input.EphemeralStorage?.Size, 'ephemeralStorage.size', 512, 10240, 512);
    const variables = validateEnvironment(input.Environment?.Variables);
    const architectures = this.validateArchitectures(input.Architectures);
    const description = input.Description === undefined ? '' : requireString(input.Description, 'Description', true);
    if (description.length > 256) throw invalidParameter('Description must be at most 256 characters.');
    const tags = validateTags(input.Tags);
    if (input.Layers !== undefined && (!Array.isArray(input.Layers) || input.Layers.length > 0)) {
      throw invalidParameter('Layers are not supported yet by this workbench build.');
    }
    const zip = decodeZip(input.Code);
    if (this.get(bare, false)) throw new LambdaError('ResourceConflictException', `Function already exist: ${bare}`);

    const stored = await this.code.put(zip);
    const config: FunctionConfiguration = {
      FunctionName: bare,
      FunctionArn: this.arn(bare),
      Runtime: runtime.id,
      Role: role,
      Handler: handler,
      CodeSize: stored.size,
      Description: description,
      Timeout: timeout,
      MemorySize: memory,
      LastModified: lastModified(),
      CodeSha256: stored.sha256,
      Version: '$LATEST',
      ...(Object.keys(variables).length ? { Environment: { Variables: variables } } : {}),
      TracingConfig: { Mode: 'PassThrough' },
      RevisionId: randomUUID(),
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: architectures,
      EphemeralStorage: { Size: storage },
      LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${bare}` },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      RuntimeVersionConfig: { RuntimeVersionArn: `arn:aws:lambda:${this.region}::runtime:workbench-${runtime.id}` },
    };
    const record: FunctionRecord = { config, codeKey: stored.key, tags };
    try {
      this.db
        .prepare('INSERT INTO functions (name, config, code_key, created_at) VALUES (?, ?, ?, ?)')
        .run(bare, JSON.stringify({ config, tags }), stored.key, new Date().toISOString());
    } catch (err) {
      if (String(err).includes('UNIQUE')) throw new LambdaError('ResourceConflictException', `Function already exist: ${bare}`);
      throw err;
    }
    this.cache.set(bare, record);
    return record;
  }

  private readonly cache = new Map<string, FunctionRecord>();

  /** Reads a function; `required` turns a miss into ResourceNotFoundException. */
  get(name: string, required: true): FunctionRecord;
  get(name: string, required: false): FunctionRecord | undefined;
  get(name: string, required: boolean): FunctionRecord | undefined {
    let rec = this.cache.get(name);
    if (!rec) {
      const row = this.db.prepare('SELECT config, code_key FROM functions WHERE name = ?').get(name) as
        | { config: string; code_key: string }
        | undefined;
      if (row) {
        const { config, tags } = JSON.parse(row.config) as { config: FunctionConfiguration; tags: Record<string, string> };
        rec = { config, codeKey: row.code_key, tags };
        this.cache.set(name, rec);
      }
    }
    if (!rec && required) throw this.notFound(name);
    return rec;
  }

  /** Resolves a name in any accepted form plus an optional qualifier to something runnable. */
  resolve(functionName: string, qualifier?: string): { record: FunctionRecord; version: FunctionVersion; invokedArn: string } {
    const parsed = parseFunctionName(functionName);
    if (parsed.qualifier && qualifier && parsed.qualifier !== qualifier) {
      throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
    }
    const q = parsed.qualifier ?? qualifier;
    const record = this.get(parsed.name, false);
    if (!record) throw this.notFound(parsed.name, q);
    if (q !== undefined && q !== '$LATEST') throw this.notFound(parsed.name, q);
    return { record, version: this.versionOf(record), invokedArn: this.arn(parsed.name, q) };
  }

  private readonly versions = new WeakMap<FunctionRecord, FunctionVersion>();

  versionOf(record: FunctionRecord): FunctionVersion {
    let v = this.versions.get(record);
    if (!v) {
      const c = record.config;
      v = {
        functionName: c.FunctionName,
        functionArn: c.FunctionArn,
        version: c.Version,
        runtime: this.runtimeFor(c.Runtime, false),
        handler: c.Handler,
        memorySize: c.MemorySize,
        timeout: c.Timeout,
        ephemeralStorage: c.EphemeralStorage.Size,
        environment: c.Environment?.Variables ?? {},
        codeKey: record.codeKey,
        revision: `${c.FunctionName}:${c.Version}:${c.RevisionId}`,
        region: this.region,
      };
      this.versions.set(record, v);
    }
    return v;
  }

  /** Lists functions by name, 50 a page by default, with AWS's opaque marker. */
  list(marker?: string, maxItems?: number): { Functions: FunctionConfiguration[]; NextMarker?: string } {
    const limit = maxItems === undefined ? 50 : maxItems;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10000) throw invalidParameter('MaxItems must be between 1 and 10000.');
    const after = marker ? Buffer.from(marker, 'base64url').toString('utf8') : '';
    const rows = this.db
      .prepare('SELECT name FROM functions WHERE name > ? ORDER BY name LIMIT ?')
      .all(after, limit + 1) as { name: string }[];
    const page = rows.slice(0, limit).map((r) => this.get(r.name, true).config);
    const next = rows.length > limit ? Buffer.from(page[page.length - 1]!.FunctionName).toString('base64url') : undefined;
    return next ? { Functions: page, NextMarker: next } : { Functions: page };
  }

  delete(functionName: string, qualifier?: string): FunctionRecord {
    const parsed = parseFunctionName(functionName);
    const q = parsed.qualifier ?? qualifier;
    const record = this.get(parsed.name, true);
    if (q !== undefined && q !== '$LATEST') throw this.notFound(parsed.name, q);
    if (q === '$LATEST') throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
    this.db.prepare('DELETE FROM functions WHERE name = ?').run(parsed.name);
    this.cache.delete(parsed.name);
    return record;
  }

  private runtimeFor(id: string, forNew = true) {
    const rt = findRuntime(id);
    if (rt) return rt;
    if (forNew && DEPRECATED_RUNTIMES[id]) {
      throw invalidParameter(
        `The runtime parameter of ${id} is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (${DEPRECATED_RUNTIMES[id]}) while creating or updating functions.`,
      );
    }
    const known = listRuntimes().map((r) => r.id).join(', ');
    throw invalidParameter(`Value ${JSON.stringify(id)} at 'runtime' failed to satisfy constraint: the workbench runs ${known}.`);
  }

  private validateArchitectures(value: unknown): string[] {
    if (value === undefined) return [ARCH];
    if (!Array.isArray(value) || value.length !== 1 || (value[0] !== 'x86_64' && value[0] !== 'arm64')) {
      throw invalidParameter("Architectures must be a list with exactly one of 'x86_64' or 'arm64'.");
    }
    if (value[0] !== ARCH) {
      throw invalidParameter(`This machine runs ${ARCH} functions only; ${value[0]} would need an emulator the workbench does not ship.`);
    }
    return [ARCH];
  }
}

function requireString(v: unknown, field: string, allowEmpty = false): string {
  if (typeof v !== 'string' || (!allowEmpty && v.length === 0)) {
    throw invalidParameter(`${field} is required and must be a ${allowEmpty ? '' : 'non-empty '}string.`);
  }
  return v;
}

function decodeZip(code: CreateFunctionInput['Code']): Buffer {
  if (!code || typeof code !== 'object') throw invalidParameter('Code is required: give Code.ZipFile (base64 of a .zip).');
  if (code.S3Bucket !== undefined) throw invalidParameter('Code from S3 is not supported by the workbench: give Code.ZipFile.');
  if (code.ImageUri !== undefined) throw invalidParameter('Container images are not supported by the workbench: give Code.ZipFile.');
  if (typeof code.ZipFile !== 'string' || code.ZipFile.length === 0) throw invalidParameter('Code.ZipFile must be the base64 of a .zip file.');
  if (!/^[A-Za-z0-9+/=\r\n]+$/.test(code.ZipFile)) throw invalidParameter('Code.ZipFile is not valid base64.');
  return Buffer.from(code.ZipFile, 'base64');
}

function validateTags(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidParameter('Tags must be a map of strings.');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalidParameter(`Tag ${k} must have a string value.`);
    out[k] = v;
  }
  return out;
}
