// One function's full configuration (`functions.get`), fetched again whenever
// the `functions` stream says it changed — by this window or anyone else.
import { useCallback, useEffect, useState } from 'react';
import type { ContractError, FunctionDetail } from '../../../main/contract/index.js';
import { api } from '../client.js';
import { useFunctions } from '../stores/functions.js';

export function useFunctionDetail(name: string): { detail?: FunctionDetail; error?: ContractError; reload(): void } {
  const change = useFunctions((s) => s.changes[name] ?? 0);
  const [state, setState] = useState<{ name: string; detail?: FunctionDetail; error?: ContractError }>({ name });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    void api.request('functions.get', { name }).then((r) => {
      if (!alive) return;
      setState(r.ok ? { name, detail: r.value } : { name, error: r.error });
    });
    return () => {
      alive = false;
    };
  }, [name, change, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  // Never show one function's detail under another's name while the new one loads.
  return state.name === name ? { detail: state.detail, error: state.error, reload } : { reload };
}
