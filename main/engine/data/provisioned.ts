// Provisioned concurrency: per published version or alias, a number of envs
// initialised ahead of any invocation (AWS_LAMBDA_INITIALIZATION_TYPE =
// provisioned-concurrency). The setting persists; the envs are rebuilt when
// the workbench starts.
import { invalidParameter, notFound } from '../errors.js';
import { lastModified, parseFunctionName, type FunctionRegistry } from '../control/functions.js';
import type { InvokeService } from './invoke-service.js';

export interface ProvisionedConfig {
  RequestedProvisionedConcurrentExecutions: number;
  AvailableProvisionedConcurrentExecutions: number;
  AllocatedProvisionedConcurrentExecutions: number;
  Status: 'IN_PROGRESS' | 'READY' | 'FAILED';
  StatusReason?: string;
  LastModified: string;
}

export class ProvisionedConcurrency {
  private readonly status = new Map<string, { status: ProvisionedConfig['Status']; reason?: string }>();

  constructor(
    private readonly functions: FunctionRegistry,
    private readonly invoker: InvokeService,
    private readonly log: (m: string) => void,
  ) {}

  /** The published version a qualifier stands for; $LATEST cannot be provisioned. */
  private target(name: string, qualifier: string | undefined) {
    const fn = this.functions.get(parseFunctionName(name).name, true).config.FunctionName;
    if (qualifier === undefined || qualifier === '$LATEST') {
      throw invalidParameter('Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
    }
    const version = /^\d+$/.test(qualifier) ? qualifier : this.functions.aliases.get(fn, qualifier, true).FunctionVersion;
    if (version === '$LATEST') throw invalidParameter('Provisioned Concurrency Configs cannot be applied to an alias of $LATEST.');
    const record = this.functions.getVersion(fn, version);
    if (!record) throw notFound(`Function not found: ${this.functions.arn(fn, qualifier)}`);
    return { fn, key: `${fn}:${qualifier}`, fv: this.functions.versionOf(record) };
  }

  set(name: string, qualifier: string | undefined, requested: unknown): ProvisionedConfig {
    if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1) {
      throw invalidParameter('ProvisionedConcurrentExecutions must be a whole number, 1 or more.');
    }
    const { fn, key, fv } = this.target(name, qualifier);
    this.functions.patch(fn, (r) => ({ provisioned: { ...r.provisioned, [qualifier!]: { requested, lastModified: lastModified() } } }));
    this.start(key, fv, requested);
    return this.get(name, qualifier);
  }

  private start(key: string, fv: Parameters<InvokeService['provision']>[0], requested: number): void {
    this.status.set(key, { status: 'IN_PROGRESS' });
    this.invoker.provision(fv, requested).then(
      () => this.status.set(key, { status: 'READY' }),
      (err: Error) => {
        this.status.set(key, { status: 'FAILED', reason: err.message });
        this.log(`[provisioned] ${key}: ${err.message}`);
      },
    );
  }

  get(name: string, qualifier: string | undefined): ProvisionedConfig {
    const { fn, key, fv } = this.target(name, qualifier);
    const stored = this.functions.get(fn, true).provisioned?.[qualifier!];
    if (!stored) throw notFound('No Provisioned Concurrency Config found for this function');
    const ready = Math.min(stored.requested, this.invoker.provisionedReady(fv));
    const s = this.status.get(key) ?? { status: 'IN_PROGRESS' };
    return {
      RequestedProvisionedConcurrentExecutions: stored.requested,
      AvailableProvisionedConcurrentExecutions: ready,
      AllocatedProvisionedConcurrentExecutions: ready,
      Status: s.status,
      ...(s.reason ? { StatusReason: s.reason } : {}),
      LastModified: stored.lastModified,
    };
  }

  /** ListProvisionedConcurrencyConfigs: every configuration of a function, each with its qualified ARN. */
  list(name: string): (ProvisionedConfig & { FunctionArn: string })[] {
    const fn = this.functions.get(parseFunctionName(name).name, true).config.FunctionName;
    const qualifiers = Object.keys(this.functions.get(fn, true).provisioned ?? {});
    return qualifiers.map((q) => ({ FunctionArn: this.functions.arn(fn, q), ...this.get(fn, q) }));
  }

  delete(name: string, qualifier: string | undefined): void {
    const { fn, key, fv } = this.target(name, qualifier);
    this.functions.patch(fn, (r) => {
      const next = { ...r.provisioned };
      delete next[qualifier!];
      return { provisioned: next };
    });
    this.status.delete(key);
    void this.invoker.provision(fv, 0);
  }

  /** Rebuilds every persisted configuration's envs (at start-up). */
  restore(): void {
    for (const { config, provisioned } of this.functions.all()) {
      for (const [qualifier, p] of Object.entries(provisioned ?? {})) {
        try {
          const { key, fv } = this.target(config.FunctionName, qualifier);
          this.start(key, fv, p.requested);
        } catch (err) {
          this.log(`[provisioned] ${config.FunctionName}:${qualifier}: ${(err as Error).message}`);
        }
      }
    }
  }
}
