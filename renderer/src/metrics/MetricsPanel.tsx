// The Metrics panel (dock tab): the selected function over a chosen range —
// invocations, errors and throttles; duration percentiles with and without cold
// starts; cold-start rate by cause; concurrent envs; max memory against its
// size; billed duration; estimated cost — live, with the totals on top. The
// engine derives the buckets (telemetry.metrics); this panel asks again at most
// once a second while the function's invocations and envs change.
import { useEffect, useMemo, useState } from 'react';
import { create } from 'zustand';
import type { ContractError } from '../../../main/contract/index.js';
import type { MetricsView } from '../../../main/contract/telemetry.js';
import { api } from '../client.js';
import { EmptyState, ErrorBox, IconMetrics, Spinner } from '../components/index.js';
import { lookUpInvocation } from '../envs/records.js';
import { firstEnvCreated, startEnvs } from '../envs/store.js';
import { useFunctions } from '../stores/functions.js';
import { selectFocused, useInvocations } from '../stores/invocations.js';
import { useUi } from '../stores/ui.js';
import { addTelemetrySink } from '../telemetry/feed.js';
import { Chart } from './Chart.js';
import { chartModels } from './charts.js';
import { duration, RANGES, rangeFor, toColumns, totalsOf, usd, type RangeId } from './data.js';
import './metrics.css';

/** At most one request a second, whatever the event rate. */
const MIN_INTERVAL_MS = 1000;
/** The range slides even when nothing happens. */
const TICK_MS = 15_000;

const useRange = create<{ range: RangeId }>(() => ({ range: '15m' }));

export function MetricsPanel() {
  const fn = useUi((s) => s.selected);
  if (!fn) {
    return (
      <div className="mx-panel" data-testid="metrics-panel">
        <EmptyState compact icon={<IconMetrics size={22} />} title="No function selected">
          Select a function in the side bar to see its invocations, durations, cold starts, memory and cost.
        </EmptyState>
      </div>
    );
  }
  return <Metrics key={fn} fn={fn} />;
}

function useMetrics(fn: string, range: RangeId): { view?: MetricsView; error?: ContractError; loading: boolean } {
  const [state, setState] = useState<{ view?: MetricsView; error?: ContractError; loading: boolean }>({ loading: true });
  useEffect(() => {
    startEnvs(); // "all" starts at the function's first env
    let alive = true;
    let inFlight = false;
    let again = false;
    let lastStart = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fetchNow = async () => {
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      lastStart = Date.now();
      const q = rangeFor(range, Date.now(), firstEnvCreated(fn));
      const r = await api.request('telemetry.metrics', { name: fn, ...q });
      inFlight = false;
      if (!alive) return;
      setState(r.ok ? { view: r.value, loading: false } : (s) => ({ view: s.view, error: r.error, loading: false }));
      if (again) {
        again = false;
        schedule();
      }
    };
    const schedule = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void fetchNow();
      }, Math.max(0, lastStart + MIN_INTERVAL_MS - Date.now()));
    };
    setState((s) => ({ view: s.view?.functionName === fn ? s.view : undefined, loading: true }));
    void fetchNow();
    const off = addTelemetrySink({
      event: (e) => {
        if ((e.type === 'invocation' || e.type === 'env') && e.record.functionName === fn) schedule();
      },
      reset: schedule,
    });
    const tick = setInterval(schedule, TICK_MS);
    return () => {
      alive = false;
      off();
      clearInterval(tick);
      clearTimeout(timer);
    };
  }, [fn, range]);
  return state;
}

/** The focused invocation's start (epoch ms) when it is this function's: the charts mark it. */
function useFocusedTime(fn: string): number | undefined {
  const focused = useInvocations(selectFocused);
  const focusedId = useInvocations((s) => s.focusedId);
  const [looked, setLooked] = useState<{ id: string; at?: number }>();
  useEffect(() => {
    if (!focusedId || focused) return;
    let alive = true;
    void lookUpInvocation(focusedId).then((r) => {
      if (alive) setLooked({ id: focusedId, at: r.ok && r.value.detail.functionName === fn ? r.value.detail.startedAt : undefined });
    });
    return () => {
      alive = false;
    };
  }, [focusedId, focused, fn]);
  if (focused) return focused.functionName === fn ? Date.parse(focused.startedAt) : undefined;
  return looked?.id === focusedId ? looked?.at : undefined;
}

function Metrics({ fn }: { fn: string }) {
  const range = useRange((s) => s.range);
  const { view, error, loading } = useMetrics(fn, range);
  const memorySize = useFunctions((s) => s.list.find((f) => f.name === fn)?.memorySize);
  const marker = useFocusedTime(fn);
  const columns = useMemo(() => (view ? toColumns(view) : undefined), [view]);
  const models = useMemo(() => (columns ? chartModels(columns, memorySize) : []), [columns, memorySize]);
  const totals = view ? totalsOf(view) : undefined;

  return (
    <div className="mx-panel" data-testid="metrics-panel" data-function={fn} data-range={range} data-bucket-ms={view?.bucketMs}>
      <header className="mx-bar">
        {totals ? (
          <dl
            className="mx-totals"
            data-testid="metrics-totals"
            data-invocations={totals.invocations}
            data-errors={totals.errors}
            data-throttles={totals.throttles}
            data-cold-rate={totals.coldRate}
            data-cold-starts={totals.coldStarts}
            data-cost={totals.costUsd}
          >
            <Total label="Invocations" value={totals.invocations.toLocaleString('en-US')} />
            <Total label="Errors" value={`${totals.errorRate}%`} tone={totals.errors ? 'error' : undefined} title={`${totals.errors} of ${totals.invocations}${totals.throttles ? `, ${totals.throttles} throttled` : ''}`} />
            <Total label="Cold starts" value={`${totals.coldRate}%`} tone={totals.coldStarts ? 'cold' : undefined} title={`${totals.coldStarts} of ${totals.invocations}`} />
            <Total label="p50 / p99" value={`${duration(totals.p50)} / ${duration(totals.p99)}`} />
            <Total label="Cost" value={usd(totals.costUsd)} title="Estimated at AWS's public prices (see the footnote)" />
          </dl>
        ) : (
          <span className="mx-totals-empty">{loading ? <Spinner size={12} /> : null}</span>
        )}
        <span className="spacer" />
        {loading && totals ? <Spinner size={11} /> : null}
        <div className="mx-range" role="radiogroup" aria-label="Time range" data-testid="metrics-range" data-value={range}>
          {RANGES.map((r) => (
            <button key={r.id} type="button" role="radio" aria-checked={r.id === range} data-range={r.id} title={r.id === 'all' ? 'Since the first invocation' : `The last ${r.label}`} onClick={() => useRange.setState({ range: r.id })}>
              {r.label}
            </button>
          ))}
        </div>
      </header>
      {error && <ErrorBox compact className="mx-error" error={error} title={`Could not read ${fn}'s metrics`} />}
      <div className="mx-scroll">
        {view && totals && totals.invocations + totals.throttles === 0 && (
          <div className="mx-note">No invocation of {fn} in this range: invoke it, or choose a longer range.</div>
        )}
        <div className="mx-grid">
          {models.map((m) => (
            <Chart key={m.spec.id} spec={m.spec} data={m.data} marker={marker} attrs={{ ...m.attrs, points: m.data[0].length }} />
          ))}
        </div>
        {view && (
          <p className="mx-footnote" data-testid="metrics-pricing">
            Cost estimated at AWS's public on-demand prices for {view.pricing.region} as of {view.pricing.asOf} ({view.pricing.source}): $
            {(view.pricing.perRequestUsd * 1e6).toFixed(2)} per million requests, ${view.pricing.perGbSecondUsd.x86_64} (x86_64) / ${view.pricing.perGbSecondUsd.arm64} (arm64)
            per GB-second; no free tier. Buckets of {bucketText(view.bucketMs)}.
          </p>
        )}
      </div>
    </div>
  );
}

function Total({ label, value, tone, title }: { label: string; value: string; tone?: 'error' | 'cold'; title?: string }) {
  return (
    <div className={`mx-total${tone ? ` mx-total-${tone}` : ''}`} title={title}>
      <dt>{label}</dt>
      <dd className="mono">{value}</dd>
    </div>
  );
}

function bucketText(ms: number): string {
  if (ms < 60_000) return `${ms / 1000} s`;
  if (ms < 3_600_000) return `${ms / 60_000} min`;
  if (ms < 86_400_000) return `${ms / 3_600_000} h`;
  return `${ms / 86_400_000} d`;
}
