// The Test tab: what to send (the payload editor, saved events, the event
// library), how (invocation type, qualifier), Invoke (also Ctrl/Cmd+Enter from
// anywhere), and the batch runner. The result lands in the inspector's card.
import { useEffect, useState } from 'react';
import type { ContractError, FunctionDetail, InvocationType } from '../../../main/contract/index.js';
import { api, call } from '../client.js';
import { Button, ErrorBox, IconEvents, Kbd, Select, Spinner, toContractError } from '../components/index.js';
import { draftOf, useEvents, type Draft } from '../stores/events.js';
import { useInvocations } from '../stores/invocations.js';
import { BatchRunner } from './BatchRunner.js';
import { EventLibrary } from './EventLibrary.js';
import { invokeDraft } from './invoke.js';
import { PayloadEditor, usePayloadCheck } from './PayloadEditor.js';
import { SavedEvents } from './SavedEvents.js';
import './test.css';

const TYPES: { value: InvocationType; label: string }[] = [
  { value: 'RequestResponse', label: 'RequestResponse (sync)' },
  { value: 'Event', label: 'Event (async)' },
  { value: 'DryRun', label: 'DryRun (validate only)' },
];

/** The function's versions and aliases for the qualifier select, kept fresh when the function changes. */
function useFunctionDetail(name: string): { detail?: FunctionDetail; error?: ContractError } {
  const [state, setState] = useState<{ name: string; detail?: FunctionDetail; error?: ContractError }>({ name });
  useEffect(() => {
    let live = true;
    const load = () =>
      call('functions.get', { name }).then(
        (detail) => live && setState({ name, detail }),
        (e: unknown) => live && setState({ name, error: toContractError(e) }),
      );
    void load();
    const off = api.subscribe('functions', (f) => {
      if (f.data.name === name && f.data.change !== 'deleted') void load();
    });
    return () => {
      live = false;
      off();
    };
  }, [name]);
  return state.name === name ? state : {};
}

export function TestTab({ functionName }: { functionName: string }) {
  const draft = useEvents((s) => draftOf(s.drafts, functionName));
  const running = useInvocations((s) => s.running[functionName] ?? 0);
  const lastError = useInvocations((s) => s.lastError[functionName]);
  const [libraryOpen, setLibraryOpen] = useState(false);
  const { detail, error: detailError } = useFunctionDetail(functionName);
  const check = usePayloadCheck(draft.payload);
  const setDraft = (patch: Partial<Draft>) => useEvents.getState().setDraft(functionName, patch);

  const reason = check.ok ? undefined : check.line !== undefined ? `Invalid JSON at line ${check.line}, column ${check.column}` : 'Invalid JSON';
  const qualifiers = [
    ...(detail?.versions ?? []).filter((v) => v.version !== '$LATEST').map((v) => ({ value: v.version, label: `Version ${v.version}${v.description ? ` · ${v.description}` : ''}` })),
    ...(detail?.aliases ?? []).map((a) => ({ value: a.name, label: `Alias ${a.name} → ${a.functionVersion}` })),
  ];
  if (draft.qualifier && !qualifiers.some((q) => q.value === draft.qualifier)) qualifiers.push({ value: draft.qualifier, label: `${draft.qualifier} (not found)` });

  return (
    <div className="tt-tab" data-testid="test-tab">
      <div className="tt-toolbar">
        <Select
          aria-label="Invocation type"
          data-testid="invocation-type"
          value={draft.type}
          title="How Lambda is asked: wait for the result, queue it, or only validate"
          onChange={(e) => setDraft({ type: e.target.value as InvocationType })}
        >
          {TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </Select>
        <Select aria-label="Qualifier" data-testid="qualifier" mono value={draft.qualifier} title="Version or alias to invoke" onChange={(e) => setDraft({ qualifier: e.target.value })}>
          <option value="">$LATEST</option>
          {qualifiers.map((q) => (
            <option key={q.value} value={q.value}>
              {q.label}
            </option>
          ))}
        </Select>
        <Button data-testid="event-library" icon={<IconEvents size={14} />} onClick={() => setLibraryOpen(true)}>
          Event library
        </Button>
        <span className="tt-spacer" />
        {running > 0 ? (
          <span className="tt-running" data-testid="invoke-running" data-count={running}>
            <Spinner size={12} /> {running === 1 ? 'Running' : `${running} running`}
          </span>
        ) : null}
        {reason ? (
          <span className="tt-error-text" data-testid="invoke-disabled-reason">
            {reason}
          </span>
        ) : null}
        <Button
          variant="primary"
          data-testid="invoke-button"
          disabled={!check.ok}
          title={reason ?? 'Invoke with this payload'}
          onClick={() => void invokeDraft(functionName)}
        >
          Invoke <Kbd shortcut="$mod+Enter" />
        </Button>
      </div>

      <div className="tt-saved-bar">
        <SavedEvents functionName={functionName} payloadValid={check.ok} />
      </div>

      {detailError ? <ErrorBox compact error={detailError} title="Could not read the function's versions and aliases" /> : null}
      {lastError ? <ErrorBox compact error={lastError} title="The invocation did not run" onDismiss={() => useInvocations.getState().clearError(functionName)} /> : null}

      <PayloadEditor value={draft.payload} onChange={(payload) => setDraft({ payload })} check={check} />

      <BatchRunner functionName={functionName} payloadValid={check.ok} />

      <EventLibrary
        open={libraryOpen}
        onOpenChange={setLibraryOpen}
        onUse={(payload) => setDraft({ payload, savedName: undefined })}
      />
    </div>
  );
}
