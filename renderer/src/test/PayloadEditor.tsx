// The payload editor: a plain textarea (fast for multi-megabyte payloads, no
// Monaco instance per tab) with a line-number gutter, live JSON validation that
// says where the error is and jumps there, and Format.
import { useDeferredValue, useMemo, useRef } from 'react';
import { Button } from '../components/index.js';
import { checkJson, formatJson, type JsonCheck } from './json-check.js';

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export function usePayloadCheck(payload: string): JsonCheck {
  const deferred = useDeferredValue(payload);
  return useMemo(() => checkJson(deferred), [deferred]);
}

export function PayloadEditor({ value, onChange, check }: { value: string; onChange: (v: string) => void; check: JsonCheck }) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lines = useMemo(() => countLines(value), [value]);
  const errorLine = check.ok ? undefined : check.line;
  // Three text runs (before, the error's line, after) keep the gutter one cheap node per part.
  const gutterText = useMemo(() => {
    const run = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i).join('\n');
    if (errorLine === undefined || errorLine > lines) return [run(1, lines)];
    return [run(1, errorLine - 1), String(errorLine), run(errorLine + 1, lines)];
  }, [lines, errorLine]);

  const jump = () => {
    if (check.ok || check.offset === undefined || !area.current) return;
    const el = area.current;
    el.focus();
    el.setSelectionRange(check.offset, Math.min(check.offset + 1, value.length));
  };

  return (
    <div className="tt-payload">
      <div className="tt-payload-head">
        <span className="tt-label">Event JSON</span>
        <span className="tt-muted tt-num">
          {lines} {lines === 1 ? 'line' : 'lines'} · {value.length.toLocaleString()} chars
        </span>
        <span className="tt-spacer" />
        {check.ok ? (
          <span className="tt-valid" data-testid="payload-valid">
            Valid JSON
          </span>
        ) : null}
        <Button
          size="small"
          data-testid="payload-format"
          disabled={!check.ok}
          title={check.ok ? 'Pretty-print with two spaces' : 'Fix the JSON first'}
          onClick={() => {
            const f = formatJson(value);
            if (f !== undefined && f !== value) onChange(f);
          }}
        >
          Format
        </Button>
      </div>
      <div className={`tt-editor${check.ok ? '' : ' tt-editor-invalid'}`}>
        <div ref={gutter} className="tt-gutter" aria-hidden="true">
          {gutterText.length === 1 ? (
            gutterText[0]
          ) : (
            <>
              {gutterText[0] ? `${gutterText[0]}\n` : ''}
              <span className="tt-gutter-error">{gutterText[1]}</span>
              {gutterText[2] ? `\n${gutterText[2]}` : ''}
            </>
          )}
        </div>
        <textarea
          ref={area}
          className="tt-textarea"
          data-testid="payload-editor"
          aria-label="Event JSON"
          aria-invalid={!check.ok || undefined}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          wrap="off"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
      {!check.ok ? (
        <div className="tt-payload-error" data-testid="payload-error" role="alert">
          {check.line !== undefined ? (
            <button type="button" className="tt-linkish" onClick={jump} title="Go to the error">
              Line {check.line}, column {check.column}
            </button>
          ) : null}
          <span>{check.message}</span>
        </div>
      ) : null}
    </div>
  );
}
