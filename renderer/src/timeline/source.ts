// Feeds a TimelineModel: the live telemetry sink (finished invocations, env
// records, env state changes, and platform.start for invocations still
// running) plus history read on open and after a gap (the feed's reset).
// History and live events overlap; the model merges by id, so order does not
// matter and nothing is drawn twice.
import type { ContractError } from '../../../main/contract/index.js';
import { api } from '../client.js';
import { addTelemetrySink } from '../telemetry/feed.js';
import { applyEvent } from './apply-event.js';
import type { TimelineModel } from './model.js';

/** How much history the timeline reads on open (the model keeps up to 50,000 as they come). */
export const HISTORY_INVOCATIONS = 10_000;
const HISTORY_STATES = 50_000;
const HISTORY_ENVS = 1_000;

export interface SourceStatus {
  loading: boolean;
  /** History could not be read (live events still arrive). */
  error?: ContractError;
}

/**
 * Follows `scope` (one function, or every function when undefined) into the model until the
 * returned function is called. `onStatus` hears when history is loading and whether it failed.
 */
export function connectTimeline(model: TimelineModel, scope: string | undefined, onStatus: (s: SourceStatus) => void): () => void {
  let alive = true;
  let generation = 0;
  model.clear(scope);

  const load = async () => {
    const mine = ++generation;
    onStatus({ loading: true });
    const name = scope;
    const [inv, envs, states] = await Promise.all([
      api.request('telemetry.invocations', { name, limit: HISTORY_INVOCATIONS }),
      api.request('telemetry.envs', { name, includeGone: true, limit: HISTORY_ENVS }),
      api.request('telemetry.envStates', { name, limit: HISTORY_STATES }),
    ]);
    if (!alive || mine !== generation) return;
    // Envs first: their records name versions and causes the lanes are grouped and marked by.
    if (envs.ok) for (const r of envs.value.items) model.upsertEnv(r);
    if (states.ok) for (const c of states.value.items) model.addStateChange(c);
    if (inv.ok) for (const r of inv.value.items) model.addInvocation(r);
    const failed = [inv, envs, states].find((r) => !r.ok);
    onStatus({ loading: false, error: failed && !failed.ok ? failed.error : undefined });
  };

  const off = addTelemetrySink({
    event(e) {
      if (alive) applyEvent(model, e);
    },
    reset() {
      // Frames were missed: history has them. Merging by id keeps what is drawn (no flash of empty).
      if (alive) void load();
    },
  });
  void load();
  return () => {
    alive = false;
    off();
  };
}
