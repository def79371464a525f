// The Environments panel (side bar): every env of the selected function — or of
// all functions — live, gone ones too, with their state, the cause of their cold
// start, age, use, memory peak and /tmp against their sizes, and why they went;
// and what can be done to them: kill one, kill all, pre-warm N, force cold.
import { useMemo, useState } from 'react';
import { Button, Dialog, EmptyState, ErrorBox, IconEnvironments } from '../components/index.js';
import { useInvocations } from '../stores/invocations.js';
import { useUi } from '../stores/ui.js';
import { killAllEnvs, prewarm, setForceCold } from './actions.js';
import { EnvTable } from './EnvTable.js';
import { sortEnvs, visibleEnvs } from './format.js';
import { useEnvPanel, useEnvRecords, useForceCold, useNow } from './hooks.js';
import { reloadEnvs } from './store.js';
import './envs.css';

export function EnvPanel() {
  const { envs, error } = useEnvRecords();
  const selected = useUi((s) => s.selected);
  const { allFunctions, showGone, sort, set } = useEnvPanel();
  const focusedEnvId = useInvocations((s) => s.focusedEnvId);
  const now = useNow();
  const rows = useMemo(() => sortEnvs(visibleEnvs(envs, { functionName: selected, allFunctions, showGone }), sort), [envs, selected, allFunctions, showGone, sort]);
  const live = rows.filter((e) => e.state !== 'gone').length;
  const anyEnded = rows.some((e) => e.endReason);

  return (
    <section className="side envp" data-testid="env-panel" aria-label="Environments">
      <header className="side-header">
        <h2 className="side-title">Environments</h2>
        <span className="side-count mono" data-testid="env-count" title={`${live} alive, ${rows.length - live} gone`}>
          {live}
          {rows.length > live ? <span className="faint">+{rows.length - live}</span> : null}
        </span>
      </header>
      <div className="envp-filters">
        <div className="envp-seg" role="radiogroup" aria-label="Which envs">
          <button type="button" role="radio" aria-checked={!allFunctions} data-testid="env-scope-function" disabled={!selected} title={selected ? `Only ${selected}'s envs` : 'Select a function first'} onClick={() => set({ allFunctions: false })}>
            {selected ?? 'This function'}
          </button>
          <button type="button" role="radio" aria-checked={allFunctions} data-testid="env-scope-all" onClick={() => set({ allFunctions: true })}>
            All functions
          </button>
        </div>
        <label className="envp-check" title="Show envs that have gone (killed, expired, replaced), with why">
          <input type="checkbox" data-testid="env-show-gone" checked={showGone} onChange={(e) => set({ showGone: e.target.checked })} />
          gone
        </label>
      </div>
      <EnvActions functionName={selected} count={rows.filter((e) => e.functionName === selected && e.state !== 'gone').length} />
      {error && (
        <div className="envp-error">
          <ErrorBox compact error={error} title="Could not read the environments' history" />
          <Button size="small" variant="ghost" onClick={reloadEnvs}>
            Retry
          </Button>
        </div>
      )}
      <div className="envp-scroll">
        {rows.length === 0 ? (
          <EmptyState compact icon={<IconEnvironments size={24} />} title={allFunctions || !selected ? 'No environments yet' : `No environments of ${selected}`}>
            Invoke a function (or pre-warm it) and its execution environments appear here: starting, initializing, invoking, idle, frozen, and gone with why.
          </EmptyState>
        ) : (
          <EnvTable envs={rows} sort={sort} onSort={(s) => set({ sort: s })} focusedEnvId={focusedEnvId} now={now} showFn={allFunctions} showEnd={showGone && anyEnded} />
        )}
      </div>
      <p className="side-footnote">Click an env to inspect it and browse its <code>/tmp</code>. Force cold applies to every function.</p>
    </section>
  );
}

function EnvActions({ functionName, count }: { functionName?: string; count: number }) {
  const prewarmCount = useEnvPanel((s) => s.prewarmCount);
  const forceCold = useForceCold();
  const [busy, setBusy] = useState<'prewarm' | 'killAll' | 'cold' | undefined>();
  const [confirming, setConfirming] = useState(false);
  const run = async (what: typeof busy, fn: () => Promise<unknown>) => {
    setBusy(what);
    try {
      await fn();
    } finally {
      setBusy(undefined);
    }
  };
  const valid = Number.isInteger(prewarmCount) && prewarmCount >= 1 && prewarmCount <= 50;
  const noFn = functionName ? undefined : 'Select a function first';
  return (
    <div className="envp-actions">
      <div className="envp-prewarm">
        <Button
          size="small"
          data-testid="env-prewarm"
          disabled={!functionName || !valid}
          busy={busy === 'prewarm'}
          title={noFn ?? `Start ${prewarmCount} env${prewarmCount === 1 ? '' : 's'} of ${functionName} now: each runs INIT and waits idle`}
          onClick={() => void run('prewarm', () => prewarm(functionName!, prewarmCount))}
        >
          Pre-warm
        </Button>
        <input
          className="envp-count mono"
          type="number"
          min={1}
          max={50}
          step={1}
          value={Number.isFinite(prewarmCount) ? prewarmCount : ''}
          aria-label="How many envs to pre-warm (1–50)"
          aria-invalid={!valid || undefined}
          data-testid="env-prewarm-count"
          onChange={(e) => useEnvPanel.getState().set({ prewarmCount: e.target.valueAsNumber })}
        />
      </div>
      <Button size="small" variant="ghost" data-testid="env-kill-all" disabled={!functionName || count === 0} busy={busy === 'killAll'} title={noFn ?? `Kill every env of ${functionName}`} onClick={() => setConfirming(true)}>
        Kill all
      </Button>
      <span className="spacer" />
      <button
        type="button"
        className="envp-toggle"
        role="switch"
        aria-checked={forceCold === true}
        data-testid="env-force-cold"
        data-on={forceCold === undefined ? 'unknown' : String(forceCold)}
        disabled={busy === 'cold'}
        title={`Force cold is ${forceCold ? 'on' : forceCold === false ? 'off' : 'off unless turned on elsewhere'}: when on, every invoke of every function runs in a new env, destroyed afterwards`}
        onClick={() => void run('cold', () => setForceCold(!forceCold))}
      >
        <span className="envp-switch" aria-hidden="true" />
        Force cold
      </button>
      <Dialog
        open={confirming}
        onOpenChange={setConfirming}
        title={`Kill all envs of ${functionName}?`}
        testId="env-kill-all-dialog"
        width={420}
        footer={
          <>
            <Button onClick={() => setConfirming(false)}>Cancel</Button>
            <Button
              variant="danger"
              data-testid="env-kill-all-confirm"
              onClick={() => {
                setConfirming(false);
                void run('killAll', () => killAllEnvs(functionName!));
              }}
            >
              Kill {count} env{count === 1 ? '' : 's'}
            </Button>
          </>
        }
      >
        <p className="dialog-p">
          Every env of <b>{functionName}</b> is shut down, invocations running in them included. Its next invoke starts cold with the cause “forced”.
        </p>
      </Dialog>
    </div>
  );
}
