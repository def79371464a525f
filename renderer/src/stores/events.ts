// Test payloads: the event library's templates (loaded once), the saved test
// events per function (persisted by the engine), and the draft the Test tab
// edits per function (payload, invocation type, qualifier) — kept for the
// session so switching functions or tabs never loses what was typed.
import { create } from 'zustand';
import type { EventTemplateView, InvocationType, SavedEventView, SavedEventsDocument } from '../../../main/contract/index.js';
import { call } from '../client.js';

export interface Draft {
  payload: string;
  type: InvocationType;
  /** Empty means $LATEST (the API's default). */
  qualifier: string;
  /** The saved event last loaded or saved into this draft. */
  savedName?: string;
  batchCount: number;
  batchConcurrency: number;
}

export const DEFAULT_PAYLOAD = '{\n  "key1": "value1",\n  "key2": "value2",\n  "key3": "value3"\n}';

export const newDraft = (): Draft => ({ payload: DEFAULT_PAYLOAD, type: 'RequestResponse', qualifier: '', batchCount: 5, batchConcurrency: 5 });

interface EventsState {
  templates?: EventTemplateView[];
  templatesLoading: boolean;
  drafts: Record<string, Draft>;
  saved: Record<string, SavedEventView[] | undefined>;

  /** Loads the catalogue once; later calls are no-ops. Throws ContractFailure. */
  loadTemplates(): Promise<EventTemplateView[]>;
  setDraft(name: string, patch: Partial<Draft>): void;
  loadSaved(name: string): Promise<SavedEventView[]>;
  saveEvent(name: string, eventName: string, event: unknown): Promise<SavedEventView>;
  renameEvent(name: string, eventName: string, newName: string): Promise<SavedEventView>;
  deleteEvent(name: string, eventName: string): Promise<void>;
  exportEvents(name?: string): Promise<SavedEventsDocument>;
  importEvents(document: unknown, reloadFor?: string): Promise<number>;
}

export const useEvents = create<EventsState>()((set, get) => ({
  templatesLoading: false,
  drafts: {},
  saved: {},

  async loadTemplates() {
    const have = get().templates;
    if (have) return have;
    set({ templatesLoading: true });
    try {
      const templates = await call('events.templates', {});
      set({ templates });
      return templates;
    } finally {
      set({ templatesLoading: false });
    }
  },

  setDraft: (name, patch) => set((s) => ({ drafts: { ...s.drafts, [name]: { ...(s.drafts[name] ?? newDraft()), ...patch } } })),

  async loadSaved(name) {
    const list = await call('events.saved.list', { name });
    set((s) => ({ saved: { ...s.saved, [name]: list } }));
    return list;
  },

  async saveEvent(name, eventName, event) {
    const saved = await call('events.saved.save', { name, eventName, event });
    await get().loadSaved(name);
    return saved;
  },

  async renameEvent(name, eventName, newName) {
    const renamed = await call('events.saved.rename', { name, eventName, newName });
    await get().loadSaved(name);
    return renamed;
  },

  async deleteEvent(name, eventName) {
    await call('events.saved.delete', { name, eventName });
    await get().loadSaved(name);
  },

  exportEvents: (name) => call('events.saved.export', name === undefined ? {} : { name }),

  async importEvents(document, reloadFor) {
    const { imported } = await call('events.saved.import', { document });
    if (reloadFor) await get().loadSaved(reloadFor);
    return imported;
  },
}));

/** The draft of a function (a fresh one when it has none yet; not stored until edited). */
const fallback = new Map<string, Draft>();
export function draftOf(drafts: Record<string, Draft>, name: string): Draft {
  const d = drafts[name];
  if (d) return d;
  let f = fallback.get(name);
  if (!f) fallback.set(name, (f = newDraft()));
  return f;
}
