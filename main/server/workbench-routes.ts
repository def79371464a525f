// The workbench's own operations beside the Lambda API, in the same route
// table: the event catalogue (list, render) and saved test events per function
// (create, list, get, rename, delete, export, import). The UI uses these.
import type { Engine } from '../engine/engine.js';
import { listTemplates, renderEvent } from '../engine/events/catalog.js';
import { invalidParameter } from '../engine/errors.js';
import { FN, jsonBody, p, type Route } from './control-routes.js';
import { sendJson } from './http-util.js';

export function workbenchRoutes(engine: Engine): Route[] {
  const saved = engine.savedEvents;
  /** Saved events belong to an existing function. */
  const fn = (name: string) => engine.functions.get(name, true).config.FunctionName;
  const EVENT = `/_workbench/functions/${FN}/saved-events/([^/]+)`;
  return [
    { op: 'ListEventTemplates', method: 'GET', path: p('/_workbench/event-templates'), handle: ({ res }) => sendJson(res, 200, listTemplates()) },
    {
      op: 'RenderEvent',
      method: 'POST',
      path: p('/_workbench/event-templates/([^/]+)/([^/]+)/render'),
      handle: async ({ req, res, params }) => {
        const body = await jsonBody(req, 'RenderEvent');
        const given = body.params ?? {};
        if (typeof given !== 'object' || given === null || Array.isArray(given)) throw invalidParameter('params must be an object of parameter values.');
        const records = body.records === undefined ? undefined : Number(body.records);
        sendJson(res, 200, renderEvent(params[0]!, params[1]!, given as Record<string, unknown>, records));
      },
    },
    { op: 'ListSavedEvents', method: 'GET', path: p(`/_workbench/functions/${FN}/saved-events`), handle: ({ res, params }) => sendJson(res, 200, saved.list(fn(params[0]!))) },
    { op: 'GetSavedEvent', method: 'GET', path: p(EVENT), handle: ({ res, params }) => sendJson(res, 200, saved.get(fn(params[0]!), params[1]!)) },
    {
      op: 'SaveEvent',
      method: 'PUT',
      path: p(EVENT),
      handle: async ({ req, res, params }) => sendJson(res, 200, saved.save(fn(params[0]!), params[1]!, (await jsonBody(req, 'SaveEvent')).event)),
    },
    {
      op: 'RenameSavedEvent',
      method: 'POST',
      path: p(`${EVENT}/rename`),
      handle: async ({ req, res, params }) => sendJson(res, 200, saved.rename(fn(params[0]!), params[1]!, (await jsonBody(req, 'RenameSavedEvent')).NewName)),
    },
    {
      op: 'DeleteSavedEvent',
      method: 'DELETE',
      path: p(EVENT),
      handle: ({ res, params }) => {
        saved.delete(fn(params[0]!), params[1]!);
        res.writeHead(204).end();
      },
    },
    {
      op: 'ExportSavedEvents',
      method: 'GET',
      path: p('/_workbench/saved-events/export'),
      handle: ({ res, query }) => sendJson(res, 200, saved.export(query.get('function') ?? undefined)),
    },
    {
      op: 'ImportSavedEvents',
      method: 'POST',
      path: p('/_workbench/saved-events/import'),
      handle: async ({ req, res }) => sendJson(res, 200, { imported: saved.import(await jsonBody(req, 'ImportSavedEvents'), (name) => engine.functions.get(name, false) !== undefined) }),
    },
  ];
}
