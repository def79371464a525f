// The invocation's own log lines, as CloudWatch shows them: the platform's
// START/END/REPORT lines dimmed, the function's output in full with its ANSI
// colours turned into spans by anser (text nodes only: never innerHTML).
import Anser from 'anser';
import { memo } from 'react';

const PLATFORM = /^(START|END|REPORT|INIT_START|INIT_REPORT|RESTORE_START|EXTENSION|TELEMETRY) /;

interface Span {
  text: string;
  className?: string;
}

function spans(line: string): Span[] {
  if (!line.includes('\u001b[')) return [{ text: line }];
  return Anser.ansiToJson(line, { use_classes: true, remove_empty: true }).map((e) => {
    const cls = [e.fg && `ansi-fg-${e.fg.replace(/^ansi-/, '')}`, e.bg && `ansi-bg-${e.bg.replace(/^ansi-/, '')}`, ...e.decorations.map((d) => `ansi-${d}`)]
      .filter(Boolean)
      .join(' ');
    return { text: e.content, className: cls || undefined };
  });
}

const Line = memo(function Line({ line }: { line: string }) {
  const platform = PLATFORM.test(line);
  return (
    <div className={platform ? 'rc-log-line rc-log-platform' : 'rc-log-line'}>
      {spans(line).map((s, i) =>
        s.className ? (
          <span key={i} className={s.className}>
            {s.text}
          </span>
        ) : (
          s.text
        ),
      )}
    </div>
  );
});

export function LogLines({ lines }: { lines: string[] }) {
  if (lines.length === 0) return <div className="rc-log rc-empty" data-testid="result-logs">No log lines</div>;
  return (
    <div className="rc-log" data-testid="result-logs">
      {lines.map((l, i) => (
        <Line key={i} line={l} />
      ))}
    </div>
  );
}
