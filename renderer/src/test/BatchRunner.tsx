// The batch runner: N invokes of the editor's payload at concurrency c (what a
// burst of traffic does to the pool: how many envs, how many cold, how slow),
// with progress, a summary and one compact row per invoke that opens its card.
import { memo, useMemo } from 'react';
import type { InvocationResult } from '../../../main/contract/index.js';
import { call } from '../client.js';
import { Button, ErrorBox, Input, toContractError } from '../components/index.js';
import { NONE, coldCauseLabel, durationStats, ms, msShort, shortId } from '../result/format.js';
import { draftOf, useEvents } from '../stores/events.js';
import { HISTORY_LIMIT, useInvocations, type BatchItem, type BatchRun } from '../stores/invocations.js';
import { draftRequest } from './invoke.js';
import { runPool } from './pool.js';

export const MAX_BATCH = HISTORY_LIMIT;
export const MAX_CONCURRENCY = 100;

const cancelled = new Set<number>();
let nextBatchId = 1;

const whole = (s: number, lo: number, hi: number) => Number.isInteger(s) && s >= lo && s <= hi;

async function startBatch(name: string, total: number, concurrency: number): Promise<void> {
  const made = draftRequest(name);
  if ('reason' in made) return;
  const { req } = made;
  const id = nextBatchId++;
  const inv = useInvocations.getState();
  const focusedAtStart = inv.focusedId;
  inv.setBatch(name, () => ({ id, functionName: name, total, concurrency, done: 0, errors: 0, items: [], startedAt: performance.now() }));
  const land = (item: BatchItem, failed: boolean) =>
    useInvocations.getState().setBatch(name, (b) => (b && b.id === id ? { ...b, done: b.done + 1, errors: b.errors + (failed ? 1 : 0), items: [...b.items, item] } : b));
  await runPool(
    total,
    concurrency,
    async (index) => {
      try {
        const result = await call('invoke.run', { name, payload: req.payload, type: req.type, qualifier: req.qualifier, source: 'batch' });
        useInvocations.getState().add(result, { focus: false });
        land({ index, result }, Boolean(result.functionError));
      } catch (e) {
        land({ index, error: toContractError(e) }, true);
      }
    },
    () => cancelled.has(id),
  );
  const wasCancelled = cancelled.delete(id);
  const after = useInvocations.getState();
  after.setBatch(name, (b) => (b && b.id === id ? { ...b, finishedAt: performance.now(), cancelled: wasCancelled } : b));
  // Show the batch's first result, unless the user picked something to look at meanwhile.
  const first = after.batches[name]?.items.filter((i) => 'result' in i).sort((a, b) => a.index - b.index)[0];
  if (first && 'result' in first && after.focusedId === focusedAtStart) after.focus(first.result.requestId);
}

export function BatchRunner({ functionName, payloadValid }: { functionName: string; payloadValid: boolean }) {
  const draft = useEvents((s) => draftOf(s.drafts, functionName));
  const batch = useInvocations((s) => s.batches[functionName]);
  const running = batch !== undefined && batch.finishedAt === undefined;
  const countOk = whole(draft.batchCount, 1, MAX_BATCH);
  const concOk = whole(draft.batchConcurrency, 1, MAX_CONCURRENCY);
  const set = (patch: { batchCount?: number; batchConcurrency?: number }) => useEvents.getState().setDraft(functionName, patch);

  return (
    <section className="tt-batch" aria-label="Batch runner">
      <div className="tt-batch-bar">
        <span className="tt-label">Batch</span>
        <Input
          aria-label="Invocations"
          type="number"
          min={1}
          max={MAX_BATCH}
          mono
          className="tt-num-input"
          data-testid="batch-count"
          value={Number.isNaN(draft.batchCount) ? '' : draft.batchCount}
          aria-invalid={!countOk || undefined}
          title={`Invocations (1–${MAX_BATCH})`}
          onChange={(e) => set({ batchCount: e.target.value === '' ? NaN : Number(e.target.value) })}
        />
        <span className="tt-muted">invokes ×</span>
        <Input
          aria-label="Concurrency"
          type="number"
          min={1}
          max={MAX_CONCURRENCY}
          mono
          className="tt-num-input"
          data-testid="batch-concurrency"
          value={Number.isNaN(draft.batchConcurrency) ? '' : draft.batchConcurrency}
          aria-invalid={!concOk || undefined}
          title={`At most this many at once (1–${MAX_CONCURRENCY})`}
          onChange={(e) => set({ batchConcurrency: e.target.value === '' ? NaN : Number(e.target.value) })}
        />
        <span className="tt-muted">at once</span>
        {running ? (
          <Button size="small" variant="ghost" data-testid="batch-cancel" onClick={() => cancelled.add(batch.id)}>
            Stop
          </Button>
        ) : null}
        <Button
          size="small"
          data-testid="batch-run"
          busy={running}
          disabled={!payloadValid || !countOk || !concOk}
          title={!payloadValid ? 'Fix the JSON first' : !countOk ? `Invocations: 1–${MAX_BATCH}` : !concOk ? `Concurrency: 1–${MAX_CONCURRENCY}` : 'Run the batch'}
          onClick={() => void startBatch(functionName, draft.batchCount, Math.min(draft.batchConcurrency, draft.batchCount))}
        >
          Run batch
        </Button>
        {batch ? <Progress batch={batch} /> : null}
      </div>
      {batch ? <BatchResults batch={batch} /> : null}
    </section>
  );
}

function Progress({ batch }: { batch: BatchRun }) {
  const pct = batch.total ? (batch.done / batch.total) * 100 : 0;
  return (
    <span className="tt-batch-progress" data-testid="batch-progress" data-done={batch.done} data-total={batch.total}>
      <span className="tt-bar">
        <span className={`tt-bar-fill${batch.errors ? ' tt-bar-errors' : ''}`} style={{ width: `${pct}%` }} />
      </span>
      <span className="tt-num">
        {batch.done}/{batch.total}
      </span>
      {batch.errors ? <span className="tt-error-text tt-num">{batch.errors} failed</span> : null}
      {batch.cancelled ? <span className="tt-muted">stopped</span> : null}
    </span>
  );
}

function BatchResults({ batch }: { batch: BatchRun }) {
  const focusedId = useInvocations((s) => s.focusedId);
  const sorted = useMemo(() => [...batch.items].sort((a, b) => a.index - b.index), [batch.items]);
  const summary = useMemo(() => {
    const results = batch.items.flatMap((i) => ('result' in i ? [i.result] : []));
    const envs = new Set(results.map((r) => r.envId).filter(Boolean));
    const cold = results.filter((r) => r.cold).length;
    return { envs: envs.size, cold, ...durationStats(results.map((r) => r.durationMs)) };
  }, [batch.items]);
  const wall = batch.finishedAt !== undefined ? batch.finishedAt - batch.startedAt : undefined;
  return (
    <div className="tt-batch-results">
      <div className="tt-batch-summary" data-testid="batch-summary" data-envs={summary.envs} data-cold={summary.cold}>
        <span>
          <b className="tt-num">{summary.envs}</b> {summary.envs === 1 ? 'env' : 'envs'}
        </span>
        <span>
          <b className="tt-num">{summary.cold}</b> cold
        </span>
        <span>
          p50 <b className="tt-num">{ms(summary.p50, 1)}</b>
        </span>
        <span>
          max <b className="tt-num">{ms(summary.max, 1)}</b>
        </span>
        {wall !== undefined ? (
          <span>
            wall <b className="tt-num">{ms(wall, 0)}</b>
          </span>
        ) : null}
      </div>
      <div className="tt-batch-list" data-testid="batch-results">
        {sorted.map((item) => (
          <BatchRow key={item.index} item={item} focused={'result' in item && item.result.requestId === focusedId} />
        ))}
      </div>
    </div>
  );
}

const BatchRow = memo(function BatchRow({ item, focused }: { item: BatchItem; focused: boolean }) {
  if ('error' in item) {
    return (
      <div className="tt-batch-row tt-batch-failed" data-testid="batch-result" data-status="error" data-error-code={item.error.code}>
        <span className="tt-num tt-muted">#{item.index + 1}</span>
        <ErrorBox compact error={item.error} className="tt-batch-error" />
      </div>
    );
  }
  const r: InvocationResult = item.result;
  const failed = Boolean(r.functionError);
  return (
    <button
      type="button"
      className={`tt-batch-row${failed ? ' tt-batch-failed' : ''}${focused ? ' tt-selected' : ''}`}
      aria-current={focused || undefined}
      data-testid="batch-result"
      data-request-id={r.requestId}
      data-env-id={r.envId}
      data-cold={r.cold === undefined ? undefined : String(r.cold)}
      data-status={r.statusCode}
      title="Show this invocation's card"
      onClick={() => useInvocations.getState().focus(r.requestId)}
    >
      <span className="tt-num tt-muted">#{item.index + 1}</span>
      <span className={failed ? 'tt-error-text tt-mono tt-ellipsis' : 'tt-mono'}>{failed ? (r.errorType ?? 'Error') : r.statusCode}</span>
      <span className={`tt-dot tt-dot-${r.cold ? 'cold' : r.cold === false ? 'warm' : 'none'}`} />
      <span className="tt-muted tt-ellipsis">{r.cold ? `cold · ${coldCauseLabel(r.coldCause)}` : r.cold === false ? 'warm' : NONE}</span>
      <span className="tt-mono" title={r.envId}>
        {shortId(r.envId)}
      </span>
      <span className="tt-num">{msShort(r.durationMs)}</span>
    </button>
  );
});
