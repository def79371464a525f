// A first look at the execution environments: every live env with its state.
// The full view (cause, age, memory peak, /tmp browser, kill) is the next release's.
import { useEffect, useState } from 'react';
import type { ContractError, EnvSummary } from '../../../main/contract/index.js';
import { api } from '../client.js';
import { EmptyState, ErrorBox, IconEnvironments } from '../components/index.js';
import { useUi } from '../stores/ui.js';

const TONE: Record<string, string> = { idle: 'warm', frozen: 'frozen', invoking: 'busy', starting: 'starting', initializing: 'starting' };

/** What the env may reach, short enough for a column (the tooltip says it whole). */
function networkLabel(n: EnvSummary['network']): { short: string; long: string } {
  if (!n || n.mode === 'none') return { short: 'no net', long: 'no network (only lo)' };
  const ports = n.hostPorts.length ? ` :${n.hostPorts.join(', :')}` : '';
  if (n.mode === 'host-ports') return { short: 'host', long: `host ports${ports} only` };
  return { short: ports ? 'net+host' : 'net', long: `internet${ports ? ` + host${ports}` : ''}` };
}

export function EnvironmentsView() {
  const [envs, setEnvs] = useState<EnvSummary[]>([]);
  const [error, setError] = useState<ContractError>();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let alive = true;
    const load = async () => {
      const r = await api.request('envs.list', {});
      if (!alive) return;
      if (r.ok) {
        setEnvs(r.value.filter((e) => e.state !== 'gone'));
        setError(undefined);
      } else setError(r.error);
    };
    const off = api.subscribe('envs', () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        void load();
      }, 150);
    });
    void load();
    return () => {
      alive = false;
      off();
      clearTimeout(timer);
    };
  }, []);
  return (
    <section className="side" aria-label="Environments">
      <header className="side-header">
        <h2 className="side-title">Environments</h2>
        {envs.length > 0 && <span className="side-count mono">{envs.length}</span>}
      </header>
      {error && <ErrorBox compact className="side-error" error={error} title="Could not list the environments" />}
      {envs.length === 0 && !error ? (
        <EmptyState compact icon={<IconEnvironments size={24} />} title="No environments running">
          Invoke a function and its execution environment appears here: starting, busy, warm, then frozen.
        </EmptyState>
      ) : (
        <div className="fn-list" role="list">
          {envs.map((e) => {
            const net = networkLabel(e.network);
            return (
            <div key={e.id} role="listitem" className="fn-row env-row" data-testid="env-row" data-env-id={e.id} data-state={e.state} data-network={e.network?.mode ?? 'none'} title={`${e.id}\n${e.functionName}:${e.version} · ${e.state}\nnetwork: ${net.long}\n${e.logStream}`} onClick={() => useUi.getState().select(e.functionName)}>
              <span className={`env-state env-${TONE[e.state] ?? 'gone'}`} />
              <span className="fn-name mono">{e.id.slice(0, 10)}</span>
              <span className="env-fn">{e.functionName}</span>
              <span className="env-net mono" data-testid="env-network">{net.short}</span>
              <span className="env-st mono">{e.state}</span>
            </div>
            );
          })}
        </div>
      )}
      <p className="side-footnote">Env details, <code>/tmp</code> and kill arrive with the next release.</p>
    </section>
  );
}
