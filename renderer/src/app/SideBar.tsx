// The side list: what the activity bar selected.
import { EmptyState, IconMetrics, IconTimeline } from '../components/index.js';
import { useUi } from '../stores/ui.js';
import { EnvironmentsView } from './EnvironmentsView.js';
import { EventsView } from './EventsView.js';
import { FunctionList } from './FunctionList.js';

export function SideBar() {
  const activity = useUi((s) => s.activity);
  if (activity === 'functions') return <FunctionList />;
  if (activity === 'events') return <EventsView />;
  if (activity === 'environments') return <EnvironmentsView />;
  const timeline = activity === 'timeline';
  return (
    <section className="side">
      <header className="side-header">
        <h2 className="side-title">{timeline ? 'Timeline' : 'Metrics'}</h2>
      </header>
      <EmptyState compact icon={timeline ? <IconTimeline size={24} /> : <IconMetrics size={24} />} title={timeline ? 'One lane per environment' : 'Invocations, durations, cold starts'}>
        {timeline
          ? 'INIT, invokes, idle and frozen time for every env, with the cause of each cold start. Arrives with the next release.'
          : 'p50/p90/p99 with and without cold starts, cold-start rate by cause, concurrent envs, memory and cost. Arrives with the next release.'}
      </EmptyState>
    </section>
  );
}

