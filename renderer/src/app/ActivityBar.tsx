// The far-left strip: one icon per view, the theme switch and the palette at
// the bottom. Timeline and Metrics open the dock on their tab; Environments has its own panel.
import type { ReactNode } from 'react';
import { formatShortcut, IconCommand, IconEnvironments, IconEvents, IconFunctions, IconMetrics, IconMoon, IconSun, IconTimeline } from '../components/index.js';
import { useUi, type Activity } from '../stores/ui.js';

const ITEMS: { id: Activity; label: string; icon: ReactNode }[] = [
  { id: 'functions', label: 'Functions', icon: <IconFunctions size={20} strokeWidth={1.5} /> },
  { id: 'events', label: 'Events', icon: <IconEvents size={20} strokeWidth={1.5} /> },
  { id: 'environments', label: 'Environments', icon: <IconEnvironments size={20} strokeWidth={1.5} /> },
  { id: 'timeline', label: 'Timeline', icon: <IconTimeline size={20} strokeWidth={1.5} /> },
  { id: 'metrics', label: 'Metrics', icon: <IconMetrics size={20} strokeWidth={1.5} /> },
];

export function ActivityBar() {
  const activity = useUi((s) => s.activity);
  const theme = useUi((s) => s.resolvedTheme);
  const pref = useUi((s) => s.themePreference);
  return (
    <nav className="activity-bar" aria-label="Views">
      <div className="activity-items" role="tablist" aria-orientation="vertical">
        {ITEMS.map((it) => (
          <button
            key={it.id}
            type="button"
            role="tab"
            aria-selected={activity === it.id}
            aria-label={it.label}
            title={it.label}
            className="activity-item"
            data-testid={`activity-${it.id}`}
            onClick={() => useUi.getState().setActivity(it.id)}
          >
            {it.icon}
          </button>
        ))}
      </div>
      <div className="activity-items activity-bottom">
        <button type="button" className="activity-item" title={`Command palette (${formatShortcut('$mod+k')})`} aria-label="Command palette" onClick={() => useUi.getState().setPaletteOpen(true)}>
          <IconCommand size={18} strokeWidth={1.4} />
        </button>
        <button
          type="button"
          className="activity-item"
          data-testid="theme-toggle"
          data-theme-preference={pref}
          title={`Switch to the ${theme === 'dark' ? 'light' : 'dark'} theme (${formatShortcut('alt+shift+t')}) — now ${pref === 'system' ? `${theme}, following the system` : theme}`}
          aria-label={`Switch to the ${theme === 'dark' ? 'light' : 'dark'} theme`}
          onClick={() => useUi.getState().toggleTheme()}
        >
          {theme === 'dark' ? <IconSun size={18} strokeWidth={1.4} /> : <IconMoon size={18} strokeWidth={1.4} />}
        </button>
      </div>
    </nav>
  );
}
