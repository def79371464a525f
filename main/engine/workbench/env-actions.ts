// The window's actions on execution environments and its telemetry reads:
// kill one env or all of a function's, pre-warm N, force cold; history of
// invocations, log lines, envs and their state changes, metrics. Reads come
// from the telemetry store (so they include what happened before a restart)
// and answer the bus sequence they are current to.
import type { CheckedParamsOf } from '../../contract/methods.js';
import type { EnvRecord, EnvStateChange, InvocationDetail, InvocationRecord, LogLine, MetricsView, Page } from '../../contract/telemetry.js';
import type { Engine } from '../engine.js';
import { LambdaError } from '../errors.js';
import { WorkbenchError } from './errors.js';

export class EnvActions {
  constructor(private readonly engine: Engine) {}

  /** The sequence a history read is current to: read before the query, so nothing after it is missed. */
  private page<T>(read: () => { items: T[]; more: boolean }): Page<T> {
    this.engine.telemetry.flush();
    const seq = this.engine.bus.lastSeq;
    return { seq, ...read() };
  }

  invocations(p: CheckedParamsOf<'telemetry.invocations'>): Page<InvocationRecord> {
    return this.page(() => this.engine.telemetryStore.invocations({ name: p.name, envId: p.envId, since: p.since, until: p.until, limit: p.limit }));
  }

  invocation(requestId: string): InvocationDetail {
    this.engine.telemetry.flush();
    const rec = this.engine.telemetryStore.invocation(requestId);
    if (!rec) throw new LambdaError('ResourceNotFoundException', `No invocation with request id ${requestId} is in the workbench's history.`);
    return rec;
  }

  logs(p: CheckedParamsOf<'telemetry.logs'>): Page<LogLine> {
    return this.page(() => this.engine.telemetryStore.logs({ name: p.name, envId: p.envId, requestId: p.requestId, beforeId: p.beforeId, afterId: p.afterId, limit: p.limit }));
  }

  envs(p: CheckedParamsOf<'telemetry.envs'>): Page<EnvRecord> {
    return this.page(() => this.engine.telemetryStore.envs({ name: p.name, includeGone: p.includeGone, limit: p.limit }));
  }

  envStates(p: CheckedParamsOf<'telemetry.envStates'>): Page<EnvStateChange> {
    return this.page(() => this.engine.telemetryStore.envStates({ name: p.name, since: p.since, limit: p.limit }));
  }

  metrics(p: CheckedParamsOf<'telemetry.metrics'>): MetricsView {
    if (p.to <= p.from) throw new WorkbenchError('InvalidParameters', 'The range is empty: `to` must be after `from`.', 'Pick a later end or an earlier start.');
    this.engine.telemetry.flush();
    return this.engine.telemetryStore.metrics({ name: p.name, from: p.from, to: p.to, bucketMs: p.bucketMs });
  }

  kill(envId: string): { killed: string } {
    if (!this.engine.invoker.kill(envId)) {
      throw new LambdaError('ResourceNotFoundException', `No running environment has the id ${envId}: it may be gone already.`);
    }
    return { killed: envId };
  }

  killAll(name: string): { killed: number } {
    const fn = this.engine.functions.get(name, true).config.FunctionName;
    return { killed: this.engine.invoker.killAll(fn) };
  }

  async prewarm(name: string, qualifier: string | undefined, count: number): Promise<{ started: number }> {
    const { version } = this.engine.functions.resolve(name, qualifier);
    return { started: await this.engine.invoker.prewarm(version, count) };
  }

  forceCold(on: boolean): { forceCold: boolean } {
    this.engine.setForceCold(on);
    return { forceCold: on };
  }
}
