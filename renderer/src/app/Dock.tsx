// The bottom dock: Logs, Timeline and Metrics. Their views arrive with the next
// release; until then each tab says what it will show and where to look meanwhile.
import type { JSX } from 'react';
import { Button, EmptyState, formatShortcut, IconClose, IconMetrics, IconTerminal, IconTimeline, Tabs } from '../components/index.js';
import { useUi, type DockTab } from '../stores/ui.js';

const COPY: Record<DockTab, { icon: JSX.Element; title: string; body: string }> = {
  logs: {
    icon: <IconTerminal size={22} />,
    title: 'Logs arrive with the next release',
    body: 'One searchable stream for every env: follow, filter by env, request and level, START…REPORT folded. Meanwhile each invocation’s own log lines are on its result card.',
  },
  timeline: {
    icon: <IconTimeline size={22} />,
    title: 'The timeline arrives with the next release',
    body: 'One lane per execution environment: INIT, invokes, idle and frozen time, and the cause of every cold start.',
  },
  metrics: {
    icon: <IconMetrics size={22} />,
    title: 'Metrics arrive with the next release',
    body: 'Invocations, errors, duration percentiles with and without cold starts, concurrent envs, memory and billed duration.',
  },
};

export function Dock() {
  const tab = useUi((s) => s.dockTab);
  const c = COPY[tab];
  return (
    <section className="dock" data-testid="dock" aria-label="Dock">
      <Tabs
        label="Dock"
        idPrefix="dock"
        size="small"
        value={tab}
        onChange={(t) => useUi.getState().setDockTab(t)}
        items={[
          { id: 'logs', label: 'Logs', testId: 'dock-logs' },
          { id: 'timeline', label: 'Timeline', testId: 'dock-timeline' },
          { id: 'metrics', label: 'Metrics', testId: 'dock-metrics' },
        ]}
        trailing={<Button variant="ghost" size="small" icon={<IconClose size={13} />} aria-label="Hide the dock" title={`Hide the dock (${formatShortcut('$mod+j')})`} onClick={() => useUi.getState().setDockOpen(false)} />}
      />
      <div className="dock-body" role="tabpanel" id={`dock-${tab}-panel`} aria-labelledby={`dock-${tab}`}>
        <EmptyState compact icon={c.icon} title={c.title}>
          {c.body}
        </EmptyState>
      </div>
    </section>
  );
}
