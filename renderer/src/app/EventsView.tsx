// The events side view: this function's saved test events and the event
// library by source. Picking one opens the Test tab, where events are used.
import { useEffect, useMemo, useState } from 'react';
import type { ContractError, EventTemplateView, SavedEventView } from '../../../main/contract/index.js';
import { api } from '../client.js';
import { EmptyState, ErrorBox, IconEvents } from '../components/index.js';
import { useUi } from '../stores/ui.js';

let templatesCache: EventTemplateView[] | undefined;

export function EventsView() {
  const selected = useUi((s) => s.selected);
  const [templates, setTemplates] = useState<EventTemplateView[] | undefined>(templatesCache);
  const [saved, setSaved] = useState<SavedEventView[]>([]);
  const [error, setError] = useState<ContractError>();
  const [open, setOpen] = useState<string>();

  useEffect(() => {
    if (templatesCache) return;
    void api.request('events.templates', {}).then((r) => {
      if (r.ok) setTemplates((templatesCache = r.value));
      else setError(r.error);
    });
  }, []);
  useEffect(() => {
    if (!selected) return setSaved([]);
    let alive = true;
    void api.request('events.saved.list', { name: selected }).then((r) => {
      if (alive && r.ok) setSaved(r.value);
    });
    return () => {
      alive = false;
    };
  }, [selected]);

  const bySource = useMemo(() => {
    const m = new Map<string, EventTemplateView[]>();
    for (const t of templates ?? []) m.set(t.source, [...(m.get(t.source) ?? []), t]);
    return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  }, [templates]);

  const toTest = () => useUi.getState().setTab('test');

  return (
    <section className="side" aria-label="Events">
      <header className="side-header">
        <h2 className="side-title">Events</h2>
      </header>
      <div className="side-scroll">
        {error && <ErrorBox compact className="side-error" error={error} title="Could not load the event library" />}
        <div className="side-group">Saved{selected ? ` for ${selected}` : ''}</div>
        {saved.length === 0 ? (
          <div className="side-note">{selected ? 'No saved test events. Save one from the Test tab.' : 'Select a function to see its saved events.'}</div>
        ) : (
          saved.map((e) => (
            <button key={e.name} type="button" className="fn-row side-item" onClick={toTest} title="Open the Test tab">
              <IconEvents size={13} className="faint" />
              <span className="fn-name">{e.name}</span>
            </button>
          ))
        )}
        <div className="side-group">
          Library <span className="faint mono">{templates?.length ?? ''}</span>
        </div>
        {!templates && !error && <div className="side-note">Loading…</div>}
        {templates?.length === 0 && <EmptyState compact title="No templates" />}
        {bySource.map(([source, list]) => (
          <div key={source}>
            <button type="button" className="fn-row side-item" aria-expanded={open === source} onClick={() => setOpen(open === source ? undefined : source)}>
              <span className={`side-caret${open === source ? ' side-caret-open' : ''}`} aria-hidden="true" />
              <span className="fn-name">{source}</span>
              <span className="faint mono">{list.length}</span>
            </button>
            {open === source &&
              list.map((t) => (
                <button key={t.type} type="button" className="fn-row side-item side-item-nested" title={t.description} onClick={toTest}>
                  <span className="fn-name">{t.type}</span>
                </button>
              ))}
          </div>
        ))}
      </div>
    </section>
  );
}
