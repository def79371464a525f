// The control plane's functions and their versions, with AWS's validation,
// shapes and conditional updates, persisted in SQLite. `$LATEST` is the
// function row; published versions are immutable snapshots (configuration
// and a code key into the content-addressed CodeStore).
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../store/database.js';
import { LambdaError, constraintViolation, invalidParameter, notFound } from '../errors.js';
import type { CodeStore } from './code-store.js';
import type { FunctionVersion } from '../data/model.js';
import {
  applyConfig,
  applyObservability,
  decodeZip,
  lastModified,
  publishableState,
  requireString,
  runtimeFor,
  validateArchitectures,
  validateTags,
  type ConfigInput,
  type CreateFunctionInput,
  type FunctionConfiguration,
} from './function-config.js';
import { AliasRegistry, type AliasConfiguration } from './aliases.js';
import type { PolicyStatement } from './permissions.js';
import type { StoredEventInvokeConfig } from './event-invoke-config.js';
import type { LayerRecord, LayerRegistry } from './layers.js';
import { MAX_UNZIPPED_BYTES } from './code-store.js';
import type { StoredFunctionUrl } from './function-urls.js';
import {
  DEFAULT_SETTINGS,
  applyWorkbenchFields,
  effectiveCredentials,
  effectiveEndpoints,
  effectiveNetwork,
  withEffective,
  type WorkbenchDefaults,
  type WorkbenchFields,
} from './workbench-settings.js';

export type { CreateFunctionInput, FunctionConfiguration } from './function-config.js';

/** One runnable version: its configuration and its code. */
export interface VersionRecord {
  config: FunctionConfiguration;
  codeKey: string;
}

/** A function: its `$LATEST` version plus what belongs to the function as a whole. */
export interface FunctionRecord extends VersionRecord {
  tags: Record<string, string>;
  /** Reserved concurrency (PutFunctionConcurrency); undefined = shares the unreserved pool. */
  reservedConcurrency?: number;
  /** Resource-based policy statements by qualifier ('' for the function itself). */
  policies?: Record<string, PolicyStatement[]>;
  /** Async invocation settings by qualifier (`$LATEST` for unqualified invocations). */
  eventInvokeConfigs?: Record<string, StoredEventInvokeConfig>;
  /** A folder on disk whose content is this function's `$LATEST` code (linked-folders.ts). */
  linkedFolder?: string;
  /** Provisioned concurrency by qualifier (a version number or an alias). */
  provisioned?: Record<string, { requested: number; lastModified: string }>;
  /** Function URLs by qualifier (`$LATEST` or an alias); see function-urls.ts. */
  urls?: Record<string, StoredFunctionUrl>;
  /** The highest version number ever published (numbers are never reused). */
  lastVersion: number;
  /** What the workbench's window keeps about a function it made (never shown to AWS clients). */
  workbench?: WorkbenchMeta;
}

/** The window's own facts about a function: the template that made it, the files its build writes. */
export interface WorkbenchMeta {
  template?: string;
  /** Paths in the code that the build wrote (a TypeScript function's bundle), not the user. */
  generated?: string[];
}

/**
 * What changed, for whoever follows the control plane live (the window's `functions` stream):
 * `code` is new `$LATEST` code; `updated` anything else about the function (configuration,
 * versions, aliases, tags, a linked folder).
 */
export type FunctionChange = 'created' | 'updated' | 'deleted' | 'code';
export type FunctionChangeListener = (name: string, change: FunctionChange) => void;

export interface Resolved {
  record: FunctionRecord;
  target: VersionRecord;
  version: FunctionVersion;
  invokedArn: string;
  alias?: AliasConfiguration;
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
    throw constraintViolation(
      `1 validation error detected: Value '${input}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    );
  }
  return { name: m[5]!, qualifier: m[6] };
}

export { lastModified };

const preconditionFailed = () =>
  new LambdaError(
    'PreconditionFailedException',
    'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
  );

export class FunctionRegistry {
  private readonly cache = new Map<string, FunctionRecord>();
  private readonly versionCache = new Map<string, VersionRecord>();
  private readonly runnable = new WeakMap<VersionRecord, FunctionVersion>();
  readonly aliases: AliasRegistry;
  private readonly changeListeners = new Set<FunctionChangeListener>();

  constructor(
    private readonly db: Db,
    private readonly code: CodeStore,
    private readonly region: string,
    private readonly accountId: string,
    private readonly layers: LayerRegistry,
    /** Told of every configuration state a function goes through (config history). */
    private readonly onChange: (fn: string, change: 'created' | 'updated' | 'published' | 'deleted', config: FunctionConfiguration | null) => void = () => {},
    /** The workbench's defaults for network, credentials and endpoints (serve flags; what the machine allows). */
    private readonly settings: () => WorkbenchDefaults = () => DEFAULT_SETTINGS,
  ) {
    this.aliases = new AliasRegistry(db, (name, q) => this.arn(name, q), (name, v) => this.hasVersion(name, v), (name) => this.changed(name, 'updated'));
  }

  /**
   * Follows every write to a function, whoever made it (the REST API, the window, a linked
   * folder): the one place the control plane tells of its changes. Returns the unsubscribe.
   */
  onChanged(listener: FunctionChangeListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(name: string, change: FunctionChange): void {
    for (const listener of this.changeListeners) {
      try {
        listener(name, change);
      } catch {
        /* a listener's failure is its own: the write has happened */
      }
    }
  }

  arn(name: string, qualifier?: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
  }

  private notFound(name: string, qualifier?: string): LambdaError {
    return notFound(`Function not found: ${this.arn(name, qualifier)}`);
  }

  /** `workbench`: the window's own facts (the template it made the function from). */
  async create(input: CreateFunctionInput, workbench?: WorkbenchMeta): Promise<FunctionRecord> {
    if (typeof input !== 'object' || input === null) throw invalidParameter('The request body must be a JSON object.');
    const { name: bare, qualifier } = parseFunctionName(requireString(input.FunctionName, 'FunctionName'));
    if (qualifier) throw invalidParameter('FunctionName must not include a qualifier when creating a function.');
    if (!NAME_RE.test(bare)) throw invalidParameter(`Function name '${bare}' must be 1-64 letters, digits, hyphens or underscores.`);
    if (input.PackageType !== undefined && input.PackageType !== 'Zip') {
      throw invalidParameter('PackageType Image is not supported by the workbench: no container registry is reachable. Upload a .zip package (PackageType Zip).');
    }
    const fields = { ...applyConfig(input), ...applyObservability(input, undefined, bare) };
    const reach = applyWorkbenchFields(input);
    const architectures = validateArchitectures(input.Architectures);
    const tags = validateTags(input.Tags);
    const zip = decodeZip(input.Code);
    if (this.get(bare, false)) throw new LambdaError('ResourceConflictException', `Function already exist: ${bare}`);

    const layers = input.Layers === undefined ? [] : this.layers.resolveArns(input.Layers);
    const stored = await this.code.put(zip);
    checkUnzippedTotal(stored.unzippedSize, layers);
    const runtimeId = fields.Runtime!;
    const config: FunctionConfiguration = withEffective({
      FunctionName: bare,
      FunctionArn: this.arn(bare),
      Runtime: runtimeId,
      Role: fields.Role!,
      Handler: fields.Handler!,
      CodeSize: stored.size,
      Description: fields.Description!,
      Timeout: fields.Timeout!,
      MemorySize: fields.MemorySize!,
      LastModified: lastModified(),
      CodeSha256: stored.sha256,
      Version: '$LATEST',
      ...(fields.Environment ? { Environment: fields.Environment } : {}),
      ...(layers.length ? { Layers: layerRefs(layers) } : {}),
      TracingConfig: fields.TracingConfig!,
      ...(fields.DeadLetterConfig ? { DeadLetterConfig: fields.DeadLetterConfig } : {}),
      ...(fields.KMSKeyArn ? { KMSKeyArn: fields.KMSKeyArn } : {}),
      RevisionId: randomUUID(),
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: architectures,
      EphemeralStorage: fields.EphemeralStorage!,
      LoggingConfig: fields.LoggingConfig!,
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      RuntimeVersionConfig: { RuntimeVersionArn: `arn:aws:lambda:${this.region}::runtime:workbench-${runtimeId}` },
      ...definedOnly(reach),
    }, this.settings());
    const record: FunctionRecord = { config, codeKey: stored.key, tags, lastVersion: 0, ...(workbench ? { workbench } : {}) };
    try {
      this.db
        .prepare('INSERT INTO functions (name, config, code_key, created_at, last_version) VALUES (?, ?, ?, ?, 0)')
        .run(bare, JSON.stringify(storedFields(record)), stored.key, new Date().toISOString());
    } catch (err) {
      if (String(err).includes('UNIQUE')) throw new LambdaError('ResourceConflictException', `Function already exist: ${bare}`);
      throw err;
    }
    this.cache.set(bare, record);
    this.onChange(bare, 'created', config);
    this.changed(bare, 'created');
    if (input.Publish === true) this.publishVersion(bare, {});
    return record;
  }

  /** Reads a function's `$LATEST`; `required` turns a miss into ResourceNotFoundException. */
  get(name: string, required: true): FunctionRecord;
  get(name: string, required: false): FunctionRecord | undefined;
  get(name: string, required: boolean): FunctionRecord | undefined {
    let rec = this.cache.get(name);
    if (!rec) {
      const row = this.db.prepare('SELECT config, code_key, last_version FROM functions WHERE name = ?').get(name) as
        | { config: string; code_key: string; last_version: number }
        | undefined;
      if (row) {
        const { config, ...rest } = JSON.parse(row.config) as Omit<FunctionRecord, 'codeKey' | 'lastVersion'>;
        rec = { ...rest, config: withEffective(config, this.settings()), codeKey: row.code_key, lastVersion: row.last_version };
        this.cache.set(name, rec);
      }
    }
    if (!rec && required) throw this.notFound(name);
    return rec;
  }

  private save(record: FunctionRecord): void {
    const name = record.config.FunctionName;
    this.db
      .prepare('UPDATE functions SET config = ?, code_key = ?, last_version = ? WHERE name = ?')
      .run(JSON.stringify(storedFields(record)), record.codeKey, record.lastVersion, name);
    this.cache.set(name, record);
  }

  /** A published version, or undefined. */
  getVersion(name: string, version: string): VersionRecord | undefined {
    const key = `${name}:${version}`;
    let rec = this.versionCache.get(key);
    if (!rec && /^\d+$/.test(version)) {
      const row = this.db.prepare('SELECT config, code_key FROM versions WHERE function_name = ? AND version = ?').get(name, Number(version)) as
        | { config: string; code_key: string }
        | undefined;
      if (row) {
        rec = { config: withEffective(JSON.parse(row.config) as FunctionConfiguration, this.settings()), codeKey: row.code_key };
        this.versionCache.set(key, rec);
      }
    }
    return rec;
  }

  private hasVersion(name: string, version: string): boolean {
    return version === '$LATEST' ? this.get(name, false) !== undefined : this.getVersion(name, version) !== undefined;
  }

  /** Resolves a name in any accepted form plus an optional qualifier (version or alias) to something runnable. */
  resolve(functionName: string, qualifier?: string): Resolved {
    const parsed = parseFunctionName(functionName);
    if (parsed.qualifier && qualifier && parsed.qualifier !== qualifier) {
      throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
    }
    const q = parsed.qualifier ?? qualifier;
    const record = this.get(parsed.name, false);
    if (!record) throw this.notFound(parsed.name, q);
    const invokedArn = this.arn(parsed.name, q);
    if (q === undefined || q === '$LATEST') return { record, target: record, version: this.versionOf(record), invokedArn };
    if (/^\d+$/.test(q)) {
      const target = this.getVersion(parsed.name, q);
      if (!target) throw this.notFound(parsed.name, q);
      return { record, target, version: this.versionOf(target), invokedArn };
    }
    const alias = this.aliases.get(parsed.name, q, false);
    if (!alias) throw this.notFound(parsed.name, q);
    const chosen = this.aliases.pickVersion(alias);
    const target = chosen === '$LATEST' ? record : this.getVersion(parsed.name, chosen);
    if (!target) throw this.notFound(parsed.name, chosen);
    return { record, target, version: this.versionOf(target), invokedArn, alias };
  }

  /** The immutable runnable form of a version (one object per version record, so pools key on it). */
  versionOf(rec: VersionRecord): FunctionVersion {
    let v = this.runnable.get(rec);
    if (!v) {
      const c = rec.config;
      v = {
        functionName: c.FunctionName,
        functionArn: c.FunctionArn,
        version: c.Version,
        runtime: runtimeFor(c.Runtime, false),
        handler: c.Handler,
        memorySize: c.MemorySize,
        timeout: c.Timeout,
        ephemeralStorage: c.EphemeralStorage.Size,
        environment: c.Environment?.Variables ?? {},
        codeKey: rec.codeKey,
        layerKeys: this.layers.codeKeys((c.Layers ?? []).map((l) => l.Arn)),
        runKey: '',
        logGroup: c.LoggingConfig?.LogGroup ?? `/aws/lambda/${c.FunctionName}`,
        logFormat: c.LoggingConfig?.LogFormat ?? 'Text',
        ...(c.LoggingConfig?.ApplicationLogLevel ? { applicationLogLevel: c.LoggingConfig.ApplicationLogLevel } : {}),
        ...(c.LoggingConfig?.SystemLogLevel ? { systemLogLevel: c.LoggingConfig.SystemLogLevel } : {}),
        tracingActive: c.TracingConfig?.Mode === 'Active',
        region: this.region,
        ...runsWith(c, this.settings()),
      };
      v.runKey = runKeyOf(v);
      this.runnable.set(rec, v);
    }
    return v;
  }

  /** Lists functions by name, 50 a page by default, with AWS's opaque marker. */
  list(marker?: string, maxItems?: number): { Functions: FunctionConfiguration[]; NextMarker?: string } {
    const limit = pageSize(maxItems);
    const after = marker ? Buffer.from(marker, 'base64url').toString('utf8') : '';
    const rows = this.db
      .prepare('SELECT name FROM functions WHERE name > ? ORDER BY name LIMIT ?')
      .all(after, limit + 1) as { name: string }[];
    const page = rows.slice(0, limit).map((r) => this.get(r.name, true).config);
    const next = rows.length > limit ? Buffer.from(page[page.length - 1]!.FunctionName).toString('base64url') : undefined;
    return next ? { Functions: page, NextMarker: next } : { Functions: page };
  }

  /**
   * Deletes the function (no qualifier), or one published version. A version
   * an alias points to cannot go (ResourceConflictException).
   */
  delete(functionName: string, qualifier?: string): { record: FunctionRecord; version?: string } {
    const parsed = parseFunctionName(functionName);
    const q = parsed.qualifier ?? qualifier;
    const record = this.get(parsed.name, true);
    if (q === '$LATEST') throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
    if (q !== undefined) {
      if (!/^\d+$/.test(q) || !this.getVersion(parsed.name, q)) throw this.notFound(parsed.name, q);
      const users = this.aliases.referencing(parsed.name, q);
      if (users.length) {
        throw new LambdaError('ResourceConflictException', `Unable to delete version because the following aliases reference it: [${users.join(', ')}]`);
      }
      this.db.prepare('DELETE FROM versions WHERE function_name = ? AND version = ?').run(parsed.name, Number(q));
      this.versionCache.delete(`${parsed.name}:${q}`);
      this.changed(parsed.name, 'updated');
      return { record, version: q };
    }
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM versions WHERE function_name = ?').run(parsed.name);
      this.aliases.deleteAll(parsed.name);
      this.db.prepare('DELETE FROM functions WHERE name = ?').run(parsed.name);
    })();
    this.cache.delete(parsed.name);
    this.reservedSum = undefined;
    this.onChange(parsed.name, 'deleted', null);
    for (const k of [...this.versionCache.keys()]) if (k.startsWith(`${parsed.name}:`)) this.versionCache.delete(k);
    this.changed(parsed.name, 'deleted');
    return { record };
  }

  private checkRevision(record: FunctionRecord, revisionId: unknown): void {
    if (revisionId !== undefined && revisionId !== record.config.RevisionId) throw preconditionFailed();
  }

  /** UpdateFunctionCode: new code for `$LATEST`, optionally published at once. */
  async updateCode(name: string, input: { ZipFile?: unknown; Publish?: unknown; RevisionId?: unknown }): Promise<VersionRecord> {
    const fnName = parseFunctionName(name).name;
    this.checkRevision(this.get(fnName, true), input.RevisionId); // fail fast, before storing the code
    const stored = await this.code.put(decodeZip(input));
    // From here on nothing awaits, so no other write interleaves: the record is read again, or
    // configuration updates answered 200 while the code was being stored would be reverted by a
    // stale copy, and the RevisionId condition is checked against what is really there.
    const record = this.get(fnName, true);
    this.checkRevision(record, input.RevisionId);
    // Layers already attached count even if their versions were deleted since.
    checkUnzippedTotal(stored.unzippedSize, this.layers.resolveArns((record.config.Layers ?? []).map((l) => l.Arn), true));
    const updated: FunctionRecord = {
      ...record,
      codeKey: stored.key,
      config: { ...record.config, CodeSha256: stored.sha256, CodeSize: stored.size, LastModified: lastModified(), RevisionId: randomUUID() },
    };
    this.save(updated);
    this.onChange(record.config.FunctionName, 'updated', updated.config);
    this.changed(record.config.FunctionName, 'code');
    return input.Publish === true ? this.publishVersion(record.config.FunctionName, {}) : updated;
  }

  /** UpdateFunctionConfiguration: only the fields given change. */
  updateConfiguration(name: string, input: ConfigInput): FunctionRecord {
    if (typeof input !== 'object' || input === null) throw invalidParameter('The request body must be a JSON object.');
    const record = this.get(parseFunctionName(name).name, true);
    this.checkRevision(record, input.RevisionId);
    const fields = { ...applyConfig(input, record.config), ...applyObservability(input, record.config, record.config.FunctionName) };
    const reach = applyWorkbenchFields(input, record.config);
    if (input.Layers !== undefined) {
      const layers = this.layers.resolveArns(input.Layers);
      checkUnzippedTotal(this.code.unzippedSize(record.codeKey), layers);
      fields.Layers = layers.length ? layerRefs(layers) : undefined;
    }
    let config: FunctionConfiguration = { ...record.config, ...fields, ...reach, LastModified: lastModified(), RevisionId: randomUUID() };
    for (const k of Object.keys(reach) as (keyof WorkbenchFields)[]) if (!reach[k]) delete config[k];
    config = withEffective(config, this.settings());
    if ('Layers' in fields && !fields.Layers) delete config.Layers;
    if ('Environment' in fields && !fields.Environment) delete config.Environment;
    if ('DeadLetterConfig' in fields && !fields.DeadLetterConfig) delete config.DeadLetterConfig;
    if ('KMSKeyArn' in fields && !fields.KMSKeyArn) delete config.KMSKeyArn;
    if (fields.Runtime) config.RuntimeVersionConfig = { RuntimeVersionArn: `arn:aws:lambda:${this.region}::runtime:workbench-${fields.Runtime}` };
    const updated: FunctionRecord = { ...record, config };
    this.save(updated);
    this.onChange(record.config.FunctionName, 'updated', config);
    this.changed(record.config.FunctionName, 'updated');
    return updated;
  }

  /**
   * PublishVersion: snapshots `$LATEST` as the next number. Publishing an
   * unchanged `$LATEST` returns the latest version, as AWS does.
   */
  publishVersion(name: string, input: { CodeSha256?: unknown; Description?: unknown; RevisionId?: unknown }): VersionRecord {
    const record = this.get(parseFunctionName(name).name, true);
    this.checkRevision(record, input.RevisionId);
    if (input.CodeSha256 !== undefined && input.CodeSha256 !== record.config.CodeSha256) {
      throw invalidParameter(`CodeSha256 (${String(input.CodeSha256)}) is different from current CodeSha256 in $LATEST (${record.config.CodeSha256}). Please try again.`);
    }
    const fn = record.config.FunctionName;
    if (record.lastVersion > 0) {
      const last = this.getVersion(fn, String(record.lastVersion));
      if (last && last.codeKey === record.codeKey && publishableState(last.config) === publishableState(record.config)) return last;
    }
    const number = record.lastVersion + 1;
    const description = input.Description === undefined ? record.config.Description : requireString(input.Description, 'Description', true);
    const config: FunctionConfiguration = {
      ...record.config,
      FunctionArn: this.arn(fn, String(number)),
      Version: String(number),
      Description: description,
      RevisionId: randomUUID(),
    };
    const version: VersionRecord = { config, codeKey: record.codeKey };
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO versions (function_name, version, config, code_key, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(fn, number, JSON.stringify(config), record.codeKey, new Date().toISOString());
      // Publishing changes $LATEST's revision too, as on AWS.
      this.save({ ...record, lastVersion: number, config: { ...record.config, RevisionId: randomUUID() } });
    })();
    this.versionCache.set(`${fn}:${number}`, version);
    this.onChange(fn, 'published', config);
    this.changed(fn, 'updated');
    return version;
  }

  /** ListVersionsByFunction: `$LATEST` first, then published versions in order. */
  listVersions(name: string, marker?: string, maxItems?: number): { Versions: FunctionConfiguration[]; NextMarker?: string } {
    const record = this.get(parseFunctionName(name).name, true);
    const fn = record.config.FunctionName;
    const numbers = (this.db.prepare('SELECT version FROM versions WHERE function_name = ? ORDER BY version').all(fn) as { version: number }[]).map((r) => r.version);
    const all: FunctionConfiguration[] = [record.config, ...numbers.map((n) => this.getVersion(fn, String(n))!.config)];
    const start = marker ? Number(Buffer.from(marker, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(start) || start < 0) throw invalidParameter('Marker is not one this API returned.');
    const limit = pageSize(maxItems);
    const page = all.slice(start, start + limit);
    return start + limit < all.length ? { Versions: page, NextMarker: Buffer.from(String(start + limit)).toString('base64url') } : { Versions: page };
  }

  /** The configuration a GetFunction / GetFunctionConfiguration with this qualifier shows. */
  describe(functionName: string, qualifier?: string): { record: FunctionRecord; target: VersionRecord } {
    const parsed = parseFunctionName(functionName);
    const q = parsed.qualifier ?? qualifier;
    const record = this.get(parsed.name, false);
    if (!record) throw this.notFound(parsed.name, q);
    if (q === undefined || q === '$LATEST') return { record, target: record };
    const version = /^\d+$/.test(q) ? q : this.aliases.get(parsed.name, q, false)?.FunctionVersion;
    const target = version === '$LATEST' ? record : version ? this.getVersion(parsed.name, version) : undefined;
    if (!target) throw this.notFound(parsed.name, q);
    return { record, target };
  }

  /** Changes what belongs to the function as a whole (tags, concurrency, policies), not its code or configuration. */
  patch(name: string, change: (record: FunctionRecord) => Partial<FunctionRecord>): FunctionRecord {
    const record = this.get(parseFunctionName(name).name, true);
    const updated = { ...record, ...change(record) };
    this.save(updated);
    this.changed(updated.config.FunctionName, 'updated');
    return updated;
  }

  /**
   * A function (and an optional qualifier) that settings attach to: checks
   * both exist and gives the function's own name, the qualifier and its ARN.
   */
  qualified(functionName: string, qualifier?: string): { fn: string; qualifier?: string; arn: string } {
    const parsed = parseFunctionName(functionName);
    const q = parsed.qualifier ?? qualifier;
    const fn = this.describe(parsed.name, q).record.config.FunctionName;
    return { fn, qualifier: q, arn: this.arn(fn, q) };
  }

  /** Tags live on the function (the unqualified ARN). */
  setTags(name: string, tags: Record<string, string>, remove: string[] = []): Record<string, string> {
    return this.patch(name, (r) => {
      const next = { ...r.tags, ...tags };
      for (const k of remove) delete next[k];
      return { tags: next };
    }).tags;
  }

  /** PutFunctionConcurrency / DeleteFunctionConcurrency (undefined removes the reservation). */
  setReservedConcurrency(name: string, value: number | undefined): FunctionRecord {
    this.reservedSum = undefined;
    return this.patch(name, () => ({ reservedConcurrency: value }));
  }

  /** Sum of every function's reserved concurrency; cached, since every unreserved invoke reads it. */
  totalReserved(except?: string): number {
    if (except !== undefined) return this.totalReserved() - (this.get(except, false)?.reservedConcurrency ?? 0);
    if (this.reservedSum === undefined) {
      let total = 0;
      for (const r of this.db.prepare('SELECT name FROM functions').all() as { name: string }[]) total += this.get(r.name, true).reservedConcurrency ?? 0;
      this.reservedSum = total;
    }
    return this.reservedSum;
  }

  private reservedSum: number | undefined;

  /** Every function's `$LATEST` record. */
  all(): FunctionRecord[] {
    return (this.db.prepare('SELECT name FROM functions ORDER BY name').all() as { name: string }[]).map((r) => this.get(r.name, true));
  }

  count(): { functions: number; codeBytes: number } {
    const row = this.db.prepare('SELECT COUNT(*) AS n FROM functions').get() as { n: number };
    let bytes = 0;
    for (const r of this.db.prepare('SELECT name FROM functions').all() as { name: string }[]) bytes += this.get(r.name, true).config.CodeSize;
    return { functions: row.n, codeBytes: bytes };
  }
}

/** What a version's envs reach and hold: network policy, credentials source, endpoints (workbench-settings.ts). */
function runsWith(c: FunctionConfiguration, d: WorkbenchDefaults): Pick<FunctionVersion, 'network' | 'credentials' | 'endpoints'> {
  const n = effectiveNetwork(c, d);
  return {
    network: { mode: n.Mode, internet: n.Internet, hostPorts: n.HostPorts },
    credentials: effectiveCredentials(c, d).Source,
    endpoints: effectiveEndpoints(c, d),
  };
}

/** The workbench fields that are set (an undefined one is not stored at all). */
function definedOnly(f: WorkbenchFields): WorkbenchFields {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));
}

function layerRefs(layers: LayerRecord[]): { Arn: string; CodeSize: number }[] {
  return layers.map((l) => ({ Arn: l.view.LayerVersionArn, CodeSize: l.view.Content.CodeSize }));
}

/** AWS counts a function's code and its layers together against 250 MB unzipped. */
function checkUnzippedTotal(codeBytes: number, layers: LayerRecord[]): void {
  const total = layers.reduce((n, l) => n + l.unzippedSize, codeBytes);
  if (total > MAX_UNZIPPED_BYTES) {
    throw invalidParameter(`Function code combined with layers exceeds the maximum allowed size of ${MAX_UNZIPPED_BYTES} bytes. The actual size is ${total} bytes.`);
  }
}

/** The function-level fields kept in the functions row's JSON. */
function storedFields(r: FunctionRecord): Omit<FunctionRecord, 'codeKey' | 'lastVersion'> {
  const { codeKey: _c, lastVersion: _l, ...rest } = r;
  return rest;
}

function pageSize(maxItems?: number): number {
  const limit = maxItems === undefined ? 50 : maxItems;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10000) throw invalidParameter('MaxItems must be between 1 and 10000.');
  return limit;
}

/** The key of what a version runs (FunctionVersion.runKey): its name and version, and a hash of the rest. */
function runKeyOf(v: FunctionVersion): string {
  const { functionName, version, functionArn: _arn, runKey: _key, region: _region, ...runs } = v;
  return `${functionName}:${version}:${createHash('sha256').update(JSON.stringify(runs)).digest('hex').slice(0, 32)}`;
}
