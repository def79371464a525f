// Saved test events of one function (persisted by the engine, like the console's
// private test events): pick one into the editor, save the editor's JSON under a
// name, rename, delete, and move them between machines as the console's JSON.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ContractError, SavedEventsDocument } from '../../../main/contract/index.js';
import { Button, Dialog, ErrorBox, Input, Select, toContractError, toast } from '../components/index.js';
import { draftOf, useEvents } from '../stores/events.js';
import { CopyButton } from '../result/CopyButton.js';

const NAME = /^[A-Za-z0-9._-]{1,100}$/;
const nameError = (n: string) => (n === '' ? undefined : NAME.test(n) ? undefined : 'Letters, digits, ".", "_" and "-", at most 100.');

type Prompt = { kind: 'save' } | { kind: 'rename'; from: string } | { kind: 'delete'; name: string } | { kind: 'export'; doc: SavedEventsDocument } | undefined;

export function SavedEvents({ functionName, payloadValid }: { functionName: string; payloadValid: boolean }) {
  const saved = useEvents((s) => s.saved[functionName]);
  const draft = useEvents((s) => draftOf(s.drafts, functionName));
  const [loadError, setLoadError] = useState<ContractError>();
  const [prompt, setPrompt] = useState<Prompt>();
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setLoadError(undefined);
    useEvents
      .getState()
      .loadSaved(functionName)
      .catch((e: unknown) => setLoadError(toContractError(e)));
  }, [functionName]);

  const selected = saved?.find((e) => e.name === draft.savedName);
  const edited = useMemo(() => (selected ? JSON.stringify(selected.event, null, 2) !== draft.payload : false), [selected, draft.payload]);

  const load = (name: string) => {
    const ev = saved?.find((e) => e.name === name);
    if (!ev) return useEvents.getState().setDraft(functionName, { savedName: undefined });
    useEvents.getState().setDraft(functionName, { payload: JSON.stringify(ev.event, null, 2), savedName: ev.name });
  };

  const onImport = async (file: File) => {
    try {
      const text = await file.text();
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        throw { code: 'InvalidImportFile', message: `${file.name} is not JSON.`, hint: 'Choose a file exported from the workbench (Export) or the console.' };
      }
      const n = await useEvents.getState().importEvents(doc, functionName);
      toast.success(`Imported ${n} saved ${n === 1 ? 'event' : 'events'}`, file.name);
    } catch (e) {
      toast.error('Could not import the saved events', e);
    }
  };

  const onExport = async () => {
    try {
      setPrompt({ kind: 'export', doc: await useEvents.getState().exportEvents(functionName) });
    } catch (e) {
      toast.error('Could not export the saved events', e);
    }
  };

  return (
    <div className="tt-saved">
      <Select
        data-testid="saved-events"
        aria-label="Saved test events"
        className="tt-saved-select"
        value={selected ? selected.name : ''}
        onChange={(e) => load(e.target.value)}
      >
        <option value="">{saved === undefined ? 'Loading saved events…' : saved.length === 0 ? 'No saved events' : `Saved events (${saved.length})`}</option>
        {saved?.map((e) => (
          <option key={e.name} value={e.name}>
            {e.name}
          </option>
        ))}
      </Select>
      {selected && edited ? <span className="tt-muted" title="The editor differs from the saved event">edited</span> : null}
      <Button size="small" data-testid="save-event" disabled={!payloadValid} title={payloadValid ? 'Save the editor’s JSON as a test event' : 'Fix the JSON first'} onClick={() => setPrompt({ kind: 'save' })}>
        Save…
      </Button>
      <Button size="small" variant="ghost" data-testid="rename-event" disabled={!selected} onClick={() => selected && setPrompt({ kind: 'rename', from: selected.name })}>
        Rename
      </Button>
      <Button size="small" variant="ghost" data-testid="delete-event" disabled={!selected} onClick={() => selected && setPrompt({ kind: 'delete', name: selected.name })}>
        Delete
      </Button>
      <Button size="small" variant="ghost" data-testid="export-events" disabled={!saved || saved.length === 0} onClick={() => void onExport()}>
        Export
      </Button>
      <Button size="small" variant="ghost" onClick={() => fileInput.current?.click()} title="Import saved events from a JSON file">
        Import…
      </Button>
      <input
        ref={fileInput}
        type="file"
        accept="application/json,.json"
        className="visually-hidden"
        data-testid="import-events"
        tabIndex={-1}
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void onImport(f);
        }}
      />
      {loadError ? <ErrorBox compact error={loadError} title="Could not list the saved events" /> : null}

      {prompt?.kind === 'save' ? (
        <NamePrompt
          title="Save test event"
          description={`Saves the editor's JSON for ${functionName}. An event with the same name is replaced.`}
          initial={draft.savedName ?? ''}
          inputTestId="save-event-name"
          confirmTestId="save-event-confirm"
          confirmLabel="Save"
          onClose={() => setPrompt(undefined)}
          onConfirm={async (name) => {
            await useEvents.getState().saveEvent(functionName, name, JSON.parse(draftOf(useEvents.getState().drafts, functionName).payload));
            useEvents.getState().setDraft(functionName, { savedName: name });
          }}
        />
      ) : null}
      {prompt?.kind === 'rename' ? (
        <NamePrompt
          title={`Rename ${prompt.from}`}
          initial={prompt.from}
          inputTestId="rename-event-name"
          confirmTestId="rename-event-confirm"
          confirmLabel="Rename"
          onClose={() => setPrompt(undefined)}
          onConfirm={async (name) => {
            await useEvents.getState().renameEvent(functionName, prompt.from, name);
            useEvents.getState().setDraft(functionName, { savedName: name });
          }}
        />
      ) : null}
      {prompt?.kind === 'delete' ? <DeletePrompt functionName={functionName} name={prompt.name} onClose={() => setPrompt(undefined)} /> : null}
      {prompt?.kind === 'export' ? <ExportDialog functionName={functionName} doc={prompt.doc} onClose={() => setPrompt(undefined)} /> : null}
    </div>
  );
}

function NamePrompt(props: {
  title: string;
  description?: string;
  initial: string;
  inputTestId: string;
  confirmTestId: string;
  confirmLabel: string;
  onClose: () => void;
  onConfirm: (name: string) => Promise<void>;
}) {
  const [name, setName] = useState(props.initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ContractError>();
  const invalid = nameError(name);
  const submit = async () => {
    if (!NAME.test(name)) return;
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm(name);
      props.onClose();
    } catch (e) {
      setError(toContractError(e));
      setBusy(false);
    }
  };
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && props.onClose()}
      title={props.title}
      description={props.description}
      width={420}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            Cancel
          </Button>
          <Button variant="primary" data-testid={props.confirmTestId} busy={busy} disabled={!NAME.test(name)} onClick={() => void submit()}>
            {props.confirmLabel}
          </Button>
        </>
      }
    >
      <form
        className="tt-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Input label="Name" mono autoFocus data-testid={props.inputTestId} value={name} error={invalid} hint="Letters, digits, “.”, “_” and “-”." onChange={(e) => setName(e.target.value)} />
        {error ? <ErrorBox compact error={error} /> : null}
      </form>
    </Dialog>
  );
}

function DeletePrompt({ functionName, name, onClose }: { functionName: string; name: string; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ContractError>();
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={`Delete ${name}?`}
      description={`The saved test event is removed from ${functionName}. The editor keeps its text.`}
      width={420}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="danger"
            data-testid="delete-event-confirm"
            busy={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await useEvents.getState().deleteEvent(functionName, name);
                useEvents.getState().setDraft(functionName, { savedName: undefined });
                onClose();
              } catch (e) {
                setError(toContractError(e));
                setBusy(false);
              }
            }}
          >
            Delete
          </Button>
        </>
      }
    >
      {error ? <ErrorBox compact error={error} /> : <span className="tt-muted">This cannot be undone (export first to keep a copy).</span>}
    </Dialog>
  );
}

/** Shows the document and offers it as a file (a blob: link with `download` navigates nowhere) and on the clipboard. */
function ExportDialog({ functionName, doc, onClose }: { functionName: string; doc: SavedEventsDocument; onClose: () => void }) {
  const text = useMemo(() => JSON.stringify(doc, null, 2), [doc]);
  const url = useMemo(() => URL.createObjectURL(new Blob([text], { type: 'application/json' })), [text]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={`Export saved events of ${functionName}`}
      description={`${doc.events.length} ${doc.events.length === 1 ? 'event' : 'events'}; Import reads this file back.`}
      width={640}
      testId="export-events-dialog"
      footer={
        <>
          <CopyButton text={text} testId="export-events-copy" />
          <a className="btn btn-primary" data-testid="export-events-download" href={url} download={`${functionName}.saved-events.json`}>
            Download
          </a>
        </>
      }
    >
      <pre className="tt-code tt-export" data-testid="export-events-json">
        {text}
      </pre>
    </Dialog>
  );
}
