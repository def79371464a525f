// The result card: what Lambda answered and what the env did for it — status,
// the cold/warm badge with its cause and the env that served it, the numbers a
// REPORT line carries, the error, the response and the invocation's own logs.
import { useLayoutEffect } from 'react';
import type { InvocationResult } from '../../../main/contract/index.js';
import { Badge, IconInfo } from '../components/index.js';
import { CopyButton } from './CopyButton.js';
import { LogLines } from './LogLines.js';
import { ResponseView } from './ResponseView.js';
import { NONE, badgeText, clock, coldCauseLabel, mb, ms, networkLabel, shortId, statusText } from './format.js';
import './result.css';

/** Request ids whose first render has been marked (the bench pairs each with its click). */
const marked = new Set<string>();

export function ResultCard({ result: r }: { result: InvocationResult }) {
  useLayoutEffect(() => {
    if (marked.has(r.requestId)) return;
    marked.add(r.requestId);
    performance.mark(`lwb:invoke:rendered:${r.requestId}`);
    if (marked.size > 1000) {
      const oldest = marked.values().next().value!;
      marked.delete(oldest);
      performance.clearMarks(`lwb:invoke:rendered:${oldest}`);
    }
  }, [r.requestId]);

  const failed = Boolean(r.functionError);
  const tone = r.cold ? 'cold' : r.cold === false ? 'warm' : 'neutral';
  const qualifier = r.qualifier && r.qualifier !== r.executedVersion ? `${r.qualifier} → ${r.executedVersion}` : r.executedVersion || r.qualifier;
  return (
    <article
      className={`rc-card${failed ? ' rc-failed' : ''}`}
      data-testid="result-card"
      data-request-id={r.requestId}
      data-env-id={r.envId}
      data-cold={r.cold === undefined ? undefined : String(r.cold)}
      data-cold-cause={r.coldCause}
      data-status={r.statusCode}
      data-function-error={r.functionError}
    >
      <header className="rc-head">
        <span className={`rc-status rc-status-${failed ? 'error' : 'ok'}`} data-testid="result-status">
          {statusText(r)}
        </span>
        <Badge tone={tone} className="rc-badge" data-testid="result-badge">
          {badgeText(r)}
        </Badge>
        <span className="rc-spacer" />
        <span className="rc-muted rc-mono" title={r.startedAt}>
          {clock(r.startedAt)}
        </span>
      </header>
      <div className="rc-sub">
        <span className="rc-fn">{r.functionName}</span>
        <span className="rc-muted rc-mono">{qualifier}</span>
        <span className="rc-muted">{r.type === 'RequestResponse' ? '' : r.type}</span>
        {r.source === 'batch' ? <span className="rc-muted">batch</span> : null}
      </div>

      <dl className="rc-facts">
        <dt>Env</dt>
        <dd className="rc-env">
          <span className="rc-mono" data-testid="result-env" title={r.envId ?? 'no env (not run)'}>
            {shortId(r.envId)}
          </span>
          {r.cold ? <span className="rc-muted">· created for {coldCauseLabel(r.coldCause)}</span> : r.cold === false ? <span className="rc-muted">· reused</span> : null}
          {r.network ? (
            <span className="rc-net" data-testid="result-network" data-mode={r.network.mode} title={networkTitle(r.network)}>
              {networkLabel(r.network)}
            </span>
          ) : null}
        </dd>
        <dt>Request</dt>
        <dd className="rc-row">
          <span className="rc-mono rc-ellipsis" data-testid="result-request-id" title={r.requestId}>
            {r.requestId}
          </span>
          <CopyButton text={r.requestId} testId="result-copy-request-id" />
        </dd>
      </dl>

      <div className="rc-metrics">
        <Metric label="Duration" testId="result-duration" value={ms(r.durationMs)} />
        <Metric label="Billed" testId="result-billed" value={ms(r.billedDurationMs, 0)} />
        <Metric label="Init" testId="result-init" value={ms(r.initDurationMs)} />
        <div className="rc-metric">
          <div className="rc-label">Memory</div>
          <div className="rc-num" data-testid="result-memory">
            {r.maxMemoryUsedMb === undefined ? NONE : `${Math.round(r.maxMemoryUsedMb)}`} / {mb(r.memorySizeMb)}
          </div>
          <MemoryBar used={r.maxMemoryUsedMb} size={r.memorySizeMb} />
        </div>
      </div>

      {failed || r.errorType ? <ErrorDetails result={r} /> : null}
      {r.isolationHint ? <IsolationHint hint={r.isolationHint} network={r.network} /> : null}
      {r.response !== undefined ? <ResponseView response={r.response} size={r.responseBytes} /> : <NoBody result={r} />}

      <section className="rc-section">
        <header className="rc-section-head">
          <span className="rc-label">Log</span>
          <span className="rc-num rc-muted">{r.logLines.length} lines</span>
          <span className="rc-spacer" />
          {r.logLines.length > 0 ? <CopyButton text={() => r.logLines.join('\n')} testId="result-copy-logs" /> : null}
        </header>
        <LogLines lines={r.logLines} />
      </section>
    </article>
  );
}

function Metric({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="rc-metric">
      <div className="rc-label">{label}</div>
      <div className="rc-num" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

function MemoryBar({ used, size }: { used?: number; size: number }) {
  const pct = used === undefined || !size ? 0 : Math.min(100, (used / size) * 100);
  return (
    <div className="rc-bar" role="meter" aria-valuemin={0} aria-valuemax={size} aria-valuenow={used ?? 0} aria-label="Max memory used">
      <div className={`rc-bar-fill${pct >= 90 ? ' rc-bar-high' : ''}`} style={{ width: `${pct}%` }} />
    </div>
  );
}

function ErrorDetails({ result: r }: { result: InvocationResult }) {
  return (
    <section className="rc-section rc-error">
      <header className="rc-section-head">
        <span className="rc-label rc-error-label">{errorLabel(r)}</span>
        <span className="rc-muted rc-mono">{r.functionError}</span>
      </header>
      <div className="rc-error-type rc-mono" data-testid="result-error-type">
        {r.errorType ?? NONE}
      </div>
      <div className="rc-error-message" data-testid="result-error-message">
        {r.errorMessage ?? NONE}
      </div>
      {r.stackTrace && r.stackTrace.length > 0 ? (
        <pre className="rc-code rc-stack" data-testid="result-stack">
          {r.stackTrace.join('\n')}
        </pre>
      ) : null}
    </section>
  );
}

/** The error read like the env's isolation refused a connection: say so, and what to change. */
function IsolationHint({ hint, network }: { hint: string; network?: { mode: string; hostPorts: number[] } }) {
  return (
    <section className="rc-hint" data-testid="result-isolation-hint" role="note">
      <header className="rc-hint-head">
        <IconInfo size={12} />
        <span className="rc-label rc-hint-label">Network isolation</span>
        {network ? <span className="rc-muted">this env: {networkLabel(network)}</span> : null}
      </header>
      <div className="rc-hint-text">{hint}</div>
    </section>
  );
}

/** What the label means, for its tooltip. */
function networkTitle(n: { mode: string; hostPorts: number[] }): string {
  const ports = n.hostPorts.length ? ` Host port${n.hostPorts.length > 1 ? 's' : ''} ${n.hostPorts.join(', ')} at host.lambda.internal.` : '';
  if (n.mode === 'none') return 'The env had no network: only lo.';
  if (n.mode === 'internet') return `The env could reach the internet; this machine and other envs are refused.${ports}`;
  return `The env had no internet, only this machine's allowlisted ports.${ports}`;
}

/** A function's own failure, or the platform stopping it (timeout, crash, out of memory) on its behalf. */
function errorLabel(r: InvocationResult): string {
  if (!r.functionError) return 'Error';
  if (r.errorType?.startsWith('Sandbox.')) return 'Function error · stopped by the platform';
  if (r.errorType?.startsWith('Runtime.')) return 'Function error · runtime';
  return 'Function error';
}

function NoBody({ result: r }: { result: InvocationResult }) {
  const why = r.type === 'Event' ? 'Queued for asynchronous invocation: no response body.' : r.type === 'DryRun' ? 'Dry run: the request was valid; nothing ran.' : 'No response body.';
  return (
    <section className="rc-section">
      <div className="rc-muted" data-testid="result-response">
        {why}
      </div>
    </section>
  );
}
