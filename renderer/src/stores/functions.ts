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
}

const MIN_INTERVAL_MS = 100;
let lastFetch = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let inFlight = false;
let again = false;

async function fetchNow(): Promise<void> {
  if (inFlight) {
    again = true; // answer the latest change too, after the request under way
    return;
  }
  inFlight = true;
  lastFetch = Date.now();
  try {
    const r = await api.request('functions.list', {});
    if (r.ok) {
      const list = [...r.value].sort((a, b) => a.name.localeCompare(b.name));
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
