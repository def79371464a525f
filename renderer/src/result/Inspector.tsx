// The right column: the focused invocation's card above this session's history,
// or the focused env (its record, /tmp and per-invocation changes). The tab
// follows what was focused last: an invocation shows its card, an env chosen on
// its own (Environments panel, a timeline lane) shows the env.
import { useEffect, useRef, useState } from 'react';
import type { ContractError } from '../../../main/contract/index.js';
import { EmptyState, ErrorBox, Kbd, Spinner, Tabs } from '../components/index.js';
import { EnvInspector } from '../envs/EnvInspector.js';
import { useShowEnvRequest } from '../envs/hooks.js';
import { lookUpInvocation, sourceLabel, type LookedUp } from '../envs/records.js';
import { selectFocused, useInvocations } from '../stores/invocations.js';
import { History } from './History.js';
import { ResultCard } from './ResultCard.js';
import { shortId } from './format.js';
import './result.css';

type InspectorTab = 'invocation' | 'env';

export function Inspector() {
  const focused = useInvocations(selectFocused);
  const focusedId = useInvocations((s) => s.focusedId);
  const focusedEnvId = useInvocations((s) => s.focusedEnvId);
  const [tab, setTab] = useState<InspectorTab>('invocation');

  // The tab follows the last focus: a new invocation → its card; an env alone → the env.
  const prev = useRef({ focusedId, focusedEnvId });
  useEffect(() => {
    const p = prev.current;
    if (focusedId !== p.focusedId && focusedId) setTab('invocation');
    else if (focusedEnvId !== p.focusedEnvId && focusedEnvId) setTab('env');
    prev.current = { focusedId, focusedEnvId };
  }, [focusedId, focusedEnvId]);
  // An env row clicked again (its env already focused by an invocation) still asks for the env.
  const showEnv = useShowEnvRequest((s) => s.n);
  useEffect(() => {
    if (showEnv) setTab('env');
  }, [showEnv]);

  return (
    <div className="rc-inspector" data-testid="inspector" data-tab={tab}>
      <Tabs<InspectorTab>
        label="Inspector"
        idPrefix="inspector"
        size="small"
        value={tab}
        onChange={setTab}
        items={[
          { id: 'invocation', label: 'Invocation', testId: 'inspector-tab-invocation', extra: focusedId ? shortId(focusedId, 6) : undefined },
          { id: 'env', label: 'Environment', testId: 'inspector-tab-env', extra: focusedEnvId ? shortId(focusedEnvId, 6) : undefined },
        ]}
      />
      {tab === 'invocation' ? (
        <>
          <div className="rc-scroll" role="tabpanel" id="inspector-invocation-panel" aria-labelledby="inspector-invocation">
            {focused ? (
              <ResultCard key={focused.requestId} result={focused} />
            ) : focusedId ? (
              <RecordCard key={focusedId} requestId={focusedId} />
            ) : (
              <EmptyState compact title="No invocation yet">
                Invoke a function from its Test tab (<Kbd shortcut="$mod+Enter" />): its status, the env that served it and why it was cold, its numbers and its
                log lines show here.
              </EmptyState>
            )}
          </div>
          <History />
        </>
      ) : (
        <div className="rc-scroll" role="tabpanel" id="inspector-env-panel" aria-labelledby="inspector-env">
          {focusedEnvId ? (
            <EnvInspector envId={focusedEnvId} />
          ) : (
            <EmptyState compact title="No environment selected">
              Pick an env in the Environments view, a timeline lane or a result card: its state, memory, <code>/tmp</code> and what each invocation changed there
              show here.
            </EmptyState>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * An invocation this window did not make (the AWS CLI's, a function URL's, or one from before a
 * restart): read back from the engine's history and shown as the same card.
 */
function RecordCard({ requestId }: { requestId: string }) {
  const [found, setFound] = useState<LookedUp>();
  const [error, setError] = useState<ContractError>();
  useEffect(() => {
    let alive = true;
    void lookUpInvocation(requestId).then((r) => {
      if (!alive) return;
      if (r.ok) setFound(r.value);
      else setError(r.error);
    });
    return () => {
      alive = false;
    };
  }, [requestId]);
  if (error) return <ErrorBox className="rc-record-error" error={error} title={`Could not read invocation ${shortId(requestId)} from the engine's history`} />;
  if (!found)
    return (
      <div className="rc-empty">
        <Spinner size={11} /> Reading {shortId(requestId)} from the engine's history…
      </div>
    );
  return (
    <>
      <div className="rc-record-note" data-testid="inspector-record-note" data-source={found.detail.source}>
        From the engine's history: invoked by {sourceLabel(found.detail.source)}
        {found.detail.status === 'throttled' ? ', throttled' : ''}. The response is its first 4 KB.
      </div>
      <ResultCard result={found.result} />
    </>
  );
}
