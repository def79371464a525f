// One template parameter as a form control, chosen by its type: a select for
// choices, a checkbox for booleans, a number input, a JSON textarea checked as
// typed, a text input otherwise. The description is the help text.
import { useId } from 'react';
import type { EventTemplateView } from '../../../main/contract/index.js';
import { Field, Input, Select, Textarea } from '../components/index.js';
import { checkJson } from './json-check.js';

type Param = EventTemplateView['params'][number];
export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue | undefined>;

/** The form's starting values: every default, as the control shows it. */
export function formValues(t: EventTemplateView): FormValues {
  const out: FormValues = {};
  for (const p of t.params) {
    if (p.type === 'boolean') out[p.name] = p.default === true;
    else if (p.type === 'json') out[p.name] = JSON.stringify(p.default, null, 2);
    else out[p.name] = p.default === null || p.default === undefined ? '' : String(p.default);
  }
  return out;
}

/** The parameters to render with, or the first field that does not parse. */
export function paramsFromForm(t: EventTemplateView, values: FormValues): { params: Record<string, unknown> } | { error: string } {
  const params: Record<string, unknown> = {};
  for (const p of t.params) {
    const v = values[p.name];
    if (v === undefined) continue;
    switch (p.type) {
      case 'boolean':
        params[p.name] = v === true;
        break;
      case 'number': {
        const s = String(v).trim();
        if (s === '') continue; // the engine fills the default
        const n = Number(s);
        if (!Number.isFinite(n)) return { error: `${p.name} must be a number.` };
        params[p.name] = n;
        break;
      }
      case 'json':
        try {
          params[p.name] = JSON.parse(String(v));
        } catch {
          return { error: `${p.name} is not valid JSON.` };
        }
        break;
      default:
        params[p.name] = String(v);
    }
  }
  return { params };
}

export function ParamField({ param: p, value, onChange }: { param: Param; value: FormValue | undefined; onChange: (v: FormValue) => void }) {
  const id = useId();
  const common = { 'data-testid': 'event-param', 'data-name': p.name } as const;
  if (p.choices && p.choices.length > 0) {
    return (
      <Select label={p.name} hint={p.description} mono {...common} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)}>
        {p.choices.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </Select>
    );
  }
  if (p.type === 'boolean') {
    return (
      <Field className="tt-check-field" hint={p.description}>
        <label className="tt-check" htmlFor={id}>
          <input id={id} type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          <span className="tt-mono">{p.name}</span>
        </label>
      </Field>
    );
  }
  if (p.type === 'json') {
    const text = String(value ?? '');
    const check = checkJson(text);
    const error = check.ok ? undefined : check.line ? `Line ${check.line}, column ${check.column}: ${check.message}` : check.message;
    return (
      <Textarea
        label={p.name}
        hint={p.description}
        error={error}
        mono
        {...common}
        rows={Math.min(8, Math.max(2, text.split('\n').length))}
        value={text}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return (
    <Input
      label={p.name}
      hint={p.description}
      mono
      type={p.type === 'number' ? 'number' : 'text'}
      {...common}
      value={String(value ?? '')}
      error={p.type === 'number' && String(value ?? '').trim() !== '' && !Number.isFinite(Number(value)) ? 'A number.' : undefined}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
