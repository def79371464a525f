// The control-plane operations of the Lambda REST API (spec §7) as a route
// table: method, path pattern, handler. Each handler validates through the
// engine, which throws LambdaErrors that become AWS's error envelope.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../engine/engine.js';
import type { FunctionRecord, VersionRecord } from '../engine/control/functions.js';
import { invalidParameter } from '../engine/errors.js';
import { MAX_CONTROL_BODY, parseJson, readBody, sendJson } from './http-util.js';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: string[];
  query: URLSearchParams;
}

export interface Route {
  /** AWS's operation name: what the audit trail records. */
  op: string;
  method: string;
  path: RegExp;
  handle: (ctx: RouteContext) => Promise<void> | void;
}

/** Parsed request bodies, kept for the audit trail (which records the call's parameters). */
export const requestBodies = new WeakMap<IncomingMessage, Record<string, unknown>>();

export async function jsonBody(req: IncomingMessage, operation: string): Promise<Record<string, unknown>> {
  const body = parseJson(await readBody(req, MAX_CONTROL_BODY, operation), operation);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidParameter(`The ${operation} request body must be a JSON object.`);
  requestBodies.set(req, body as Record<string, unknown>);
  return body as Record<string, unknown>;
}

export const FN = '([^/]+)';
export const p = (pattern: string) => new RegExp(`^${pattern}/?$`);
const maxItems = (q: URLSearchParams) => (q.get('MaxItems') === null ? undefined : Number(q.get('MaxItems')));

export function controlRoutes(engine: Engine): Route[] {
  const fns = engine.functions;

  const functionView = (record: FunctionRecord, target: VersionRecord) => ({
    Configuration: target.config,
    // AWS gives a presigned S3 URL; ours is presigned too (10 minutes) and downloads the same bytes from the workbench.
    Code: { RepositoryType: 'S3', Location: engine.codeUrl(target.codeKey) },
    ...(Object.keys(record.tags).length ? { Tags: record.tags } : {}),
    ...(record.reservedConcurrency !== undefined ? { Concurrency: { ReservedConcurrentExecutions: record.reservedConcurrency } } : {}),
  });

  /** Tag operations name the function by ARN; AWS accepts only the unqualified function ARN. */
  const taggedFunction = (arn: string) => {
    const m = arn.match(/^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:([a-zA-Z0-9-_]+)$/);
    if (!m) throw invalidParameter(`${arn} is not a function ARN; tags go on the unqualified function ARN.`);
    return m[1]!;
  };

  return [
    { op: 'CreateFunction', method: 'POST', path: p('/2015-03-31/functions'), handle: async ({ req, res }) => sendJson(res, 201, (await engine.createFunction(await jsonBody(req, 'CreateFunction'))).config) },
    { op: 'ListFunctions', method: 'GET', path: p('/2015-03-31/functions'), handle: ({ res, query }) => sendJson(res, 200, fns.list(query.get('Marker') ?? undefined, maxItems(query))) },
    {
      op: 'GetFunction',
      method: 'GET',
      path: p(`/2015-03-31/functions/${FN}`),
      handle: ({ res, params, query }) => {
        const { record, target } = fns.describe(params[0]!, query.get('Qualifier') ?? undefined);
        sendJson(res, 200, functionView(record, target));
      },
    },
    {
      op: 'GetFunctionConfiguration',
      method: 'GET',
      path: p(`/2015-03-31/functions/${FN}/configuration`),
      handle: ({ res, params, query }) => sendJson(res, 200, fns.describe(params[0]!, query.get('Qualifier') ?? undefined).target.config),
    },
    {
      op: 'DeleteFunction',
      method: 'DELETE',
      path: p(`/2015-03-31/functions/${FN}`),
      handle: async ({ res, params, query }) => {
        await engine.deleteFunction(params[0]!, query.get('Qualifier') ?? undefined);
        res.writeHead(204).end();
      },
    },
    {
      op: 'UpdateFunctionCode',
      method: 'PUT',
      path: p(`/2015-03-31/functions/${FN}/code`),
      handle: async ({ req, res, params }) => sendJson(res, 200, (await fns.updateCode(params[0]!, await jsonBody(req, 'UpdateFunctionCode'))).config),
    },
    {
      op: 'UpdateFunctionConfiguration',
      method: 'PUT',
      path: p(`/2015-03-31/functions/${FN}/configuration`),
      handle: async ({ req, res, params }) => sendJson(res, 200, fns.updateConfiguration(params[0]!, await jsonBody(req, 'UpdateFunctionConfiguration')).config),
    },
    {
      op: 'PublishVersion',
      method: 'POST',
      path: p(`/2015-03-31/functions/${FN}/versions`),
      handle: async ({ req, res, params }) => sendJson(res, 201, fns.publishVersion(params[0]!, await jsonBody(req, 'PublishVersion')).config),
    },
    {
      op: 'ListVersionsByFunction',
      method: 'GET',
      path: p(`/2015-03-31/functions/${FN}/versions`),
      handle: ({ res, params, query }) => sendJson(res, 200, fns.listVersions(params[0]!, query.get('Marker') ?? undefined, maxItems(query))),
    },
    {
      op: 'CreateAlias',
      method: 'POST',
      path: p(`/2015-03-31/functions/${FN}/aliases`),
      handle: async ({ req, res, params }) => {
        const fn = fns.get(params[0]!, true).config.FunctionName;
        sendJson(res, 201, fns.aliases.create(fn, await jsonBody(req, 'CreateAlias')));
      },
    },
    {
      op: 'ListAliases',
      method: 'GET',
      path: p(`/2015-03-31/functions/${FN}/aliases`),
      handle: ({ res, params, query }) => {
        const fn = fns.get(params[0]!, true).config.FunctionName;
        sendJson(res, 200, { Aliases: fns.aliases.list(fn, query.get('FunctionVersion') ?? undefined) });
      },
    },
    {
      op: 'GetAlias',
      method: 'GET',
      path: p(`/2015-03-31/functions/${FN}/aliases/([^/]+)`),
      handle: ({ res, params }) => sendJson(res, 200, fns.aliases.get(fns.get(params[0]!, true).config.FunctionName, params[1]!, true)),
    },
    {
      op: 'UpdateAlias',
      method: 'PUT',
      path: p(`/2015-03-31/functions/${FN}/aliases/([^/]+)`),
      handle: async ({ req, res, params }) => {
        const fn = fns.get(params[0]!, true).config.FunctionName;
        sendJson(res, 200, fns.aliases.update(fn, params[1]!, await jsonBody(req, 'UpdateAlias')));
      },
    },
    {
      op: 'DeleteAlias',
      method: 'DELETE',
      path: p(`/2015-03-31/functions/${FN}/aliases/([^/]+)`),
      handle: ({ res, params }) => {
        fns.aliases.delete(fns.get(params[0]!, true).config.FunctionName, params[1]!);
        res.writeHead(204).end();
      },
    },
    {
      op: 'ListTags',
      method: 'GET',
      path: p('/2017-03-31/tags/(.+)'),
      handle: ({ res, params }) => sendJson(res, 200, { Tags: fns.get(taggedFunction(params[0]!), true).tags }),
    },
    {
      op: 'TagResource',
      method: 'POST',
      path: p('/2017-03-31/tags/(.+)'),
      handle: async ({ req, res, params }) => {
        const body = await jsonBody(req, 'TagResource');
        const tags = body.Tags;
        if (typeof tags !== 'object' || tags === null || Object.values(tags).some((v) => typeof v !== 'string')) throw invalidParameter('Tags must be a map of strings.');
        fns.setTags(taggedFunction(params[0]!), tags as Record<string, string>);
        res.writeHead(204).end();
      },
    },
    {
      op: 'UntagResource',
      method: 'DELETE',
      path: p('/2017-03-31/tags/(.+)'),
      handle: ({ res, params, query }) => {
        fns.setTags(taggedFunction(params[0]!), {}, query.getAll('tagKeys'));
        res.writeHead(204).end();
      },
    },
    {
      op: 'AddPermission',
      method: 'POST',
      path: p(`/2015-03-31/functions/${FN}/policy`),
      handle: async ({ req, res, params, query }) => {
        const statement = engine.permissions.add(params[0]!, query.get('Qualifier') ?? undefined, await jsonBody(req, 'AddPermission'));
        sendJson(res, 201, { Statement: JSON.stringify(statement) });
      },
    },
    {
      op: 'GetPolicy',
      method: 'GET',
      path: p(`/2015-03-31/functions/${FN}/policy`),
      handle: ({ res, params, query }) => sendJson(res, 200, engine.permissions.policy(params[0]!, query.get('Qualifier') ?? undefined)),
    },
    {
      op: 'RemovePermission',
      method: 'DELETE',
      path: p(`/2015-03-31/functions/${FN}/policy/([^/]+)`),
      handle: ({ res, params, query }) => {
        engine.permissions.remove(params[0]!, query.get('Qualifier') ?? undefined, params[1]!);
        res.writeHead(204).end();
      },
    },
    {
      op: 'PutFunctionConcurrency',
      method: 'PUT',
      path: p(`/2017-10-31/functions/${FN}/concurrency`),
      handle: async ({ req, res, params }) => {
        const body = await jsonBody(req, 'PutFunctionConcurrency');
        sendJson(res, 200, { ReservedConcurrentExecutions: engine.setReservedConcurrency(params[0]!, body.ReservedConcurrentExecutions) });
      },
    },
    {
      op: 'DeleteFunctionConcurrency',
      method: 'DELETE',
      path: p(`/2017-10-31/functions/${FN}/concurrency`),
      handle: ({ res, params }) => {
        fns.setReservedConcurrency(params[0]!, undefined);
        res.writeHead(204).end();
      },
    },
    {
      op: 'GetFunctionConcurrency',
      method: 'GET',
      path: p(`/2019-09-30/functions/${FN}/concurrency`),
      handle: ({ res, params }) => {
        const reserved = fns.get(params[0]!, true).reservedConcurrency;
        sendJson(res, 200, reserved === undefined ? {} : { ReservedConcurrentExecutions: reserved });
      },
    },
    {
      op: 'PutProvisionedConcurrencyConfig',
      method: 'PUT',
      path: p(`/2019-09-30/functions/${FN}/provisioned-concurrency`),
      handle: async ({ req, res, params, query }) => {
        const body = await jsonBody(req, 'PutProvisionedConcurrencyConfig');
        const config = engine.provisioned.set(params[0]!, query.get('Qualifier') ?? undefined, body.ProvisionedConcurrentExecutions);
        sendJson(res, 202, config);
      },
    },
    {
      op: 'GetProvisionedConcurrencyConfig',
      method: 'GET',
      path: p(`/2019-09-30/functions/${FN}/provisioned-concurrency`),
      handle: ({ res, params, query }) =>
        // ListProvisionedConcurrencyConfigs is the same path with List=ALL.
        query.get('List') === 'ALL'
          ? sendJson(res, 200, { ProvisionedConcurrencyConfigs: engine.provisioned.list(params[0]!) })
          : sendJson(res, 200, engine.provisioned.get(params[0]!, query.get('Qualifier') ?? undefined)),
    },
    {
      op: 'DeleteProvisionedConcurrencyConfig',
      method: 'DELETE',
      path: p(`/2019-09-30/functions/${FN}/provisioned-concurrency`),
      handle: ({ res, params, query }) => {
        engine.provisioned.delete(params[0]!, query.get('Qualifier') ?? undefined);
        res.writeHead(204).end();
      },
    },
    ...eventInvokeConfigRoutes(engine),
    ...layerRoutes(engine),
    {
      op: 'LinkCodeFolder',
      method: 'PUT',
      path: p(`/_workbench/functions/${FN}/linked-folder`),
      handle: async ({ req, res, params }) => {
        const body = await jsonBody(req, 'LinkCodeFolder');
        await engine.linked.link(params[0]!, body.Folder);
        sendJson(res, 200, fns.get(params[0]!, true).config);
      },
    },
    {
      op: 'UnlinkCodeFolder',
      method: 'DELETE',
      path: p(`/_workbench/functions/${FN}/linked-folder`),
      handle: ({ res, params }) => {
        engine.linked.unlink(params[0]!);
        res.writeHead(204).end();
      },
    },
    {
      op: 'GetAccountSettings',
      method: 'GET',
      path: p('/2016-08-19/account-settings'),
      handle: ({ res }) => {
        const usage = fns.count();
        sendJson(res, 200, {
          AccountLimit: {
            TotalCodeSize: 80 * 1024 ** 3,
            CodeSizeUnzipped: 250 * 1024 ** 2,
            CodeSizeZipped: 50 * 1024 ** 2,
            ConcurrentExecutions: engine.concurrency.accountLimit,
            UnreservedConcurrentExecutions: engine.concurrency.unreserved(),
          },
          // AWS counts function and layer code alike.
          AccountUsage: { TotalCodeSize: usage.codeBytes + engine.layers.totalCodeSize(), FunctionCount: usage.functions },
        });
      },
    },
  ];
}

/** Put/Update/Get/Delete/ListFunctionEventInvokeConfigs. */
function eventInvokeConfigRoutes(engine: Engine): Route[] {
  const configs = engine.eventConfigs;
  const path = p(`/2019-09-25/functions/${FN}/event-invoke-config`);
  const qualifier = (q: URLSearchParams) => q.get('Qualifier') ?? undefined;
  return [
    { op: 'PutFunctionEventInvokeConfig', method: 'PUT', path, handle: async ({ req, res, params, query }) => sendJson(res, 200, configs.put(params[0]!, qualifier(query), await jsonBody(req, 'PutFunctionEventInvokeConfig'), false)) },
    { op: 'UpdateFunctionEventInvokeConfig', method: 'POST', path, handle: async ({ req, res, params, query }) => sendJson(res, 200, configs.put(params[0]!, qualifier(query), await jsonBody(req, 'UpdateFunctionEventInvokeConfig'), true)) },
    { op: 'GetFunctionEventInvokeConfig', method: 'GET', path, handle: ({ res, params, query }) => sendJson(res, 200, configs.get(params[0]!, qualifier(query))) },
    {
      op: 'DeleteFunctionEventInvokeConfig',
      method: 'DELETE',
      path,
      handle: ({ res, params, query }) => {
        configs.delete(params[0]!, qualifier(query));
        res.writeHead(204).end();
      },
    },
    {
      op: 'ListFunctionEventInvokeConfigs',
      method: 'GET',
      path: p(`/2019-09-25/functions/${FN}/event-invoke-config/list`),
      handle: ({ res, params }) => sendJson(res, 200, { FunctionEventInvokeConfigs: configs.list(params[0]!) }),
    },
  ];
}

const layerFilter = (q: URLSearchParams) => ({ runtime: q.get('CompatibleRuntime') ?? undefined, architecture: q.get('CompatibleArchitecture') ?? undefined });

/** PublishLayerVersion, GetLayerVersion(ByArn), ListLayerVersions, ListLayers, DeleteLayerVersion. */
function layerRoutes(engine: Engine): Route[] {
  const layers = engine.layers;
  const version = (v: string) => {
    if (!/^\d+$/.test(v)) throw invalidParameter(`Layer version ${v} must be a number.`);
    return Number(v);
  };
  return [
    {
      op: 'PublishLayerVersion',
      method: 'POST',
      path: p('/2018-10-31/layers/([^/]+)/versions'),
      handle: async ({ req, res, params }) => sendJson(res, 201, await layers.publish(params[0]!, await jsonBody(req, 'PublishLayerVersion'))),
    },
    {
      op: 'ListLayerVersions',
      method: 'GET',
      path: p('/2018-10-31/layers/([^/]+)/versions'),
      handle: ({ res, params, query }) => sendJson(res, 200, layers.listVersions(params[0]!, layerFilter(query), query.get('Marker') ?? undefined, maxItems(query))),
    },
    {
      op: 'GetLayerVersion',
      method: 'GET',
      path: p('/2018-10-31/layers/([^/]+)/versions/([^/]+)'),
      handle: ({ res, params }) => sendJson(res, 200, layers.get(params[0]!, version(params[1]!)).view),
    },
    {
      op: 'DeleteLayerVersion',
      method: 'DELETE',
      path: p('/2018-10-31/layers/([^/]+)/versions/([^/]+)'),
      handle: ({ res, params }) => {
        layers.delete(params[0]!, version(params[1]!));
        res.writeHead(204).end();
      },
    },
    {
      op: 'ListLayers',
      method: 'GET',
      path: p('/2018-10-31/layers'),
      handle: ({ res, query }) => {
        // GetLayerVersionByArn is the same path with find=LayerVersion&Arn=….
        if (query.get('find') !== 'LayerVersion') return sendJson(res, 200, layers.list(layerFilter(query), query.get('Marker') ?? undefined, maxItems(query)));
        const [record] = layers.resolveArns([query.get('Arn') ?? '']);
        sendJson(res, 200, record!.view);
      },
    },
  ];
}
