// React's view of the env store: the records (re-read once per frame at most),
// the panel's own choices (scope, gone ones, sort), a clock for relative times,
// and the workbench-wide "force cold" switch.
import { useEffect, useMemo, useState } from 'react';
import { create } from 'zustand';
import type { EngineStatus } from '../../../main/contract/index.js';
import type { EnvRecord } from '../../../main/contract/telemetry.js';
import { useStatus } from '../stores/status.js';
import { useFrameVersion } from '../telemetry/frame-version.js';
import type { Sort } from './format.js';
import { allEnvs, envLoadState, envRecord, envsVersion, startEnvs } from './store.js';

/** All envs known (every function, gone ones too); a new array when any changed. */
export function useEnvRecords(): { envs: EnvRecord[]; loading: boolean; error: ReturnType<typeof envLoadState>['error'] } {
  useEffect(() => startEnvs(), []);
  const v = useFrameVersion(envsVersion);
  // A new array only when the version moved: rows compare by reference.
  const envs = useMemo(() => [...allEnvs()], [v]);
  const s = envLoadState();
  return { envs, loading: s.loading, error: s.error };
}

/** One env's record, live. */
export function useEnvRecord(envId: string | undefined): EnvRecord | undefined {
  useEffect(() => startEnvs(), []);
  useFrameVersion(envsVersion);
  return envRecord(envId);
}

/** Now, every `ms` (relative times: "12 s ago"). */
export function useNow(ms = 5000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

interface PanelPrefs {
  allFunctions: boolean;
  showGone: boolean;
  sort: Sort;
  prewarmCount: number;
  set(p: Partial<Omit<PanelPrefs, 'set'>>): void;
}

export const useEnvPanel = create<PanelPrefs>()((set) => ({
  allFunctions: false,
  showGone: true,
  sort: { key: 'created', desc: true },
  prewarmCount: 1,
  set: (p) => set(p),
}));

/**
 * Force cold is workbench-wide. The engine's status says whether it is on when it reports it
 * (`forceCold`); otherwise the window knows only what its own last switch answered.
 */
const useForceColdLocal = create<{ on?: boolean }>(() => ({}));
export function setForceColdKnown(on: boolean): void {
  useForceColdLocal.setState({ on });
}
export function useForceCold(): boolean | undefined {
  const fromStatus = useStatus((s) => (s.status as (EngineStatus & { forceCold?: unknown }) | undefined)?.forceCold);
  const local = useForceColdLocal((s) => s.on);
  return typeof fromStatus === 'boolean' ? fromStatus : local;
}

/**
 * Asks the inspector to show the focused env even when it was focused already (an invocation
 * focuses its env too, so a click on that env's row changes no focus).
 */
export const useShowEnvRequest = create<{ n: number }>(() => ({ n: 0 }));
export function showEnvInInspector(): void {
  useShowEnvRequest.setState((s) => ({ n: s.n + 1 }));
}
