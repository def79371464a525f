// The event library: the engine's 73 templates by source, a form generated from
// the chosen template's parameters (defaults filled, descriptions as help), the
// payload the engine renders from it (live, debounced), and "Use" to put that
// payload in the editor. Rendering stays in the engine: the window has no
// template logic of its own.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ContractError, EventTemplateView } from '../../../main/contract/index.js';
import { call } from '../client.js';
import { Button, Dialog, ErrorBox, IconSearch, Input, Spinner, toContractError } from '../components/index.js';
import { useEvents } from '../stores/events.js';
import { ParamField, formValues, paramsFromForm, type FormValues } from './ParamField.js';

const keyOf = (t: EventTemplateView) => `${t.source}/${t.type}`;

function matches(t: EventTemplateView, words: string[]): boolean {
  const hay = `${t.source} ${t.type} ${t.description}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

type Preview = { key: string; text?: string; error?: ContractError; pending: boolean };

export function EventLibrary({ open, onOpenChange, onUse }: { open: boolean; onOpenChange: (o: boolean) => void; onUse: (payload: string, label: string) => void }) {
  const templates = useEvents((s) => s.templates);
  const [loadError, setLoadError] = useState<ContractError>();
  const [query, setQuery] = useState('');
  const [source, setSource] = useState<string>();
  const [chosen, setChosen] = useState<EventTemplateView>();
  const [values, setValues] = useState<FormValues>({});
  const [records, setRecords] = useState('1');
  const [preview, setPreview] = useState<Preview>();
  const seq = useRef(0);

  useEffect(() => {
    if (!open || templates) return;
    setLoadError(undefined);
    useEvents
      .getState()
      .loadTemplates()
      .catch((e: unknown) => setLoadError(toContractError(e)));
  }, [open, templates]);

  const words = useMemo(() => query.toLowerCase().split(/\s+/).filter(Boolean), [query]);
  const found = useMemo(() => (templates ?? []).filter((t) => matches(t, words)), [templates, words]);
  const sources = useMemo(() => {
    const counts = new Map<string, number>();
    for (const t of found) counts.set(t.source, (counts.get(t.source) ?? 0) + 1);
    return [...counts.entries()];
  }, [found]);
  const shown = source ? found.filter((t) => t.source === source) : found;

  const choose = (t: EventTemplateView) => {
    setChosen(t);
    setValues(formValues(t));
    setRecords('1');
  };

  // What the form asks the engine for; undefined while a field does not parse.
  const request = useMemo(() => {
    if (!chosen) return undefined;
    const params = paramsFromForm(chosen, values);
    if ('error' in params) return { error: params.error };
    const n = Number(records);
    const recs = chosen.batch && Number.isInteger(n) && n >= 1 && n <= 100 ? n : 1;
    const key = `${keyOf(chosen)}|${JSON.stringify(params.params)}|${recs}`;
    return { key, params: { source: chosen.source, type: chosen.type, params: params.params, records: chosen.batch ? recs : undefined } };
  }, [chosen, values, records]);

  const render = async (req: NonNullable<typeof request>): Promise<Preview> => {
    if ('error' in req) return { key: '', pending: false, error: { code: 'InvalidParameterValue', message: req.error ?? '' } };
    const mine = ++seq.current;
    setPreview((p) => ({ key: req.key, text: p?.text, pending: true }));
    let next: Preview;
    try {
      const { payload } = await call('events.render', req.params);
      next = { key: req.key, text: JSON.stringify(payload, null, 2), pending: false };
    } catch (e) {
      next = { key: req.key, error: toContractError(e), pending: false };
    }
    if (mine === seq.current) setPreview(next);
    return next;
  };

  useEffect(() => {
    if (!open || !request) return;
    if ('error' in request) {
      setPreview({ key: '', pending: false, error: { code: 'InvalidParameterValue', message: request.error ?? '' } });
      return;
    }
    const t = setTimeout(() => void render(request), 150);
    return () => clearTimeout(t);
    // `request` is memoised on the form's values: a new one means something to render.
  }, [open, request]);

  const use = async () => {
    if (!request || !chosen) return;
    const p = preview && !preview.pending && 'key' in request && preview.key === request.key ? preview : await render(request);
    if (p.text === undefined) return;
    onUse(p.text, `${chosen.source} ${chosen.type}`);
    onOpenChange(false);
  };

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Event library"
      description="Realistic events for every trigger: pick one, fill its fields, use the payload."
      testId="event-library-panel"
      width={1080}
      footer={
        <>
          <span className="tt-muted tt-footnote">{chosen ? `${chosen.source} · ${chosen.type}` : `${templates?.length ?? '…'} templates`}</span>
          <span className="spacer" />
          <Button variant="ghost" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button variant="primary" data-testid="event-use" disabled={!request || 'error' in request || Boolean(preview?.error)} onClick={() => void use()}>
            Use
          </Button>
        </>
      }
    >
      <div className="tt-lib">
        <div className="tt-lib-sources">
          <Input
            aria-label="Search templates"
            placeholder="Search templates"
            data-testid="event-search"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setSource(undefined); // a search looks across every source
            }}
            suffix={<IconSearch size={14} />}
          />
          <div className="tt-lib-list" role="listbox" aria-label="Sources">
            <button type="button" className={`tt-lib-item${source === undefined ? ' tt-selected' : ''}`} onClick={() => setSource(undefined)}>
              <span>All sources</span>
              <span className="tt-num tt-muted">{found.length}</span>
            </button>
            {sources.map(([s, n]) => (
              <button key={s} type="button" className={`tt-lib-item${source === s ? ' tt-selected' : ''}`} data-testid="event-source" data-source={s} onClick={() => setSource(s)}>
                <span className="tt-mono">{s}</span>
                <span className="tt-num tt-muted">{n}</span>
              </button>
            ))}
          </div>
        </div>
        <div className="tt-lib-templates" role="listbox" aria-label="Templates">
          {loadError ? <ErrorBox compact error={loadError} title="Could not load the templates" /> : null}
          {!templates && !loadError ? (
            <div className="tt-muted tt-pad">
              <Spinner size={12} /> Loading templates…
            </div>
          ) : null}
          {templates && shown.length === 0 ? <div className="tt-muted tt-pad">No template matches “{query}”.</div> : null}
          {shown.map((t, i) => (
            <div key={keyOf(t)}>
              {!source && (i === 0 || shown[i - 1]!.source !== t.source) ? <div className="tt-lib-group tt-mono">{t.source}</div> : null}
              <button
                type="button"
                className={`tt-lib-template${chosen && keyOf(chosen) === keyOf(t) ? ' tt-selected' : ''}`}
                data-testid="event-template"
                data-source={t.source}
                data-type={t.type}
                onClick={() => choose(t)}
                title={t.description}
              >
                <span className="tt-mono">
                  {t.type}
                  {t.batch ? <span className="tt-tag">batch</span> : null}
                </span>
                <span className="tt-muted tt-ellipsis">{t.description}</span>
              </button>
            </div>
          ))}
        </div>
        <div className="tt-lib-form">
          {chosen ? (
            <>
              <div className="tt-lib-desc">{chosen.description}</div>
              <div className="tt-lib-fields">
                {chosen.batch ? (
                  <Input
                    label="Records"
                    type="number"
                    min={1}
                    max={100}
                    mono
                    data-testid="event-records"
                    value={records}
                    hint="How many distinct records the batch holds (1–100)."
                    error={Number.isInteger(Number(records)) && Number(records) >= 1 && Number(records) <= 100 ? undefined : 'A whole number from 1 to 100.'}
                    onChange={(e) => setRecords(e.target.value)}
                  />
                ) : null}
                {chosen.params.map((p) => (
                  <ParamField key={`${keyOf(chosen)}:${p.name}`} param={p} value={values[p.name]} onChange={(v) => setValues((vs) => ({ ...vs, [p.name]: v }))} />
                ))}
                {chosen.params.length === 0 ? <div className="tt-muted">This template has no parameters.</div> : null}
              </div>
            </>
          ) : (
            <div className="tt-muted tt-pad">Pick a template to fill its fields.</div>
          )}
        </div>
        <div className="tt-lib-preview">
          <div className="tt-payload-head">
            <span className="tt-label">Payload</span>
            {preview?.pending ? <Spinner size={12} label="Rendering" /> : null}
          </div>
          {preview?.error ? <ErrorBox compact error={preview.error} /> : null}
          <pre className="tt-code tt-lib-pre" data-testid="event-preview" data-pending={preview?.pending ? 'true' : 'false'}>
            {preview?.text ?? ''}
          </pre>
        </div>
      </div>
    </Dialog>
  );
}
