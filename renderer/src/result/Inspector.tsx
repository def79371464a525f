// The right column: the focused invocation's card above this session's history.
import { EmptyState, Kbd } from '../components/index.js';
import { selectFocused, useInvocations } from '../stores/invocations.js';
import { History } from './History.js';
import { ResultCard } from './ResultCard.js';
import './result.css';

export function Inspector() {
  const focused = useInvocations(selectFocused);
  return (
    <div className="rc-inspector" data-testid="inspector">
      <div className="rc-scroll">
        {focused ? (
          <ResultCard key={focused.requestId} result={focused} />
        ) : (
          <EmptyState compact title="No invocation yet">
            Invoke a function from its Test tab (<Kbd shortcut="$mod+Enter" />): its status, the env that served it and why it was cold, its numbers and its
            log lines show here.
          </EmptyState>
        )}
      </div>
      <History />
    </div>
  );
}
