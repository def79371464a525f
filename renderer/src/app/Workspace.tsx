// The selected function's workspace: Code | Test | Configuration. A tab is
// mounted the first time it is opened and then kept (hidden), so the editor
// and the payload keep their state when switching tabs.
import { useEffect, useState, type ReactNode } from 'react';
import { CodeTab } from '../code/CodeTab.js';
import { Badge, Button, EmptyState, formatShortcut, IconFolder, IconFunctions, IconPlus, Kbd, Tabs } from '../components/index.js';
import { TestTab } from '../test/TestTab.js';
import { useFunction, useFunctions } from '../stores/functions.js';
import { useUi, type WorkspaceTab } from '../stores/ui.js';
import { ConfigTab } from './ConfigTab.js';

const TABS: { id: WorkspaceTab; label: string; testId: string; key: string }[] = [
  { id: 'code', label: 'Code', testId: 'tab-code', key: '$mod+1' },
  { id: 'test', label: 'Test', testId: 'tab-test', key: '$mod+2' },
  { id: 'config', label: 'Configuration', testId: 'tab-config', key: '$mod+3' },
];

function NoSelection() {
  const count = useFunctions((s) => s.list.length);
  const loaded = useFunctions((s) => s.loaded);
  if (!loaded) return <div className="workspace-blank" />;
  return (
    <EmptyState
      icon={<IconFunctions size={32} />}
      title={count === 0 ? 'Write a function, invoke it, see what Lambda would do' : 'Select a function'}
      actions={
        count === 0 ? (
          <Button variant="primary" icon={<IconPlus size={14} />} onClick={() => useUi.getState().setCreateOpen(true)}>
            Create function
          </Button>
        ) : undefined
      }
    >
      <div className="shortcut-table">
        <span>Command palette</span>
        <Kbd shortcut="$mod+k" />
        <span>New function</span>
        <Kbd shortcut="$mod+alt+n" />
        <span>Next / previous function</span>
        <span>
          <Kbd shortcut="alt+ArrowDown" /> <Kbd shortcut="alt+ArrowUp" />
        </span>
        <span>Save code</span>
        <Kbd shortcut="$mod+s" />
        <span>Invoke</span>
        <Kbd shortcut="$mod+Enter" />
        <span>Toggle dock</span>
        <Kbd shortcut="$mod+j" />
      </div>
    </EmptyState>
  );
}

export function Workspace() {
  const selected = useUi((s) => s.selected);
  const tab = useUi((s) => s.tab);
  const fn = useFunction(selected);
  const [mounted, setMounted] = useState<Set<WorkspaceTab>>(() => new Set([tab]));
  useEffect(() => {
    setMounted((m) => (m.has(tab) ? m : new Set([...m, tab])));
    // Focus left inside a tab that is now hidden would still take keys (an editor's Alt+↓ moves lines).
    const active = document.activeElement;
    if (active instanceof HTMLElement && active.closest('.workspace-panel[hidden]')) active.blur();
  }, [tab]);

  if (!selected || !fn) return <NoSelection />;

  const panel = (id: WorkspaceTab, node: ReactNode) =>
    mounted.has(id) || id === tab ? (
      <div key={id} role="tabpanel" id={`ws-${id}-panel`} aria-labelledby={`ws-${id}`} className="workspace-panel" hidden={id !== tab}>
        {node}
      </div>
    ) : null;

  return (
    <section className="workspace" aria-label={`Function ${fn.name}`}>
      <div className="workspace-header">
        <div className="workspace-title" title={`${fn.name} · ${fn.runtime} · ${fn.handler}`}>
          <span className="workspace-name">{fn.name}</span>
          <span className="workspace-meta mono">{fn.runtime}</span>
          {fn.linkedFolder && (
            <Badge tone="neutral" title={`Linked folder: ${fn.linkedFolder}`}>
              <IconFolder size={11} /> linked
            </Badge>
          )}
          {fn.state !== 'Active' && (
            <Badge tone={fn.state === 'Failed' ? 'error' : 'warn'} dot>
              {fn.state}
            </Badge>
          )}
        </div>
        <Tabs
          label="Function"
          idPrefix="ws"
          value={tab}
          onChange={(t) => useUi.getState().setTab(t)}
          items={TABS.map((t) => ({ id: t.id, label: t.label, testId: t.testId, title: `${t.label} (${formatShortcut(t.key)})` }))}
        />
      </div>
      <div className="workspace-body">
        {panel('code', <CodeTab functionName={fn.name} />)}
        {panel('test', <TestTab functionName={fn.name} />)}
        {panel('config', <ConfigTab functionName={fn.name} />)}
      </div>
    </section>
  );
}
