// One log line as a row: time, env, request id (a button that selects the
// invocation everywhere), level, stream, message. Messages are text nodes only:
// ANSI colours become spans with classes, JSON becomes coloured tokens (one
// line collapsed, indented when expanded), several lines show their first with
// a count until expanded.
import { memo, type MouseEvent, type Ref } from 'react';
import type { KeptLine, LogBuffer } from './buffer.js';
import { ROW_HEIGHT } from './rows.js';
import { ansiSpans, clockMs, jsonTokens, messageLines, messageOf, parseJsonMessage, PLATFORM_LINE, reportSummary, type JsonToken, type Span } from './format.js';


export interface RowProps {
  buffer: LogBuffer;
  /** The line's position in the buffer, and its id (a rebuild may give the position to another line). */
  pos: number;
  lineId: number;
  index: number;
  top: number;
  envColor: number;
  focused: boolean;
  selected: boolean;
  expanded: boolean;
  /** START/END folded away: a REPORT line reads as its request's summary. */
  folded: boolean;
  measureRef?: Ref<HTMLDivElement>;
  onToggle(line: KeptLine): void;
  onSelect(line: KeptLine, e: MouseEvent): void;
  onRequest(line: KeptLine): void;
}

function Spans({ spans }: { spans: Span[] }) {
  return (
    <>
      {spans.map((s, i) =>
        s.className ? (
          <span key={i} className={s.className}>
            {s.text}
          </span>
        ) : (
          s.text
        ),
      )}
    </>
  );
}

function Json({ tokens }: { tokens: JsonToken[] }) {
  return (
    <>
      {tokens.map((t, i) => (t.kind === 'space' || t.kind === 'punct' ? t.text : <span key={i} className={`lg-json-${t.kind}`}>{t.text}</span>))}
    </>
  );
}

function levelTone(level: string | undefined): string {
  if (!level) return '';
  if (level === 'ERROR' || level === 'FATAL' || level === 'CRITICAL') return 'lg-level-error';
  if (level === 'WARN' || level === 'WARNING') return 'lg-level-warn';
  if (level === 'DEBUG' || level === 'TRACE') return 'lg-level-debug';
  return '';
}

/** A collapsed row shows this many characters at most: a screen is narrower, and laying out a 16 KB line on every frame is not free. */
export const COLLAPSED_CHARS = 400;

/** The first `max` characters of a list of text parts (spans or tokens), and whether any were cut. */
export function clip<T extends { text: string }>(parts: T[], max: number): { parts: T[]; clipped: boolean } {
  let left = max;
  const out: T[] = [];
  for (const p of parts) {
    if (left <= 0) return { parts: out, clipped: true };
    if (p.text.length > left) {
      out.push({ ...p, text: p.text.slice(0, left) });
      return { parts: out, clipped: true };
    }
    out.push(p);
    left -= p.text.length;
  }
  return { parts: out, clipped: false };
}

// Memoised on plain values: a row re-renders only when its line, place or highlight changes, not
// on every frame of the list around it.
export const LogRow = memo(function LogRow({ buffer, pos, index, top, envColor, focused, selected, expanded, folded, measureRef, onToggle, onSelect, onRequest }: RowProps) {
  const line = buffer.line(pos);
  if (!line) return null;
  const platform = line.stream === 'platform' || PLATFORM_LINE.test(line.text);
  const summary = folded && platform ? reportSummary(line.text) : undefined;
  const message = line.stream === 'platform' ? line.text : messageOf(line.text);
  const json = summary ? undefined : parseJsonMessage(message);
  const lines = json ? undefined : messageLines(message);
  const multi = lines !== undefined && lines.length > 1;
  // Collapsed: the first line (or the compact JSON), cut at COLLAPSED_CHARS.
  const head = expanded || summary ? undefined : json ? clip(jsonTokens(json, 0), COLLAPSED_CHARS) : clip(ansiSpans(lines![0]!.slice(0, COLLAPSED_CHARS * 4)), COLLAPSED_CHARS);
  const expandable = Boolean(json) || multi || Boolean(summary) || Boolean(head?.clipped) || (lines !== undefined && lines[0]!.length > COLLAPSED_CHARS * 4);
  const cls = ['lg-row', `lg-stream-${line.stream}`, platform ? 'lg-platform' : '', focused ? 'lg-focused' : '', selected ? 'lg-selected' : '', expanded ? 'lg-expanded' : '', expandable ? 'lg-expandable' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div
      ref={measureRef}
      className={cls}
      style={{ transform: `translateY(${top}px)`, height: expanded ? undefined : ROW_HEIGHT }}
      data-index={index}
      data-testid="log-row"
      data-line-id={line.id}
      data-request-id={line.requestId ?? ''}
      data-env-id={line.envId}
      data-stream={line.stream}
      data-level={line.level ?? ''}
      role="row"
      aria-selected={selected || undefined}
      onClick={(e) => onSelect(line, e)}
    >
      <span className="lg-time" role="cell">{clockMs(line.at)}</span>
      <span className={`lg-env lg-env-${envColor}`} role="cell" title={line.envId}>
        {line.envId.slice(0, 6)}
      </span>
      {line.requestId ? (
        <button
          type="button"
          className="lg-req lg-req-button"
          role="cell"
          data-testid="log-request"
          title={`${line.requestId}\nSelect this invocation everywhere`}
          onClick={(e) => {
            e.stopPropagation();
            onRequest(line);
          }}
        >
          {line.requestId.slice(0, 8)}
        </button>
      ) : (
        <span className="lg-req lg-none" role="cell">
          —
        </span>
      )}
      <span className={`lg-level ${levelTone(line.level)}`} role="cell">{line.level ?? ''}</span>
      <span className="lg-stream" role="cell">{line.stream}</span>
      <span className="lg-msg" role="cell">
        {expandable && (
          <button
            type="button"
            className="lg-toggle"
            aria-expanded={expanded}
            aria-label={expanded ? 'Collapse' : 'Expand'}
            data-testid="log-expand"
            onClick={(e) => {
              e.stopPropagation();
              onToggle(line);
            }}
          >
            {expanded ? '▾' : '▸'}
          </button>
        )}
        <span className="lg-text">
          {summary && !expanded ? (
            <span className="lg-summary" title={line.text}>
              <span className="lg-summary-tag">{line.requestId ? `${line.requestId.slice(0, 8)} ` : ''}done</span> {summary}
            </span>
          ) : expanded ? (
            json ? (
              <span className="lg-json lg-pre">
                <Json tokens={jsonTokens(json, 2)} />
              </span>
            ) : (
              <span className="lg-pre">
                <Spans spans={ansiSpans(lines!.join('\n'))} />
              </span>
            )
          ) : (
            <>
              {json ? (
                <span className="lg-json">
                  <Json tokens={head!.parts as JsonToken[]} />
                </span>
              ) : (
                <Spans spans={head!.parts as Span[]} />
              )}
              {head!.clipped && <span className="lg-more"> …</span>}
              {multi && <span className="lg-more"> … {lines!.length - 1} more lines</span>}
            </>
          )}
        </span>
      </span>
    </div>
  );
});
