/**
 * useFunctions — the function list, kept live.
 *
 * `functions.list` is refetched when the `functions` or `envs` stream says
 * something changed (any caller: this window, the AWS CLI, a linked folder),
 * at most ten times a second so a burst of env changes costs one request per
 * 100 ms. `changes[name]` counts changes per function so a panel showing one
 * function's details (the Configuration tab) knows when to refetch it.
 */
import { create } from 'zustand';
import type { ContractError, FunctionSummary } from '../../../main/contract/index.js';
import { api } from '../client.js';

export interface FunctionsState {
  list: FunctionSummary[];
  loaded: boolean;
  error?: ContractError;
  /** Per function: bumped on every `functions` stream frame naming it. */
  changes: Record<string, number>;
  refresh(): void;
  /** Puts a summary the window just got (e.g. from functions.create) in the list before the stream's refetch. */
  upsert(f: FunctionSummary): void;
}

const MIN_INTERVAL_MS = 100;
let lastFetch = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let inFlight = false;
let again = false;
/** Summaries put in by upsert, and when: a list fetched before that moment cannot know them yet. */
const recent = new Map<string, { at: number; f: FunctionSummary }>();

async function fetchNow(): Promise<void> {
  if (inFlight) {
    again = true; // answer the latest change too, after the request under way
    return;
  }
  inFlight = true;
  const startedAt = (lastFetch = Date.now());
  try {
    const r = await api.request('functions.list', {});
    if (r.ok) {
      const list = [...r.value];
      for (const [name, u] of recent) {
        if (u.at < startedAt) recent.delete(name);
        else if (!list.some((f) => f.name === name)) list.push(u.f);
      }
      list.sort((a, b) => a.name.localeCompare(b.name));
      useFunctions.setState({ list, loaded: true, error: undefined });
    } else {
      useFunctions.setState({ loaded: true, error: r.error });
    }
  } finally {
    inFlight = false;
    if (again) {
      again = false;
      schedule();
    }
  }
}

function schedule(): void {
  if (timer) return;
  const wait = Math.max(0, lastFetch + MIN_INTERVAL_MS - Date.now());
  timer = setTimeout(() => {
    timer = undefined;
    void fetchNow();
  }, wait);
}

export const useFunctions = create<FunctionsState>()(() => ({
  list: [],
  loaded: false,
  changes: {},
  refresh: schedule,
  upsert: (f) => {
    recent.set(f.name, { at: Date.now(), f });
    useFunctions.setState((s) => ({ list: [...s.list.filter((x) => x.name !== f.name), f].sort((a, b) => a.name.localeCompare(b.name)) }));
  },
}));

let started = false;
/** Loads the list and follows the streams (once per window). */
export function startFunctions(): void {
  if (started) return;
  started = true;
  api.subscribe('functions', (frame) => {
    const name = frame.data.name;
    useFunctions.setState((s) => ({ changes: { ...s.changes, [name]: (s.changes[name] ?? 0) + 1 } }));
    schedule();
  });
  api.subscribe('envs', () => schedule());
  // After a reconnect the streams may have missed frames: reload what they would have said.
  const withConnection = api as { onConnection?(fn: (up: boolean) => void): () => void };
  withConnection.onConnection?.((up) => {
    if (up) schedule();
  });
  void fetchNow();
}

/** The summary of one function, or undefined. */
export const useFunction = (name: string | undefined) => useFunctions((s) => (name ? s.list.find((f) => f.name === name) : undefined));
