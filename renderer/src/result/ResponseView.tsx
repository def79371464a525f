// The response body: pretty-printed when it is JSON (raw on request), copied
// whole. Past a few hundred lines only the visible lines are in the DOM
// (@tanstack/react-virtual), so a 6 MB response costs what a small one does.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { Button } from '../components/index.js';
import { CopyButton } from './CopyButton.js';
import { bytes } from './format.js';

/** Responses up to this many lines render as plain text (searchable with the browser's find). */
const PLAIN_LINES = 300;
const LINE_HEIGHT = 18;

function pretty(text: string): { text: string; json: boolean } {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('[') || t.startsWith('"') || /^[-\d]/.test(t) || t === 'true' || t === 'false' || t === 'null')) return { text, json: false };
  try {
    return { text: JSON.stringify(JSON.parse(text), null, 2), json: true };
  } catch {
    return { text, json: false };
  }
}

export function ResponseView({ response, size }: { response: string; size: number }) {
  const [raw, setRaw] = useState(false);
  const formatted = useMemo(() => pretty(response), [response]);
  const shown = raw || !formatted.json ? response : formatted.text;
  const lines = useMemo(() => shown.split('\n'), [shown]);
  return (
    <section className="rc-section">
      <header className="rc-section-head">
        <span className="rc-label">Response</span>
        <span className="rc-num rc-muted">{bytes(size)}</span>
        <span className="rc-spacer" />
        {formatted.json ? (
          <Button variant="ghost" size="small" data-testid="result-raw-toggle" aria-pressed={raw} onClick={() => setRaw((r) => !r)}>
            {raw ? 'Pretty' : 'Raw'}
          </Button>
        ) : null}
        <CopyButton text={response} testId="result-copy-response" />
      </header>
      {lines.length <= PLAIN_LINES ? (
        <pre className="rc-code" data-testid="result-response">
          {shown}
        </pre>
      ) : (
        <VirtualLines lines={lines} />
      )}
    </section>
  );
}

function VirtualLines({ lines }: { lines: string[] }) {
  const parent = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: lines.length, getScrollElement: () => parent.current, estimateSize: () => LINE_HEIGHT, overscan: 20 });
  return (
    <div ref={parent} className="rc-code rc-virtual" data-testid="result-response" data-lines={lines.length}>
      <div className="rc-virtual-inner" style={{ height: v.getTotalSize() }}>
        {v.getVirtualItems().map((item) => (
          <div key={item.key} className="rc-virtual-line" style={{ transform: `translateY(${item.start}px)` }}>
            {lines[item.index] || '\u00a0'}
          </div>
        ))}
      </div>
    </div>
  );
}
