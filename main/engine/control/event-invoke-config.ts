// Event invoke configuration (Put/Update/Get/Delete/ListFunctionEventInvokeConfigs):
// retries, maximum event age and destinations for asynchronous invocations, per
// qualifier, validated as AWS validates it.
import { invalidParameter, notFound } from '../errors.js';
import type { EventInvokeConfig } from '../data/async-queue.js';
import { parseDestination } from '../data/destinations.js';
import { parseFunctionName, type FunctionRegistry } from './functions.js';

export interface StoredEventInvokeConfig extends EventInvokeConfig {
  /** Epoch seconds, as AWS returns LastModified for this API. */
  LastModified: number;
}

export interface EventInvokeConfigView extends StoredEventInvokeConfig {
  FunctionArn: string;
}

function validDestination(value: unknown, which: string): { Destination?: string } | undefined {
  if (value === undefined || value === null) return undefined;
  const d = (value as { Destination?: unknown }).Destination;
  if (d === undefined) return {};
  if (typeof d !== 'string' || !parseDestination(d)) {
    throw invalidParameter(
      `${which} destination ${JSON.stringify(d)} is not a destination ARN: use a Lambda function, an SQS queue, an SNS topic, an EventBridge bus, an S3 bucket, or a workbench store (arn:aws:workbench:<region>:<account>:destination:<name>).`,
    );
  }
  return { Destination: d };
}

export class EventInvokeConfigs {
  constructor(private readonly functions: FunctionRegistry) {}

  /** Configs are kept per qualifier; unqualified invocations use `$LATEST`'s. */
  private target(name: string, qualifier?: string): { fn: string; key: string; arn: string } {
    const t = this.functions.qualified(name, qualifier);
    return { fn: t.fn, key: t.qualifier ?? '$LATEST', arn: t.arn };
  }

  /** Put replaces the whole configuration; update (`merge`) changes only what is given. */
  put(name: string, qualifier: string | undefined, input: Record<string, unknown>, merge: boolean): EventInvokeConfigView {
    const { fn, key, arn } = this.target(name, qualifier);
    const current = merge ? this.functions.get(fn, true).eventInvokeConfigs?.[key] : undefined;
    if (merge && !current) throw notFound(`The function ${arn} doesn't have an EventInvokeConfig`);
    const next: StoredEventInvokeConfig = { ...(merge ? current : {}), LastModified: Date.now() / 1000 };
    if (input.MaximumRetryAttempts !== undefined) {
      const v = input.MaximumRetryAttempts;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 2) throw invalidParameter('MaximumRetryAttempts must be 0, 1 or 2.');
      next.MaximumRetryAttempts = v;
    }
    if (input.MaximumEventAgeInSeconds !== undefined) {
      const v = input.MaximumEventAgeInSeconds;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 60 || v > 21600) throw invalidParameter('MaximumEventAgeInSeconds must be between 60 and 21600.');
      next.MaximumEventAgeInSeconds = v;
    }
    if (input.DestinationConfig !== undefined) {
      const dc = input.DestinationConfig as { OnSuccess?: unknown; OnFailure?: unknown } | null;
      const onSuccess = validDestination(dc?.OnSuccess, 'OnSuccess');
      const onFailure = validDestination(dc?.OnFailure, 'OnFailure');
      next.DestinationConfig = { ...(merge ? current?.DestinationConfig : {}), ...(onSuccess ? { OnSuccess: onSuccess } : {}), ...(onFailure ? { OnFailure: onFailure } : {}) };
    }
    this.functions.patch(fn, (r) => ({ eventInvokeConfigs: { ...r.eventInvokeConfigs, [key]: next } }));
    return { ...next, FunctionArn: arn };
  }

  get(name: string, qualifier?: string): EventInvokeConfigView {
    const { fn, key, arn } = this.target(name, qualifier);
    const c = this.functions.get(fn, true).eventInvokeConfigs?.[key];
    if (!c) throw notFound(`The function ${arn} doesn't have an EventInvokeConfig`);
    return { ...c, FunctionArn: arn };
  }

  list(name: string): EventInvokeConfigView[] {
    const fn = this.functions.get(parseFunctionName(name).name, true);
    return Object.entries(fn.eventInvokeConfigs ?? {}).map(([q, c]) => ({ ...c, FunctionArn: this.functions.arn(fn.config.FunctionName, q === '$LATEST' ? undefined : q) }));
  }

  delete(name: string, qualifier?: string): void {
    const { fn, key, arn } = this.target(name, qualifier);
    this.functions.patch(fn, (r) => {
      if (!r.eventInvokeConfigs?.[key]) throw notFound(`The function ${arn} doesn't have an EventInvokeConfig`);
      const next = { ...r.eventInvokeConfigs };
      delete next[key];
      return { eventInvokeConfigs: next };
    });
  }

  /** What the async queue applies to an event for this function and qualifier. */
  effective(functionName: string, qualifier?: string): EventInvokeConfig | undefined {
    return this.functions.get(functionName, false)?.eventInvokeConfigs?.[qualifier ?? '$LATEST'];
  }
}
