// The bottom dock: Logs, Timeline and Metrics of the selected function, live.
// Every panel follows the window's one selection (useInvocations.focusedId /
// focusedEnvId) and sets it when the user picks an invocation or an env.
import { Button, formatShortcut, IconClose, Tabs } from '../components/index.js';
import { LogsPanel } from '../logs/LogsPanel.js';
import { MetricsPanel } from '../metrics/MetricsPanel.js';
import { TimelinePanel } from '../timeline/TimelinePanel.js';
import { useUi } from '../stores/ui.js';

export function Dock() {
  const tab = useUi((s) => s.dockTab);
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
        {tab === 'logs' ? <LogsPanel /> : tab === 'timeline' ? <TimelinePanel /> : <MetricsPanel />}
      </div>
    </section>
  );
}
