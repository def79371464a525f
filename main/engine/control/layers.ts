// Layers: versioned zip archives a function mounts under /opt, up to five,
// extracted in order (a later layer overwrites an earlier one's files). A
// layer version is immutable; deleting it does not take it from functions
// that already use it (their code snapshot keeps the content), as on AWS.
import type { Db } from '../store/database.js';
import { constraintViolation, invalidParameter, notFound } from '../errors.js';
import type { CodeStore } from './code-store.js';
import { decodeZip, requireString } from './function-config.js';

export interface LayerVersion {
  Content: { Location: string; CodeSha256: string; CodeSize: number };
  LayerArn: string;
  LayerVersionArn: string;
  Description: string;
  CreatedDate: string;
  Version: number;
  CompatibleRuntimes?: string[];
  CompatibleArchitectures?: string[];
  LicenseInfo?: string;
}

/** A layer version as ListLayerVersions and ListLayers show it: no Content, no LayerArn. */
export type LayerVersionsListItem = Omit<LayerVersion, 'Content' | 'LayerArn'>;

/** ListLayers / ListLayerVersions filters: only versions that declare the runtime or architecture. */
export interface LayerFilter {
  runtime?: string;
  architecture?: string;
}

const matches = (v: LayerVersion, f: LayerFilter): boolean =>
  (f.runtime === undefined || (v.CompatibleRuntimes ?? []).includes(f.runtime)) &&
  (f.architecture === undefined || (v.CompatibleArchitectures ?? []).includes(f.architecture));

function listItem(v: LayerVersion): LayerVersionsListItem {
  const { Content: _content, LayerArn: _arn, ...item } = v;
  return item;
}

/** MaxItems: 1 to 50, 50 when not given (AWS's range for both list operations). */
function pageLimit(maxItems: number | undefined): number {
  if (maxItems === undefined) return 50;
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 50) {
    throw constraintViolation(`1 validation error detected: Value '${maxItems}' at 'maxItems' failed to satisfy constraint: Member must have value ${maxItems < 1 ? 'greater than or equal to 1' : 'less than or equal to 50'}`);
  }
  return maxItems;
}

export interface LayerRecord {
  view: LayerVersion;
  codeKey: string;
  unzippedSize: number;
}

const LAYER_NAME_RE = /^[a-zA-Z0-9-_]{1,64}$/;
const LAYER_ARN_RE = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:layer:([a-zA-Z0-9-_]+):(\d+)$/;
export const MAX_LAYERS = 5;

export class LayerRegistry {
  constructor(
    private readonly db: Db,
    private readonly code: CodeStore,
    private readonly region: string,
    private readonly accountId: string,
    private readonly location: (codeKey: string) => string,
  ) {}

  layerArn(name: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:layer:${name}`;
  }

  async publish(name: string, input: Record<string, unknown>): Promise<LayerVersion> {
    if (!LAYER_NAME_RE.test(name)) throw invalidParameter(`Layer name '${name}' must be 1-64 letters, digits, hyphens or underscores.`);
    const content = input.Content as { ZipFile?: unknown } | undefined;
    if (!content || typeof content !== 'object') throw invalidParameter('Content is required: give Content.ZipFile (base64 of a .zip).');
    const stored = await this.code.put(decodeZip(content));
    const strings = (v: unknown, field: string) => {
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidParameter(`${field} must be a list of strings.`);
      return v as string[];
    };
    const version = this.highestEver(name) + 1;
    const view: LayerVersion = {
      Content: { Location: this.location(stored.key), CodeSha256: stored.sha256, CodeSize: stored.size },
      LayerArn: this.layerArn(name),
      LayerVersionArn: `${this.layerArn(name)}:${version}`,
      Description: input.Description === undefined ? '' : requireString(input.Description, 'Description', true),
      CreatedDate: new Date().toISOString().replace('Z', '+0000'),
      Version: version,
      ...(input.CompatibleRuntimes !== undefined ? { CompatibleRuntimes: strings(input.CompatibleRuntimes, 'CompatibleRuntimes') } : {}),
      ...(input.CompatibleArchitectures !== undefined ? { CompatibleArchitectures: strings(input.CompatibleArchitectures, 'CompatibleArchitectures') } : {}),
      ...(typeof input.LicenseInfo === 'string' ? { LicenseInfo: input.LicenseInfo } : {}),
    };
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO layers (name, version, config, code_key, unzipped_size, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(name, version, JSON.stringify(view), stored.key, stored.unzippedSize, view.CreatedDate);
      this.db.prepare('INSERT INTO layer_names (name, highest) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET highest = excluded.highest').run(name, version);
    })();
    return view;
  }

  /** Version numbers are never reused, even after the newest is deleted. */
  private highestEver(name: string): number {
    return (this.db.prepare('SELECT highest FROM layer_names WHERE name = ?').get(name) as { highest: number } | undefined)?.highest ?? 0;
  }

  /** A layer version; `includeDeleted` for functions that already use it (they keep working). */
  get(name: string, version: number, includeDeleted = false): LayerRecord {
    const row = this.db
      .prepare(`SELECT config, code_key, unzipped_size FROM layers WHERE name = ? AND version = ?${includeDeleted ? '' : ' AND deleted = 0'}`)
      .get(name, version) as
      | { config: string; code_key: string; unzipped_size: number }
      | undefined;
    if (!row) throw notFound(`The resource you requested does not exist. (${this.layerArn(name)}:${version})`);
    const view = JSON.parse(row.config) as LayerVersion;
    view.Content.Location = this.location(row.code_key); // presigned URLs expire: made fresh on each read
    return { view, codeKey: row.code_key, unzippedSize: row.unzipped_size };
  }

  /** Resolves a function's `Layers` list (version ARNs) to records, checking AWS's rules. */
  resolveArns(arns: unknown, includeDeleted = false): LayerRecord[] {
    if (!Array.isArray(arns)) throw invalidParameter('Layers must be a list of layer version ARNs.');
    if (arns.length > MAX_LAYERS) throw invalidParameter(`A function can use at most ${MAX_LAYERS} layers; ${arns.length} were given.`);
    return arns.map((arn) => {
      const m = typeof arn === 'string' ? arn.match(LAYER_ARN_RE) : null;
      if (!m) throw invalidParameter(`${JSON.stringify(arn)} is not a layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>).`);
      return this.get(m[1]!, Number(m[2]), includeDeleted);
    });
  }

  /** The code keys of a function's layers, in mount order. */
  codeKeys(arns: string[]): string[] {
    return arns.map((arn) => {
      const m = arn.match(LAYER_ARN_RE)!;
      return this.get(m[1]!, Number(m[2]), true).codeKey;
    });
  }

  /** ListLayerVersions: newest first; AWS's list items carry no Content (its URL would be a download grant). */
  listVersions(name: string, filter: LayerFilter = {}, marker?: string, maxItems?: number): { LayerVersions: LayerVersionsListItem[]; NextMarker?: string } {
    const limit = pageLimit(maxItems);
    const below = marker === undefined ? Infinity : Number(Buffer.from(marker, 'base64url').toString('utf8'));
    if (Number.isNaN(below)) throw invalidParameter('Marker is not one this API returned.');
    const matching = this.versionsOf(name).filter((v) => v.Version < below && matches(v, filter));
    const page = matching.slice(0, limit).map(listItem);
    const next = matching.length > limit ? Buffer.from(String(page[page.length - 1]!.Version)).toString('base64url') : undefined;
    return next ? { LayerVersions: page, NextMarker: next } : { LayerVersions: page };
  }

  /** ListLayers: each layer with its newest version matching the filter (layers with none are left out). */
  list(filter: LayerFilter = {}, marker?: string, maxItems?: number): { Layers: { LayerName: string; LayerArn: string; LatestMatchingVersion: LayerVersionsListItem }[]; NextMarker?: string } {
    const limit = pageLimit(maxItems);
    const after = marker === undefined ? '' : Buffer.from(marker, 'base64url').toString('utf8');
    const names = this.db.prepare('SELECT DISTINCT name FROM layers WHERE deleted = 0 AND name > ? ORDER BY name').all(after) as { name: string }[];
    const out: { LayerName: string; LayerArn: string; LatestMatchingVersion: LayerVersionsListItem }[] = [];
    for (const { name } of names) {
      const latest = this.versionsOf(name).find((v) => matches(v, filter));
      if (!latest) continue;
      if (out.length === limit) return { Layers: out, NextMarker: Buffer.from(out[out.length - 1]!.LayerName).toString('base64url') };
      out.push({ LayerName: name, LayerArn: this.layerArn(name), LatestMatchingVersion: listItem(latest) });
    }
    return { Layers: out };
  }

  /** Bytes of layer code stored (zipped), which AWS counts in AccountUsage.TotalCodeSize. */
  totalCodeSize(): number {
    const rows = this.db.prepare('SELECT config FROM layers WHERE deleted = 0').all() as { config: string }[];
    return rows.reduce((n, r) => n + (JSON.parse(r.config) as LayerVersion).Content.CodeSize, 0);
  }

  private versionsOf(name: string): LayerVersion[] {
    const rows = this.db.prepare('SELECT config FROM layers WHERE name = ? AND deleted = 0 ORDER BY version DESC').all(name) as { config: string }[];
    return rows.map((r) => JSON.parse(r.config) as LayerVersion);
  }

  delete(name: string, version: number): void {
    this.db.prepare('UPDATE layers SET deleted = 1 WHERE name = ? AND version = ?').run(name, version);
  }
}
