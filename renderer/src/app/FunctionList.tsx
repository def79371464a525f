// The functions, live: name, env counts, runtime, memory in aligned columns;
// a filter; arrows move the selection, Enter opens the Code tab.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { FunctionSummary } from '../../../main/contract/index.js';
import { Button, EmptyState, ErrorBox, formatShortcut, IconCopy, IconFunctions, IconPlus, IconSearch, Spinner } from '../components/index.js';
import { useFunctions } from '../stores/functions.js';
import { useStatus } from '../stores/status.js';
import { useUi } from '../stores/ui.js';
import { EnvCounts } from './EnvCounts.js';
import { copyText } from './frameCommands.js';
import { shortRuntime, visibleFunctions } from './functionFilter.js';

function stateTone(state: string): string {
  if (state === 'Active') return 'active';
  if (state === 'Pending') return 'pending';
  if (state === 'Failed') return 'failed';
  return 'inactive';
}

function Row({ f, selected, onPick }: { f: FunctionSummary; selected: boolean; onPick(name: string): void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  return (
    <div
      ref={ref}
      role="option"
      id={`fn-${f.name}`}
      aria-selected={selected}
      className="fn-row"
      data-testid="function-row"
      data-name={f.name}
      data-runtime={f.runtime}
      data-state={f.state}
      data-warm={f.envs.warm}
      data-frozen={f.envs.frozen}
      data-busy={f.envs.busy}
      data-starting={f.envs.starting}
      title={`${f.name}\n${f.runtime} · ${f.memorySize} MB · ${f.timeout} s · ${f.state}${f.linkedFolder ? `\nlinked: ${f.linkedFolder}` : ''}`}
      onClick={() => onPick(f.name)}
    >
      <span className={`fn-state fn-state-${stateTone(f.state)}`} aria-label={f.state} />
      <span className="fn-name">{f.name}</span>
      <EnvCounts counts={f.envs} />
      <span className="fn-runtime mono">{shortRuntime(f.runtime)}</span>
      <span className="fn-mem mono">{f.memorySize}</span>
    </div>
  );
}

function CreateHint() {
  const endpoint = useStatus((s) => s.status?.apiEndpoint) ?? 'http://127.0.0.1:9000';
  const args = [`--endpoint-url ${endpoint}`, '--function-name demo', '--runtime nodejs20.x', '--handler index.handler', '--role arn:aws:iam::123456789012:role/x', '--zip-file fileb://function.zip'];
  const cli = ['aws lambda create-function', ...args.map((a) => `  ${a}`)].join(' \\\n');
  return (
    <EmptyState
      compact
      icon={<IconFunctions size={28} />}
      title="No functions yet"
      actions={
        <Button variant="primary" icon={<IconPlus size={14} />} onClick={() => useUi.getState().setCreateOpen(true)}>
          Create function
        </Button>
      }
    >
      <p className="empty-p">Start from a template (Node.js, TypeScript, Python, bash on provided.al2023), or deploy one with the AWS CLI — it shows up here at once.</p>
      <div className="cli-block">
        <pre className="mono">{cli}</pre>
        <button type="button" className="cli-copy" title="Copy the command" aria-label="Copy the command" onClick={() => void copyText(['aws lambda create-function', ...args].join(' '), 'the command')}>
          <IconCopy size={13} />
        </button>
      </div>
    </EmptyState>
  );
}

export function FunctionList() {
  const list = useFunctions((s) => s.list);
  const loaded = useFunctions((s) => s.loaded);
  const error = useFunctions((s) => s.error);
  const selected = useUi((s) => s.selected);
  const filter = useUi((s) => s.filter);
  const listRef = useRef<HTMLDivElement>(null);
  const shown = visibleFunctions(list, filter);

  const pick = (name: string) => {
    useUi.getState().select(name);
  };

  const onKey = (e: KeyboardEvent) => {
    if (shown.length === 0) return;
    const i = shown.findIndex((f) => f.name === selected);
    let next = -1;
    if (e.key === 'ArrowDown') next = i < 0 ? 0 : Math.min(shown.length - 1, i + 1);
    else if (e.key === 'ArrowUp') next = i < 0 ? shown.length - 1 : Math.max(0, i - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = shown.length - 1;
    else if (e.key === 'PageDown') next = Math.min(shown.length - 1, Math.max(0, i) + 10);
    else if (e.key === 'PageUp') next = Math.max(0, i - 10);
    else if (e.key === 'Enter' && selected) {
      e.preventDefault();
      useUi.getState().setTab('code');
      return;
    }
    if (next < 0 || e.altKey || e.metaKey || e.ctrlKey) return;
    e.preventDefault();
    pick(shown[next]!.name);
  };

  const onFilterKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'Enter') {
      e.preventDefault();
      if (shown.length > 0 && !shown.some((f) => f.name === selected)) pick(shown[0]!.name);
      listRef.current?.focus();
    } else if (e.key === 'Escape' && filter) {
      e.preventDefault();
      useUi.getState().setFilter('');
    }
  };

  return (
    <section className="side" aria-label="Functions">
      <header className="side-header">
        <h2 className="side-title">Functions</h2>
        {loaded && list.length > 0 && <span className="side-count mono">{list.length}</span>}
        <span className="spacer" />
        <Button variant="ghost" size="small" icon={<IconPlus size={14} />} data-testid="new-function" title={`New function (${formatShortcut('$mod+alt+n')})`} aria-label="New function" onClick={() => useUi.getState().setCreateOpen(true)} />
      </header>
      {list.length > 0 && (
        <div className="side-filter">
          <IconSearch size={13} className="side-filter-icon" />
          <input
            className="side-filter-input"
            placeholder="Filter functions"
            aria-label="Filter functions"
            value={filter}
            spellCheck={false}
            onChange={(e) => useUi.getState().setFilter(e.target.value)}
            onKeyDown={onFilterKey}
          />
        </div>
      )}
      {error && <ErrorBox compact className="side-error" title="Could not load the functions" error={error} />}
      {!loaded ? (
        <div className="side-loading">
          <Spinner size={12} /> Loading functions…
        </div>
      ) : list.length === 0 ? (
        <div data-testid="function-list" className="fn-list fn-list-empty">
          <CreateHint />
        </div>
      ) : (
        <>
          <div className="fn-columns" aria-hidden="true">
            <span className="fn-state-gap" />
            <span className="fn-name">Name</span>
            <span className="env-counts">Envs</span>
            <span className="fn-runtime">Runtime</span>
            <span className="fn-mem">MB</span>
          </div>
          <div
            ref={listRef}
            className="fn-list"
            data-testid="function-list"
            role="listbox"
            aria-label="Functions"
            tabIndex={0}
            aria-activedescendant={selected && shown.some((f) => f.name === selected) ? `fn-${selected}` : undefined}
            onKeyDown={onKey}
          >
            {shown.map((f) => (
              <Row key={f.name} f={f} selected={f.name === selected} onPick={pick} />
            ))}
            {shown.length === 0 && <div className="side-note">No function matches “{filter}”.</div>}
          </div>
        </>
      )}
    </section>
  );
}
