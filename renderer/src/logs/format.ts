// How one log line reads in the panel: its time to the millisecond, the
// runtime's own prefix taken off the message (the row's columns already say
// time, request and level), ANSI colours as class names, and JSON messages as
// tokens (keys, strings, numbers) to show collapsed on one line or indented.
// Text only: the row renders these as React text nodes, never as HTML.
import Anser from 'anser';

/** HH:MM:SS.mmm in local time. */
export function clockMs(at: number): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '--:--:--.---';
  const p = (x: number, w = 2) => String(x).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

// The runtimes' own prefixes, read by hand (this runs on every line that arrives, so no regex and
// no allocation): Node's "<ISO time>\t<requestId>\t<LEVEL>\t<message>" and Python's
// "[LEVEL]\t<ISO time>\t<requestId>\t<message>".
const LEVEL_WORDS = ['INFO', 'WARN', 'ERROR', 'DEBUG', 'TRACE', 'FATAL', 'WARNING', 'CRITICAL'];

function levelWord(text: string, from: number, to: number): string | undefined {
  for (const w of LEVEL_WORDS) if (w.length === to - from && text.startsWith(w, from)) return w;
  return undefined;
}

/** Where a runtime prefix's level starts and ends and its message starts; [] when the line has none. */
function prefixBounds(text: string): [number, number, number] | [] {
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    // 2026-12-01T09:30:00.000Z\t<request id>\tINFO\t
    if (text.charCodeAt(4) !== 45 || text.charCodeAt(10) !== 84) return [];
    const t1 = text.indexOf('\t', 19);
    if (t1 < 0 || t1 > 40 || text.charCodeAt(t1 - 1) !== 90) return [];
    const t2 = text.indexOf('\t', t1 + 1);
    if (t2 < 0 || t2 - t1 > 80) return [];
    const t3 = text.indexOf('\t', t2 + 1);
    if (t3 < 0 || t3 - t2 > 10 || !levelWord(text, t2 + 1, t3)) return [];
    return [t2 + 1, t3, t3 + 1];
  }
  if (c === 91) {
    // [INFO]\t2026-12-01T09:30:00.000Z\t<request id>\t
    const e = text.indexOf(']\t');
    if (e < 2 || e > 9 || !levelWord(text, 1, e)) return [];
    const t2 = text.indexOf('\t', e + 2);
    if (t2 < 0 || t2 - e > 40 || text.charCodeAt(t2 - 1) !== 90) return [];
    const t3 = text.indexOf('\t', t2 + 1);
    if (t3 < 0 || t3 - t2 > 80) return [];
    return [1, e, t3 + 1];
  }
  return [];
}

/** The level a runtime's text prefix names (INFO, ERROR, …), if the line has one. */
export function prefixLevel(text: string): string | undefined {
  const b = prefixBounds(text);
  return b.length ? levelWord(text, b[0], b[1]) : undefined;
}

/** The message without the runtime's prefix. */
export function messageOf(text: string): string {
  const b = prefixBounds(text);
  return b.length ? text.slice(b[2]) : text;
}

export interface Span {
  text: string;
  className?: string;
}

const ESC = '\u001b[';

export function hasAnsi(text: string): boolean {
  return text.includes(ESC);
}

/** ANSI escape sequences → spans with class names (anser's JSON output; never its HTML). */
export function ansiSpans(text: string): Span[] {
  if (!hasAnsi(text)) return [{ text }];
  return Anser.ansiToJson(text, { use_classes: true, remove_empty: true }).map((e) => {
    const cls = [e.fg && `ansi-fg-${e.fg.replace(/^ansi-/, '')}`, e.bg && `ansi-bg-${e.bg.replace(/^ansi-/, '')}`, ...e.decorations.map((d) => `ansi-${d}`)]
      .filter(Boolean)
      .join(' ');
    return { text: e.content, className: cls || undefined };
  });
}

/** Text without its escape sequences (what copy and download give). */
export function stripAnsi(text: string): string {
  return hasAnsi(text) ? text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '') : text;
}

/** The message parsed as a JSON object or array, or undefined (cheap refusal for ordinary lines). */
export function parseJsonMessage(message: string): object | undefined {
  const t = message.trim();
  const first = t.charCodeAt(0);
  const last = t.charCodeAt(t.length - 1);
  if (!((first === 123 && last === 125) || (first === 91 && last === 93))) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return v !== null && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

export type JsonTokenKind = 'punct' | 'key' | 'string' | 'number' | 'literal' | 'space';

export interface JsonToken {
  kind: JsonTokenKind;
  text: string;
}

/** A JSON value as tokens: compact on one line (indent 0) or indented. */
export function jsonTokens(value: unknown, indent = 0): JsonToken[] {
  const out: JsonToken[] = [];
  const nl = (depth: number) => {
    if (indent > 0) out.push({ kind: 'space', text: `\n${' '.repeat(depth * indent)}` });
  };
  const walk = (v: unknown, depth: number) => {
    if (v === null || typeof v === 'boolean') out.push({ kind: 'literal', text: String(v) });
    else if (typeof v === 'number') out.push({ kind: 'number', text: String(v) });
    else if (typeof v === 'string') out.push({ kind: 'string', text: JSON.stringify(v) });
    else if (Array.isArray(v)) {
      out.push({ kind: 'punct', text: '[' });
      v.forEach((item, i) => {
        if (i > 0) out.push({ kind: 'punct', text: indent ? ',' : ', ' });
        nl(depth + 1);
        walk(item, depth + 1);
      });
      if (v.length) nl(depth);
      out.push({ kind: 'punct', text: ']' });
    } else if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      out.push({ kind: 'punct', text: '{' });
      entries.forEach(([k, item], i) => {
        if (i > 0) out.push({ kind: 'punct', text: indent ? ',' : ', ' });
        nl(depth + 1);
        out.push({ kind: 'key', text: JSON.stringify(k) });
        out.push({ kind: 'punct', text: ': ' });
        walk(item, depth + 1);
      });
      if (entries.length) nl(depth);
      out.push({ kind: 'punct', text: '}' });
    } else out.push({ kind: 'literal', text: String(v) });
  };
  walk(value, 0);
  return out;
}

/** A message of several lines (Node's runtime turns inner newlines into \r to keep one log event). */
export function messageLines(message: string): string[] {
  return message.split(/\r\n|\r|\n/);
}

/** Platform lines: START, END, REPORT and their INIT kin (dimmed; a request's three fold into one). */
export const PLATFORM_LINE = /^(START|END|REPORT|INIT_START|INIT_REPORT|RESTORE_START|EXTENSION|TELEMETRY)\b/;

/** One line as text for copy and download: time, env, request, level, stream, message. */
export function lineAsText(l: { at: number; envId: string; requestId?: string; level?: string; stream: string; text: string }): string {
  return `${new Date(l.at).toISOString()}\t${l.envId}\t${l.requestId ?? '-'}\t${l.level ?? '-'}\t${l.stream}\t${stripAnsi(l.text)}`;
}

/** A REPORT line as one summary: "12.34 ms · billed 13 ms · 61/128 MB · init 120.5 ms", or undefined. */
export function reportSummary(text: string): string | undefined {
  if (!text.startsWith('REPORT RequestId')) return undefined;
  const num = (label: string) => new RegExp(`(?:^|\\t)${label}: ([\\d.]+)`).exec(text)?.[1];
  const duration = num('Duration');
  if (duration === undefined) return undefined;
  const parts = [`${duration} ms`];
  const billed = num('Billed Duration');
  if (billed) parts.push(`billed ${billed} ms`);
  const used = num('Max Memory Used');
  const size = num('Memory Size');
  if (used && size) parts.push(`${used}/${size} MB`);
  const init = num('Init Duration');
  if (init) parts.push(`init ${init} ms`);
  return parts.join(' · ');
}
