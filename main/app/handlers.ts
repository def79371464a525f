// The window's contract, implemented once over the engine. Every transport
// (Electron IPC, the serve-mode WebSocket) reaches these through dispatch(),
// which has already checked the parameters. Writes go through the same engine
// and registry calls as the Lambda REST API (RevisionId checks, config
// history, the `functions` stream) and into the same audit trail (caller `ui`).
import type { ContractHandlers, EventTemplateView, SavedEventView } from '../contract/index.js';
import type { Engine } from '../engine/engine.js';
import { listTemplates, renderEvent } from '../engine/events/catalog.js';
import type { SavedEvent } from '../engine/control/saved-events.js';
import { audited } from '../engine/workbench/audit.js';
import { CodeService, conflictOnStale } from '../engine/workbench/code-service.js';
import { functionDetail, functionSummary, listFunctions } from '../engine/workbench/function-views.js';
import { Invocations } from '../engine/workbench/invocations.js';
import { EnvActions } from '../engine/workbench/env-actions.js';
import { EnvTmp } from '../engine/workbench/env-tmp.js';
import { envCountsByFunction, StatusReporter, type HostContext } from '../engine/workbench/status.js';
import { listRuntimeTemplates } from '../engine/workbench/templates.js';

const savedView = (e: SavedEvent): SavedEventView => ({ functionName: e.functionName, name: e.name, event: e.event, createdAt: e.createdAt, updatedAt: e.updatedAt });

/** Event templates as plain data (the catalogue's specs are readonly). */
const templateViews = (): EventTemplateView[] =>
  listTemplates().map((t) => ({
    source: t.source,
    type: t.type,
    description: t.description,
    batch: t.batch,
    params: t.params.map((p) => ({ name: p.name, type: p.type, default: p.default, description: p.description, ...(p.choices ? { choices: [...p.choices] } : {}) })),
  }));

export function createHandlers(engine: Engine, ctx: HostContext): ContractHandlers {
  const fns = engine.functions;
  const code = new CodeService(engine);
  const invocations = new Invocations(engine);
  const envs = new EnvActions(engine);
  const tmp = new EnvTmp(engine);
  const status = new StatusReporter(engine, ctx);
  /** The function's own name (saved events and aliases belong to an existing function). */
  const fnName = (name: string) => fns.get(name, true).config.FunctionName;

  return {
    'status.get': () => status.get(),

    'functions.list': () => listFunctions(engine),
    'functions.get': ({ name }) => functionDetail(engine, name),
    'functions.templates': () => listRuntimeTemplates(),
    'functions.create': async (p) => functionSummary(await code.create(p), envCountsByFunction(engine).get(p.name)),
    'functions.updateConfig': ({ name, ...p }) => {
      const input = {
        FunctionName: name,
        ...(p.handler !== undefined ? { Handler: p.handler } : {}),
        ...(p.runtime !== undefined ? { Runtime: p.runtime } : {}),
        ...(p.memorySize !== undefined ? { MemorySize: p.memorySize } : {}),
        ...(p.timeout !== undefined ? { Timeout: p.timeout } : {}),
        ...(p.ephemeralStorage !== undefined ? { EphemeralStorage: { Size: p.ephemeralStorage } } : {}),
        ...(p.environment !== undefined ? { Environment: { Variables: p.environment } } : {}),
        ...(p.description !== undefined ? { Description: p.description } : {}),
        ...(p.expectedRevisionId !== undefined ? { RevisionId: p.expectedRevisionId } : {}),
        // The REST API's workbench fields, so both take the same path (and the same checks).
        ...(p.network !== undefined ? { WorkbenchNetwork: p.network === null ? null : { ...(p.network.mode !== undefined ? { Mode: p.network.mode ?? 'default' } : {}), ...(p.network.hostPorts ? { HostPorts: p.network.hostPorts } : {}) } } : {}),
        ...(p.credentials !== undefined ? { WorkbenchCredentials: p.credentials === null ? null : { Source: p.credentials.source } } : {}),
        ...(p.endpoints !== undefined ? { WorkbenchEndpoints: p.endpoints === null ? null : { ...(p.endpoints.url !== undefined ? { Url: p.endpoints.url } : {}), ...(p.endpoints.services ? { Services: p.endpoints.services } : {}) } } : {}),
        ...(p.vpcConfig !== undefined ? { VpcConfig: p.vpcConfig === null ? null : { SubnetIds: p.vpcConfig.subnetIds, SecurityGroupIds: p.vpcConfig.securityGroupIds } } : {}),
      };
      return audited(engine, 'UpdateFunctionConfiguration', input, () => {
        try {
          fns.updateConfiguration(name, input);
        } catch (err) {
          conflictOnStale(err);
        }
        return functionDetail(engine, name);
      });
    },
    'functions.delete': ({ name }) =>
      audited(engine, 'DeleteFunction', { FunctionName: name }, async () => {
        await engine.deleteFunction(name);
        return { deleted: name };
      }),
    'functions.publishVersion': ({ name, description }) =>
      audited(engine, 'PublishVersion', { FunctionName: name, ...(description !== undefined ? { Description: description } : {}) }, () => ({
        version: fns.publishVersion(name, description !== undefined ? { Description: description } : {}).config.Version,
      })),
    'aliases.put': ({ name, alias, version, description }) => {
      const fn = fnName(name);
      const exists = fns.aliases.get(fn, alias, false) !== undefined;
      const input = { Name: alias, FunctionVersion: version, ...(description !== undefined ? { Description: description } : {}) };
      return audited(engine, exists ? 'UpdateAlias' : 'CreateAlias', { FunctionName: fn, ...input }, () => {
        const a = exists ? fns.aliases.update(fn, alias, input) : fns.aliases.create(fn, input);
        return { alias: a.Name, functionVersion: a.FunctionVersion };
      });
    },
    'aliases.delete': ({ name, alias }) => {
      const fn = fnName(name);
      return audited(engine, 'DeleteAlias', { FunctionName: fn, Name: alias }, () => {
        fns.aliases.get(fn, alias, true);
        fns.aliases.delete(fn, alias);
        return { deleted: alias };
      });
    },

    'code.tree': ({ name }) => code.tree(name),
    'code.read': ({ name, path }) => code.read(name, path),
    'code.save': ({ name, ops, expectedRevisionId }) => code.save(name, ops, expectedRevisionId),

    'invoke.run': (p) => invocations.run(p),

    'envs.list': ({ name }) =>
      engine.environments(name).map((e) => ({ id: e.id, functionName: e.functionName, version: e.version, state: e.state, logStream: e.logStream, ...(e.network ? { network: { mode: e.network.mode, hostPorts: [...e.network.hostPorts] } } : {}) })),

    'telemetry.invocations': (p) => envs.invocations(p),
    'telemetry.invocation': ({ requestId }) => envs.invocation(requestId),
    'telemetry.logs': (p) => envs.logs(p),
    'telemetry.envs': (p) => envs.envs(p),
    'telemetry.envStates': (p) => envs.envStates(p),
    'telemetry.metrics': (p) => envs.metrics(p),
    'envs.kill': ({ envId }) => audited(engine, 'WorkbenchKillEnvironment', { EnvironmentId: envId }, () => envs.kill(envId)),
    'envs.killAll': ({ name }) => audited(engine, 'WorkbenchKillAllEnvironments', { FunctionName: name }, () => envs.killAll(name)),
    'envs.prewarm': ({ name, qualifier, count }) => audited(engine, 'WorkbenchPrewarm', { FunctionName: name, Count: count, ...(qualifier ? { Qualifier: qualifier } : {}) }, () => envs.prewarm(name, qualifier, count)),
    'envs.forceCold': ({ on }) => audited(engine, 'WorkbenchForceCold', { On: on }, () => envs.forceCold(on)),
    'envs.tmp': ({ envId }) => tmp.view(envId),
    'envs.tmpChanges': ({ envId }) => tmp.changes(envId),
    'envs.tmpRead': ({ envId, path, offset, maxBytes }) => tmp.read(envId, path, offset, maxBytes),

    'events.templates': () => templateViews(),
    'events.render': ({ source, type, params, records }) => ({ payload: renderEvent(source, type, params, records) }),
    'events.saved.list': ({ name }) => engine.savedEvents.list(fnName(name)).map(savedView),
    'events.saved.save': ({ name, eventName, event }) => savedView(engine.savedEvents.save(fnName(name), eventName, event)),
    'events.saved.rename': ({ name, eventName, newName }) => savedView(engine.savedEvents.rename(fnName(name), eventName, newName)),
    'events.saved.delete': ({ name, eventName }) => {
      engine.savedEvents.delete(fnName(name), eventName);
      return { deleted: eventName };
    },
    'events.saved.export': ({ name }) => engine.savedEvents.export(name === undefined ? undefined : fnName(name)),
    'events.saved.import': ({ document }) => ({ imported: engine.savedEvents.import(document, (fn) => fns.get(fn, false) !== undefined) }),
  };
}
