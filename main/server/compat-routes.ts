// Read operations that deployment tools call for every function (Terraform's
// AWS provider reads code signing, runtime management and recursion settings
// after each GetFunction; drift checks list event source mappings)
// although the workbench offers nothing to set there. Each answers what AWS
// answers for a function without such settings, so those tools work
// unchanged; the matching write operations stay unknown
// (UnknownOperationException), which says plainly that they are not offered.
import type { Engine } from '../engine/engine.js';
import { notFound } from '../engine/errors.js';
import { sendJson } from './http-util.js';
import { FN, p, type Route } from './control-routes.js';

export function compatRoutes(engine: Engine): Route[] {
  const fns = engine.functions;
  /** The function (and qualifier) must exist, as on AWS: 404 otherwise. */
  const existing = (name: string, qualifier: string | null) => fns.resolve(name, qualifier ?? undefined);
  const get = (op: string, path: string, handle: Route['handle']): Route => ({ op, method: 'GET', path: p(path), handle });

  return [
    get('GetFunctionCodeSigningConfig', `/2020-06-30/functions/${FN}/code-signing-config`, ({ res, params }) => {
      const { record } = existing(params[0]!, null);
      sendJson(res, 200, { CodeSigningConfigArn: '', FunctionName: record.config.FunctionName });
    }),
    get('GetRuntimeManagementConfig', `/2021-07-20/functions/${FN}/runtime-management-config`, ({ res, params, query }) => {
      const { invokedArn } = existing(params[0]!, query.get('Qualifier'));
      sendJson(res, 200, { UpdateRuntimeOn: 'Auto', FunctionArn: invokedArn });
    }),
    get('GetFunctionRecursionConfig', `/2024-08-31/functions/${FN}/recursion-config`, ({ res, params }) => {
      existing(params[0]!, null);
      sendJson(res, 200, { RecursiveLoop: 'Terminate' });
    }),
    get('ListEventSourceMappings', '/2015-03-31/event-source-mappings', ({ res, query }) => {
      const fn = query.get('FunctionName');
      if (fn) existing(fn, null);
      sendJson(res, 200, { EventSourceMappings: [] });
    }),
    get('ListCodeSigningConfigs', '/2020-04-22/code-signing-configs', ({ res }) => sendJson(res, 200, { CodeSigningConfigs: [] })),
    get('GetLayerVersionPolicy', '/2018-10-31/layers/([^/]+)/versions/(\\d+)/policy', ({ params }) => {
      engine.layers.get(params[0]!, Number(params[1]));
      throw notFound('No policy is associated with the given resource.');
    }),
  ];
}
