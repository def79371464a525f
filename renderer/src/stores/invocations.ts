// This session's invocations: the history the inspector lists, the one focused
// invocation the whole window follows (result card now; logs and timeline next),
// what is running per function, and the batch runs. `focusedId` is the single
// source of truth for "which invocation am I looking at".
import { create } from 'zustand';
import type { ContractError, InvocationResult, InvocationType } from '../../../main/contract/index.js';

/** Enough for a long session; older entries fall off (their details stay in the engine's logs). */
export const HISTORY_LIMIT = 500;

/** What an invoke asked for: kept so "re-run last" repeats it exactly. */
export interface InvokeRequest {
  name: string;
  payload: string;
  type: InvocationType;
  qualifier?: string;
}

/** One item of a batch: a result, or the failure of the call itself. */
export type BatchItem = { index: number; result: InvocationResult } | { index: number; error: ContractError };

export interface BatchRun {
  id: number;
  functionName: string;
  total: number;
  concurrency: number;
  done: number;
  /** Calls that failed plus invocations that ended in a function error. */
  errors: number;
  items: BatchItem[];
  startedAt: number;
  finishedAt?: number;
  cancelled?: boolean;
}

interface InvocationsState {
  /** Newest first, at most HISTORY_LIMIT. */
  history: InvocationResult[];
  focusedId?: string;
  /**
   * The focused env: the whole window's other half of "what am I looking at" (Environments panel,
   * timeline lane, logs chip). Focusing an invocation focuses the env that ran it (when known).
   */
  focusedEnvId?: string;
  /** In-flight invokes per function (the window lets several run at once, as Lambda does). */
  running: Record<string, number>;
  /** The last call's failure per function (cleared by the next success). */
  lastError: Record<string, ContractError | undefined>;
  lastRequest?: InvokeRequest;
  /** The latest batch per function. */
  batches: Record<string, BatchRun | undefined>;

  add(result: InvocationResult, opts?: { focus?: boolean }): void;
  /** Focuses an invocation everywhere; `envId`: the env that ran it, when the caller knows it. */
  focus(requestId: string | undefined, envId?: string): void;
  focusEnv(envId: string | undefined): void;
  begin(req: InvokeRequest): void;
  end(name: string, error?: ContractError): void;
  /** `add` and `end` in one update, so the card renders in one commit. */
  complete(name: string, result: InvocationResult): void;
  clearError(name: string): void;
  setBatch(name: string, update: (prev: BatchRun | undefined) => BatchRun | undefined): void;
}

export const useInvocations = create<InvocationsState>()((set) => ({
  history: [],
  running: {},
  lastError: {},
  batches: {},

  add: (result, opts) =>
    set((s) => {
      const history = [result, ...s.history];
      if (history.length > HISTORY_LIMIT) history.length = HISTORY_LIMIT;
      if (opts?.focus === false) return { history };
      return { history, focusedId: result.requestId, focusedEnvId: result.envId ?? s.focusedEnvId };
    }),

  focus: (requestId, envId) =>
    set((s) => ({ focusedId: requestId, focusedEnvId: envId ?? s.history.find((r) => r.requestId === requestId)?.envId ?? s.focusedEnvId })),

  focusEnv: (envId) => set({ focusedEnvId: envId }),

  begin: (req) =>
    set((s) => ({
      running: { ...s.running, [req.name]: (s.running[req.name] ?? 0) + 1 },
      lastRequest: req,
      lastError: { ...s.lastError, [req.name]: undefined },
    })),

  end: (name, error) =>
    set((s) => ({
      running: { ...s.running, [name]: Math.max(0, (s.running[name] ?? 1) - 1) },
      lastError: error ? { ...s.lastError, [name]: error } : s.lastError,
    })),

  complete: (name, result) =>
    set((s) => {
      const history = [result, ...s.history];
      if (history.length > HISTORY_LIMIT) history.length = HISTORY_LIMIT;
      return { history, focusedId: result.requestId, focusedEnvId: result.envId ?? s.focusedEnvId, running: { ...s.running, [name]: Math.max(0, (s.running[name] ?? 1) - 1) } };
    }),

  clearError: (name) => set((s) => ({ lastError: { ...s.lastError, [name]: undefined } })),

  setBatch: (name, update) => set((s) => ({ batches: { ...s.batches, [name]: update(s.batches[name]) } })),
}));

/** The focused invocation (a stable object reference, safe as a selector result). */
export const selectFocused = (s: InvocationsState): InvocationResult | undefined =>
  s.focusedId === undefined ? undefined : s.history.find((r) => r.requestId === s.focusedId);

/** Looks an invocation up by request id (history first). */
export const findInvocation = (requestId: string): InvocationResult | undefined =>
  useInvocations.getState().history.find((r) => r.requestId === requestId);
