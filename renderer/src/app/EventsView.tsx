// The events side view: the selected function's saved test events and the
// event library by source. Picking one puts its payload in the function's Test
// tab draft (the test panel's store) and opens that tab.
import { useEffect, useMemo, useState } from 'react';
import type { EventTemplateView } from '../../../main/contract/index.js';
import { call } from '../client.js';
import { ErrorBox, IconEvents, Spinner, toast } from '../components/index.js';
import { useEvents } from '../stores/events.js';
import { useUi } from '../stores/ui.js';

function openInTest(fn: string, payload: unknown, savedName?: string): void {
  useEvents.getState().setDraft(fn, { payload: JSON.stringify(payload, null, 2), savedName });
  const ui = useUi.getState();
  ui.setTab('test');
}

export function EventsView() {
  const selected = useUi((s) => s.selected);
  const templates = useEvents((s) => s.templates);
  const saved = useEvents((s) => (selected ? s.saved[selected] : undefined));
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState<string>();

  useEffect(() => {
    useEvents.getState().loadTemplates().catch(setError);
  }, []);
  useEffect(() => {
    if (selected) useEvents.getState().loadSaved(selected).catch(setError);
  }, [selected]);

  const bySource = useMemo(() => {
    const m = new Map<string, EventTemplateView[]>();
    for (const t of templates ?? []) m.set(t.source, [...(m.get(t.source) ?? []), t]);
    return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  }, [templates]);

  const pickTemplate = async (t: EventTemplateView) => {
    if (!selected) return;
    try {
      const defaults = Object.fromEntries(t.params.map((p) => [p.name, p.default]));
      const { payload } = await call('events.render', { source: t.source, type: t.type, params: defaults });
      openInTest(selected, payload);
    } catch (e) {
      toast.error(`Could not render ${t.source} ${t.type}`, e);
    }
  };

  return (
    <section className="side" aria-label="Events">
      <header className="side-header">
        <h2 className="side-title">Events</h2>
      </header>
      <div className="side-scroll">
        {error != null && <ErrorBox compact className="side-error" error={error} title="Could not load events" onDismiss={() => setError(undefined)} />}
        <div className="side-group">Saved{selected ? <span className="faint">for {selected}</span> : null}</div>
        {!selected ? (
          <div className="side-note">Select a function to see its saved test events.</div>
        ) : !saved ? (
          <div className="side-note">
            <Spinner size={11} /> Loading…
          </div>
        ) : saved.length === 0 ? (
          <div className="side-note">None yet. Save one from the Test tab.</div>
        ) : (
          saved.map((e) => (
            <button key={e.name} type="button" className="side-item" title="Use in the Test tab" onClick={() => openInTest(selected, e.event, e.name)}>
              <IconEvents size={13} className="faint" />
              <span className="fn-name">{e.name}</span>
            </button>
          ))
        )}
        <div className="side-group">
          Library <span className="faint mono">{templates?.length ?? ''}</span>
        </div>
        {!templates && error == null && (
          <div className="side-note">
            <Spinner size={11} /> Loading…
          </div>
        )}
        {bySource.map(([source, list]) => (
          <div key={source}>
            <button type="button" className="side-item" aria-expanded={open === source} onClick={() => setOpen(open === source ? undefined : source)}>
              <span className={`side-caret${open === source ? ' side-caret-open' : ''}`} aria-hidden="true" />
              <span className="fn-name">{source}</span>
              <span className="faint mono side-item-count">{list.length}</span>
            </button>
            {open === source &&
              list.map((t) => (
                <button key={t.type} type="button" className="side-item side-item-nested" title={selected ? `${t.description}\nUse in the Test tab of ${selected}` : t.description} disabled={!selected} onClick={() => void pickTemplate(t)}>
                  <span className="fn-name">{t.type}</span>
                </button>
              ))}
          </div>
        ))}
      </div>
    </section>
  );
}
