import { describe, expect, it } from 'vitest';
import { ansiSpans, clockMs, jsonTokens, messageOf, parseJsonMessage, prefixLevel, reportSummary, stripAnsi } from './format.js';

describe('log line format', () => {
  it("reads the runtimes' prefixes: level and message", () => {
    const node = '2026-12-01T09:30:00.123Z\tc0ffee00-1111-4222-8333-444455556666\tWARN\tslow: 3 items';
    expect(prefixLevel(node)).toBe('WARN');
    expect(messageOf(node)).toBe('slow: 3 items');
    const py = '[ERROR]\t2026-12-01T09:30:00.123Z\tc0ffee00-1111-4222-8333-444455556666\tboom'; 
    expect(prefixLevel(py)).toBe('ERROR');
    expect(messageOf(py)).toBe('boom');
    expect(prefixLevel('2026 was a good year\tnot a prefix')).toBeUndefined();
    expect(prefixLevel('[1, 2, 3]')).toBeUndefined();
    expect(messageOf('plain line')).toBe('plain line');
    expect(prefixLevel('2026-12-01T09:30:00.123Z\tundefined\tINFO\tbefore the first invoke')).toBe('INFO');
  });

  it('ANSI to spans with class names, and stripped for text', () => {
    const spans = ansiSpans('\u001b[32mok\u001b[0m and \u001b[1;31mbad\u001b[0m');
    expect(spans).toEqual([
      { text: 'ok', className: 'ansi-fg-green' },
      { text: ' and ', className: undefined },
      { text: 'bad', className: 'ansi-fg-red ansi-bold' },
    ]);
    expect(stripAnsi('\u001b[32mok\u001b[0m')).toBe('ok');
    expect(ansiSpans('plain')).toEqual([{ text: 'plain' }]);
  });

  it('JSON messages: objects and arrays only, tokens compact or indented', () => {
    expect(parseJsonMessage('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonMessage('{not json}')).toBeUndefined();
    expect(parseJsonMessage('"a string"')).toBeUndefined();
    expect(parseJsonMessage('42')).toBeUndefined();
    const v = { level: 'INFO', n: 2, ok: true, tags: ['a'] };
    expect(jsonTokens(v).map((t) => t.text).join('')).toBe('{"level": "INFO", "n": 2, "ok": true, "tags": ["a"]}');
    expect(jsonTokens(v, 2).map((t) => t.text).join('')).toBe(JSON.stringify(v, null, 2));
    expect(jsonTokens(v).filter((t) => t.kind === 'key').map((t) => t.text)).toEqual(['"level"', '"n"', '"ok"', '"tags"']);
  });

  it('a REPORT line as one summary', () => {
    expect(reportSummary('REPORT RequestId: r\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 61 MB\tInit Duration: 120.50 ms')).toBe('12.34 ms · billed 13 ms · 61/128 MB · init 120.50 ms');
    expect(reportSummary('REPORT RequestId: r\tDuration: 2.00 ms\tBilled Duration: 2 ms')).toBe('2.00 ms · billed 2 ms');
    expect(reportSummary('START RequestId: r')).toBeUndefined();
  });

  it('times to the millisecond', () => {
    const d = new Date(2026, 11, 1, 9, 5, 7, 42);
    expect(clockMs(d.getTime())).toBe('09:05:07.042');
  });
});

describe('collapsed rows', () => {
  it('cut a long line at COLLAPSED_CHARS across its spans, and say so', async () => {
    const { clip, COLLAPSED_CHARS } = await import('./LogRow.js');
    const spans = [{ text: 'a'.repeat(300) }, { text: 'b'.repeat(300), className: 'ansi-fg-red' }];
    const c = clip(spans, COLLAPSED_CHARS);
    expect(c.clipped).toBe(true);
    expect(c.parts.map((p) => p.text.length)).toEqual([300, COLLAPSED_CHARS - 300]);
    expect(c.parts[1]!.className).toBe('ansi-fg-red');
    expect(clip([{ text: 'short' }], COLLAPSED_CHARS)).toEqual({ parts: [{ text: 'short' }], clipped: false });
  });
});
