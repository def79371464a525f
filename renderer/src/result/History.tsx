// This session's invocations, newest first, one compact row each; clicking one
// focuses it for the whole window (the card now, logs and timeline next).
import { memo } from 'react';
import type { InvocationResult } from '../../../main/contract/index.js';
import { useInvocations } from '../stores/invocations.js';
import { clock, msShort, shortId } from './format.js';

const Row = memo(function Row({ r, focused }: { r: InvocationResult; focused: boolean }) {
  const failed = Boolean(r.functionError);
  return (
    <button
      type="button"
      className={`rc-hist-row${focused ? ' rc-hist-focused' : ''}`}
      data-testid="history-item"
      data-request-id={r.requestId}
      aria-current={focused || undefined}
      onClick={() => useInvocations.getState().focus(r.requestId)}
      title={`${r.functionName} · ${r.requestId}`}
    >
      <span className="rc-mono rc-muted">{clock(r.startedAt).slice(0, 8)}</span>
      <span className="rc-ellipsis">{r.functionName}</span>
      <span className={failed ? 'rc-hist-err rc-mono' : 'rc-mono'}>{failed ? (r.errorType ?? 'Error') : r.statusCode}</span>
      <span className={`rc-dot rc-dot-${r.cold ? 'cold' : r.cold === false ? 'warm' : 'none'}`} title={r.cold ? 'cold' : r.cold === false ? 'warm' : 'no env'} />
      <span className="rc-num">{msShort(r.durationMs)}</span>
      <span className="rc-mono rc-muted">{shortId(r.envId, 6)}</span>
    </button>
  );
});

export function History() {
  const history = useInvocations((s) => s.history);
  const focusedId = useInvocations((s) => s.focusedId);
  return (
    <section className="rc-history" data-testid="history" aria-label="Invocation history">
      <header className="rc-section-head rc-history-head">
        <span className="rc-label">History</span>
        <span className="rc-num rc-muted">{history.length}</span>
      </header>
      {history.length === 0 ? (
        <div className="rc-empty rc-muted">Invocations of this session appear here.</div>
      ) : (
        <div className="rc-hist-list">
          {history.map((r) => (
            <Row key={r.requestId} r={r} focused={r.requestId === focusedId} />
          ))}
        </div>
      )}
    </section>
  );
}
