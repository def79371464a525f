// Aliases: named pointers to a version, optionally splitting traffic with a
// second version by weight (RoutingConfig.AdditionalVersionWeights).
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.js';
import { LambdaError, invalidParameter, notFound } from '../errors.js';
import { requireString } from './function-config.js';

export interface AliasConfiguration {
  AliasArn: string;
  Name: string;
  FunctionVersion: string;
  Description: string;
  RoutingConfig?: { AdditionalVersionWeights: Record<string, number> };
  RevisionId: string;
}

export interface AliasInput {
  Name?: unknown;
  FunctionVersion?: unknown;
  Description?: unknown;
  RoutingConfig?: { AdditionalVersionWeights?: unknown } | null;
  RevisionId?: unknown;
}

/** AWS: 1–128 characters, not all digits (that would read as a version). */
const ALIAS_RE = /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/;

export class AliasRegistry {
  private readonly cache = new Map<string, AliasConfiguration>();

  constructor(
    private readonly db: Db,
    private readonly arn: (name: string, qualifier?: string) => string,
    private readonly versionExists: (name: string, version: string) => boolean,
    /** Told of every alias written or deleted (the function changed for whoever follows it). */
    private readonly onChange: (fn: string) => void = () => {},
  ) {}

  get(fn: string, alias: string, required: true): AliasConfiguration;
  get(fn: string, alias: string, required: false): AliasConfiguration | undefined;
  get(fn: string, alias: string, required: boolean): AliasConfiguration | undefined {
    const key = `${fn}:${alias}`;
    let a = this.cache.get(key);
    if (!a) {
      const row = this.db.prepare('SELECT config FROM aliases WHERE function_name = ? AND name = ?').get(fn, alias) as { config: string } | undefined;
      if (row) {
        a = JSON.parse(row.config) as AliasConfiguration;
        this.cache.set(key, a);
      }
    }
    if (!a && required) throw notFound(`Alias not found: ${this.arn(fn, alias)}`);
    return a;
  }

  list(fn: string, functionVersion?: string): AliasConfiguration[] {
    const rows = this.db.prepare('SELECT name FROM aliases WHERE function_name = ? ORDER BY name').all(fn) as { name: string }[];
    return rows.map((r) => this.get(fn, r.name, true)).filter((a) => !functionVersion || a.FunctionVersion === functionVersion);
  }

  create(fn: string, input: AliasInput): AliasConfiguration {
    const name = requireString(input.Name, 'Name');
    if (!ALIAS_RE.test(name)) throw invalidParameter(`Alias name '${name}' must be 1-128 letters, digits, hyphens or underscores and not only digits.`);
    if (this.get(fn, name, false)) throw new LambdaError('ResourceConflictException', `Alias already exists: ${this.arn(fn, name)}`);
    const alias = this.validated(fn, name, input, undefined);
    this.db.prepare('INSERT INTO aliases (function_name, name, config) VALUES (?, ?, ?)').run(fn, name, JSON.stringify(alias));
    this.cache.set(`${fn}:${name}`, alias);
    this.onChange(fn);
    return alias;
  }

  update(fn: string, name: string, input: AliasInput): AliasConfiguration {
    const current = this.get(fn, name, true);
    if (input.RevisionId !== undefined && input.RevisionId !== current.RevisionId) {
      throw new LambdaError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
    }
    const alias = this.validated(fn, name, input, current);
    this.db.prepare('UPDATE aliases SET config = ? WHERE function_name = ? AND name = ?').run(JSON.stringify(alias), fn, name);
    this.cache.set(`${fn}:${name}`, alias);
    this.onChange(fn);
    return alias;
  }

  delete(fn: string, name: string): void {
    const removed = this.db.prepare('DELETE FROM aliases WHERE function_name = ? AND name = ?').run(fn, name).changes > 0;
    this.cache.delete(`${fn}:${name}`);
    if (removed) this.onChange(fn);
  }

  deleteAll(fn: string): void {
    this.db.prepare('DELETE FROM aliases WHERE function_name = ?').run(fn);
    for (const k of [...this.cache.keys()]) if (k.startsWith(`${fn}:`)) this.cache.delete(k);
  }

  /** Names of the aliases that route any traffic to a version. */
  referencing(fn: string, version: string): string[] {
    return this.list(fn)
      .filter((a) => a.FunctionVersion === version || (a.RoutingConfig && version in a.RoutingConfig.AdditionalVersionWeights))
      .map((a) => a.Name);
  }

  /** The version one invocation of the alias runs: the additional version with its weight's probability. */
  pickVersion(alias: AliasConfiguration, random = Math.random()): string {
    const weights = alias.RoutingConfig?.AdditionalVersionWeights;
    if (weights) {
      let acc = 0;
      for (const [version, weight] of Object.entries(weights)) {
        acc += weight;
        if (random < acc) return version;
      }
    }
    return alias.FunctionVersion;
  }

  private validated(fn: string, name: string, input: AliasInput, current: AliasConfiguration | undefined): AliasConfiguration {
    const version = input.FunctionVersion === undefined && current ? current.FunctionVersion : requireString(input.FunctionVersion, 'FunctionVersion');
    if (!this.versionExists(fn, version)) throw notFound(`Function not found: ${this.arn(fn, version)}`);
    const description = input.Description === undefined ? current?.Description ?? '' : requireString(input.Description, 'Description', true);
    let routing = current?.RoutingConfig;
    if (input.RoutingConfig !== undefined) routing = this.validatedRouting(fn, version, input.RoutingConfig);
    return {
      AliasArn: this.arn(fn, name),
      Name: name,
      FunctionVersion: version,
      Description: description,
      ...(routing ? { RoutingConfig: routing } : {}),
      RevisionId: randomUUID(),
    };
  }

  private validatedRouting(fn: string, primary: string, routing: AliasInput['RoutingConfig']): AliasConfiguration['RoutingConfig'] {
    const weights = routing?.AdditionalVersionWeights;
    if (weights === undefined || weights === null) return undefined;
    if (typeof weights !== 'object' || Array.isArray(weights)) throw invalidParameter('AdditionalVersionWeights must be a map of version to weight.');
    const entries = Object.entries(weights as Record<string, unknown>);
    if (entries.length === 0) return undefined;
    if (entries.length > 1) throw invalidParameter('An alias can route to at most one additional version.');
    const [version, weight] = entries[0]!;
    if (typeof weight !== 'number' || !(weight >= 0 && weight <= 1)) throw invalidParameter(`The weight of version ${version} must be a number from 0.0 to 1.0.`);
    if (primary === '$LATEST' || version === '$LATEST') throw invalidParameter('Routing between versions needs published versions on both sides, not $LATEST.');
    if (version === primary) throw invalidParameter(`Version ${version} is already the alias's primary version; choose another version for additional routing.`);
    if (!this.versionExists(fn, version)) throw notFound(`Function not found: ${this.arn(fn, version)}`);
    return { AdditionalVersionWeights: { [version]: weight } };
  }
}
