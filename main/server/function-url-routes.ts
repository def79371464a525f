// Create/Get/Update/Delete/ListFunctionUrlConfig(s) of the Lambda API
// (2021-10-31). The URLs themselves are served by function-url.ts.
import type { Engine } from '../engine/engine.js';
import { sendJson } from './http-util.js';
import { FN, jsonBody, p, type Route } from './control-routes.js';

export function functionUrlRoutes(engine: Engine): Route[] {
  const urls = engine.urls;
  const path = p(`/2021-10-31/functions/${FN}/url`);
  const qualifier = (q: URLSearchParams) => q.get('Qualifier') ?? undefined;
  return [
    {
      op: 'CreateFunctionUrlConfig',
      method: 'POST',
      path,
      handle: async ({ req, res, params, query }) => sendJson(res, 201, urls.create(params[0]!, qualifier(query), await jsonBody(req, 'CreateFunctionUrlConfig'))),
    },
    { op: 'GetFunctionUrlConfig', method: 'GET', path, handle: ({ res, params, query }) => sendJson(res, 200, urls.get(params[0]!, qualifier(query))) },
    {
      op: 'UpdateFunctionUrlConfig',
      method: 'PUT',
      path,
      handle: async ({ req, res, params, query }) => sendJson(res, 200, urls.update(params[0]!, qualifier(query), await jsonBody(req, 'UpdateFunctionUrlConfig'))),
    },
    {
      op: 'DeleteFunctionUrlConfig',
      method: 'DELETE',
      path,
      handle: ({ res, params, query }) => {
        urls.delete(params[0]!, qualifier(query));
        res.writeHead(204).end();
      },
    },
    {
      op: 'ListFunctionUrlConfigs',
      method: 'GET',
      path: p(`/2021-10-31/functions/${FN}/urls`),
      handle: ({ res, params }) => sendJson(res, 200, { FunctionUrlConfigs: urls.list(params[0]!) }),
    },
  ];
}
