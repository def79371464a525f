// Small pieces the env table and the env inspector share: the state dot with
// its word, a used-of-size bar, and a time shown relative with the absolute
// time on hover.
import { absolute, fraction, relative, stateInfo } from './format.js';

export function StateDot({ state, withWord = true }: { state: string; withWord?: boolean }) {
  const s = stateInfo(state);
  return (
    <span className={`envs-state envs-tone-${s.tone}`} data-state={state}>
      <span className="envs-dot" aria-hidden="true" />
      {withWord ? <span className="envs-word">{s.word}</span> : <span className="visually-hidden">{s.word}</span>}
    </span>
  );
}

/** A thin bar of used against size; the text beside it says both. Past 90 % it turns the warning colour. */
export function UsageBar({ used, size, text, title, testId }: { used: number | undefined; size: number | undefined; text: string; title?: string; testId?: string }) {
  const f = fraction(used, size);
  const tone = f >= 0.9 ? 'envs-bar-high' : '';
  return (
    <span className="envs-usage" title={title} data-testid={testId}>
      <span className={`envs-bar ${tone}`} aria-hidden="true">
        <span className="envs-bar-fill" style={{ width: `${(f * 100).toFixed(1)}%` }} />
      </span>
      <span className="envs-usage-text mono">{text}</span>
    </span>
  );
}

export function When({ at, now, className }: { at: number | undefined; now: number; className?: string }) {
  return (
    <time className={className} dateTime={at === undefined ? undefined : new Date(at).toISOString()} title={absolute(at)}>
      {relative(at, now)}
    </time>
  );
}
