// What each invocation of an env did to /tmp: files added (+), modified (~) and
// removed (−), newest first, live. A request id selects that invocation for the
// whole window; the selected invocation's change set is highlighted here.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ContractError } from '../../../main/contract/index.js';
import type { TmpChange } from '../../../main/contract/telemetry.js';
import { api } from '../client.js';
import { ErrorBox } from '../components/index.js';
import { useInvocations } from '../stores/invocations.js';
import { useFrameVersion } from '../telemetry/frame-version.js';
import { absolute, bytes, clockTime, shortId } from './format.js';
import { liveTmpChanges, tmpVersion } from './store.js';
import { mergeTmpChanges } from './tmp.js';

export function TmpChanges({ envId, refreshKey }: { envId: string; refreshKey: string }) {
  const [fetched, setFetched] = useState<TmpChange[]>([]);
  const [error, setError] = useState<ContractError>();
  const v = useFrameVersion(tmpVersion);
  const focusedId = useInvocations((s) => s.focusedId);

  useEffect(() => {
    let alive = true;
    void api.request('envs.tmpChanges', { envId }).then((r) => {
      if (!alive) return;
      if (r.ok) {
        setFetched(r.value);
        setError(undefined);
      } else setError(r.error);
    });
    return () => {
      alive = false;
    };
  }, [envId, refreshKey]);

  // `v` moved: a `tmp` event arrived, re-read the live changes.
  const list = useMemo(() => mergeTmpChanges(fetched, liveTmpChanges(envId)), [fetched, envId, v]);

  const focusedRef = useRef<HTMLElement | null>(null);
  useEffect(() => {
    focusedRef.current?.scrollIntoView({ block: 'nearest' });
  }, [focusedId]);

  return (
    <section className="envi-section" aria-label="/tmp changes per invocation" data-testid="tmp-changes">
      <header className="envi-section-head">
        <span className="rc-label">Changes per invocation</span>
        <span className="rc-num rc-muted">{list.length}</span>
      </header>
      {error && <ErrorBox compact error={error} title="Could not read this env's /tmp changes" />}
      {list.length === 0 && !error && <div className="envi-note">No invocation has changed /tmp yet.</div>}
      {list.map((c) => {
        const focused = c.requestId === focusedId;
        const empty = c.added.length + c.modified.length + c.removed.length === 0;
        return (
          <article
            key={c.requestId}
            ref={focused ? (el) => void (focusedRef.current = el) : undefined}
            className={`tmpc${focused ? ' tmpc-focused' : ''}`}
            data-testid="tmp-change"
            data-request-id={c.requestId}
            aria-current={focused || undefined}
          >
            <header className="tmpc-head">
              <button type="button" className="envi-link mono" title={`Focus ${c.requestId}`} onClick={() => useInvocations.getState().focus(c.requestId, envId)}>
                {shortId(c.requestId)}
              </button>
              <time className="mono faint" title={absolute(c.at)}>
                {clockTime(c.at)}
              </time>
              <span className="spacer" />
              <span className="tmpc-counts mono">
                <span className="tmpc-added">+{c.added.length}</span> <span className="tmpc-modified">~{c.modified.length}</span> <span className="tmpc-removed">−{c.removed.length}</span>
              </span>
            </header>
            {empty ? (
              <div className="envi-note">no change</div>
            ) : (
              <ul className="tmpc-list">
                {c.added.map((e) => (
                  <Entry key={`a:${e.path}`} kind="added" path={e.path} size={e.size} type={e.type} target={e.target} />
                ))}
                {c.modified.map((e) => (
                  <Entry key={`m:${e.path}`} kind="modified" path={e.path} size={e.size} type={e.type} target={e.target} />
                ))}
                {c.removed.map((p) => (
                  <Entry key={`r:${p}`} kind="removed" path={p} />
                ))}
              </ul>
            )}
          </article>
        );
      })}
    </section>
  );
}

const GLYPH = { added: '+', modified: '~', removed: '−' } as const;

function Entry({ kind, path, size, type, target }: { kind: 'added' | 'modified' | 'removed'; path: string; size?: number; type?: string; target?: string }) {
  return (
    <li className={`tmpc-entry tmpc-${kind}`} data-testid="tmp-change-entry" data-kind={kind} data-path={path} data-size={size}>
      <span className="tmpc-glyph mono" aria-label={kind}>
        {GLYPH[kind]}
      </span>
      <span className="tmpc-path mono" title={`/tmp/${path}`}>
        {path}
        {type === 'dir' ? '/' : ''}
        {type === 'link' ? ` → ${target ?? '?'}` : ''}
      </span>
      <span className="tmpc-size mono">{size === undefined || type === 'dir' || type === 'link' ? '' : bytes(size)}</span>
    </li>
  );
}
