// The event catalogue: every template, looked up by source and type, rendered
// with validated parameters. The engine's API and the `lwb events` CLI serve
// it, so the UI's picker, form and preview need no logic of their own.
import { LambdaError } from '../errors.js';
import { RenderContext, type EventTemplate, type ParamSpec, type ParamValues } from './template.js';
import { TEMPLATES } from './catalog/index.js';

export const MAX_RECORDS = 100;

export interface TemplateView {
  source: string;
  type: string;
  description: string;
  batch: boolean;
  params: readonly ParamSpec[];
}

const view = (t: EventTemplate): TemplateView => ({ source: t.source, type: t.type, description: t.description, batch: t.batch === true, params: t.params });

export function listTemplates(): TemplateView[] {
  return TEMPLATES.map(view).sort((a, b) => a.source.localeCompare(b.source) || a.type.localeCompare(b.type));
}

export function findTemplate(source: string, type: string): EventTemplate {
  const bySource = TEMPLATES.filter((t) => t.source === source);
  if (bySource.length === 0) {
    const sources = [...new Set(TEMPLATES.map((t) => t.source))].sort();
    throw new LambdaError('ResourceNotFoundException', `Unknown event source "${source}". Sources: ${sources.join(', ')}.`);
  }
  const t = bySource.find((x) => x.type === type);
  if (!t) throw new LambdaError('ResourceNotFoundException', `Unknown ${source} event type "${type}". Types: ${bySource.map((x) => x.type).sort().join(', ')}.`);
  return t;
}

/** Checks and converts given parameters (strings from a CLI or form are coerced); fills defaults. */
export function resolveParams(t: EventTemplate, given: Record<string, unknown>): ParamValues {
  const known = new Map(t.params.map((p) => [p.name, p]));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      throw new LambdaError(
        'InvalidParameterValueException',
        `Unknown parameter "${name}" for ${t.source} ${t.type}. Parameters: ${t.params.map((p) => p.name).join(', ') || '(none)'}.`,
      );
    }
  }
  const out: ParamValues = {};
  for (const p of t.params) out[p.name] = p.name in given ? coerce(p, given[p.name]) : p.default;
  return out;
}

function coerce(p: ParamSpec, value: unknown): unknown {
  const bad = (what: string) => new LambdaError('InvalidParameterValueException', `Parameter "${p.name}" must be ${what}; got ${JSON.stringify(value)}.`);
  let v: unknown = value;
  switch (p.type) {
    case 'number':
      v = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad('a number');
      break;
    case 'boolean':
      v = value === 'true' ? true : value === 'false' ? false : value;
      if (typeof v !== 'boolean') throw bad('true or false');
      break;
    case 'json':
      if (typeof value === 'string') {
        try {
          v = JSON.parse(value);
        } catch {
          throw bad('JSON');
        }
      }
      break;
    case 'string':
      if (typeof value !== 'string') throw bad('a string');
      break;
  }
  if (p.choices && !p.choices.includes(String(v))) throw bad(`one of ${p.choices.join(', ')}`);
  return v;
}

export function renderEvent(source: string, type: string, given: Record<string, unknown> = {}, records?: number, now?: Date): unknown {
  const t = findTemplate(source, type);
  const n = records ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > MAX_RECORDS) throw new LambdaError('InvalidParameterValueException', `records must be a whole number from 1 to ${MAX_RECORDS}.`);
  if (n > 1 && !t.batch) throw new LambdaError('InvalidParameterValueException', `${source} ${type} is not a batch event; records applies to batch sources only.`);
  return t.render(new RenderContext(resolveParams(t, given), n, now));
}
