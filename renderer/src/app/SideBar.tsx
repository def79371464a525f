// The side list: what the activity bar selected. Timeline and Metrics live in
// the dock (under the code, where there is width for them): choosing either
// opens the dock on it and keeps the function list here to pick whose.
import { useEffect } from 'react';
import { useUi } from '../stores/ui.js';
import { EnvironmentsView } from './EnvironmentsView.js';
import { EventsView } from './EventsView.js';
import { FunctionList } from './FunctionList.js';

export function SideBar() {
  const activity = useUi((s) => s.activity);
  useEffect(() => {
    if (activity !== 'timeline' && activity !== 'metrics') return;
    const ui = useUi.getState();
    ui.setDockOpen(true);
    ui.setDockTab(activity);
  }, [activity]);
  if (activity === 'events') return <EventsView />;
  if (activity === 'environments') return <EnvironmentsView />;
  return <FunctionList />;
}
