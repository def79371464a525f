// An env count as a few coloured numbers: busy, starting, warm, frozen — only
// those above zero, so an idle function shows nothing at all. Compact (numbers
// only) in lists; `long` adds a dot and the word (the status bar, which thereby
// doubles as the colours' legend).
import type { EnvCounts as Counts } from '../../../main/contract/index.js';

const ORDER: { key: keyof Counts; label: string }[] = [
  { key: 'busy', label: 'busy' },
  { key: 'starting', label: 'starting' },
  { key: 'warm', label: 'warm' },
  { key: 'frozen', label: 'frozen' },
];

export function EnvCounts({ counts, long }: { counts: Counts; long?: boolean }) {
  const parts = ORDER.filter((o) => counts[o.key] > 0);
  const title = parts.length ? parts.map((o) => `${counts[o.key]} ${o.label}`).join(', ') : 'no environments';
  return (
    <span className={long ? 'env-counts env-counts-long' : 'env-counts'} title={title} aria-label={title}>
      {parts.map((o) => (
        <span key={o.key} className={`env-count env-${o.key}`}>
          {long && <span className="env-dot" aria-hidden="true" />}
          {counts[o.key]}
          {long && <span className="env-count-label">{o.label}</span>}
        </span>
      ))}
    </span>
  );
}
