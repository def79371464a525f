// Functions as the window lists and shows them: the control plane's records
// with their live env counts, versions and aliases.
import type { EnvCounts, FunctionDetail, FunctionSummary, OutboundView, RuntimeTemplateId } from '../../contract/results.js';
import type { WorkbenchFields } from '../control/workbench-settings.js';
import type { Engine } from '../engine.js';
import type { FunctionRecord } from '../control/functions.js';
import { envCountsByFunction } from './status.js';

const NO_ENVS: EnvCounts = { warm: 0, frozen: 0, starting: 0, busy: 0 };

export function functionSummary(record: FunctionRecord, envs: EnvCounts = NO_ENVS): FunctionSummary {
  const c = record.config;
  return {
    name: c.FunctionName,
    runtime: c.Runtime,
    handler: c.Handler,
    memorySize: c.MemorySize,
    timeout: c.Timeout,
    ephemeralStorage: c.EphemeralStorage.Size,
    state: c.State,
    lastModified: c.LastModified,
    codeSize: c.CodeSize,
    revisionId: c.RevisionId,
    ...(record.linkedFolder ? { linkedFolder: record.linkedFolder } : {}),
    ...(record.workbench?.template ? { template: record.workbench.template as RuntimeTemplateId } : {}),
    envs: { ...envs },
  };
}

export function listFunctions(engine: Engine): FunctionSummary[] {
  const counts = envCountsByFunction(engine);
  return engine.functions.all().map((r) => functionSummary(r, counts.get(r.config.FunctionName)));
}

export function functionDetail(engine: Engine, name: string): FunctionDetail {
  const record = engine.functions.get(name, true);
  const fn = record.config.FunctionName;
  const c = record.config;
  const published = engine.functions.listVersions(fn, undefined, 10_000).Versions.filter((v) => v.Version !== '$LATEST');
  return {
    ...functionSummary(record, envCountsByFunction(engine).get(fn)),
    description: c.Description,
    environment: { ...(c.Environment?.Variables ?? {}) },
    architectures: [...c.Architectures],
    layers: (c.Layers ?? []).map((l) => l.Arn),
    versions: published.map((v) => ({ version: v.Version, description: v.Description, lastModified: v.LastModified, codeSha256: v.CodeSha256 })),
    aliases: engine.functions.aliases.list(fn).map((a) => ({ name: a.Name, functionVersion: a.FunctionVersion, description: a.Description })),
    outbound: outboundView(c),
  };
}

/** The function's own outbound settings beside what applies (the registry fills Effective from the workbench's defaults). */
export function outboundView(c: WorkbenchFields): OutboundView {
  const net = c.WorkbenchNetwork;
  const eff = net?.Effective;
  const cred = c.WorkbenchCredentials;
  const ep = c.WorkbenchEndpoints;
  return {
    network: {
      mode: net?.Mode ?? 'default',
      hostPorts: [...(net?.HostPorts ?? [])],
      effective: { mode: eff?.Mode ?? 'none', internet: eff?.Internet ?? false, hostPorts: [...(eff?.HostPorts ?? [])], reason: eff?.Reason ?? '' },
    },
    credentials: { source: cred?.Source ?? 'default', effective: { source: cred?.Effective?.Source ?? 'dummy', reason: cred?.Effective?.Reason ?? '' } },
    endpoints: { ...(ep?.Url ? { url: ep.Url } : {}), services: { ...(ep?.Services ?? {}) }, effective: { ...(ep?.Effective ?? {}) } },
    ...(c.VpcConfig ? { vpc: { subnetIds: [...c.VpcConfig.SubnetIds], securityGroupIds: [...c.VpcConfig.SecurityGroupIds] } } : {}),
  };
}
