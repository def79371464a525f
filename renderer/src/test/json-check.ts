// Live validation of the payload: whether it parses and, when it does not, where
// and why. JSON.parse decides validity; when it fails, a small scanner finds the
// offset (V8's messages do not always carry one: "Unexpected token '}', ... is
// not valid JSON") and says what was expected there.
export type JsonCheck =
  | { ok: true }
  | { ok: false; message: string; offset?: number; line?: number; column?: number };

/** Line and column (both 1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/** Where JSON text first goes wrong, or undefined when it is valid. */
export function findJsonError(text: string): { offset: number; message: string } | undefined {
  let i = 0;
  const n = text.length;
  const fail = (message: string, at = i): never => {
    throw new Stop(at, message);
  };
  const what = () => (i >= n ? 'the end of the text' : JSON.stringify(text[i]));
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`Expected a value, found ${what()}`);
  };
  const string = () => {
    const start = i;
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('Bad \\u escape: four hex digits expected');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(`Bad escape \\${e ?? ''} in a string`);
      } else if (c < 32) fail(c === 10 ? 'Line break inside a string (write \\n)' : 'Control character inside a string');
      else i++;
    }
    fail('Unterminated string', start);
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-' || m[0] === '') fail(`Expected a value, found ${what()}`);
    i += m![0].length;
    if (i < n && /[0-9.eE+-]/.test(text[i]!)) fail('Malformed number');
  };
  const value = (): void => {
    ws();
    if (i >= n) fail('Unexpected end of the JSON: a value is missing');
    const c = text[i]!;
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    if (c === "'") fail('Strings need double quotes');
    fail(`Expected a value, found ${what()}`);
  };
  const object = () => {
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === '}') fail('Trailing comma before }');
      if (text[i] !== '"') fail(`Expected a property name in double quotes, found ${what()}`);
      string();
      ws();
      if (text[i] !== ':') fail(`Expected ':' after the property name, found ${what()}`);
      i++;
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(i >= n ? 'Unexpected end of the JSON: } is missing' : `Expected ',' or '}', found ${what()}`);
    }
  };
  const array = () => {
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === ']') fail('Trailing comma before ]');
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail(i >= n ? 'Unexpected end of the JSON: ] is missing' : `Expected ',' or ']', found ${what()}`);
    }
  };
  try {
    value();
    ws();
    if (i < n) fail(`Unexpected ${what()} after the JSON value`);
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, message: e.message };
    return undefined; // nesting deeper than the stack: JSON.parse's message stands
  }
}

export function checkJson(text: string): JsonCheck {
  if (text.trim() === '') return { ok: false, message: 'The payload is empty: an empty event is {}.' };
  try {
    JSON.parse(text);
    return { ok: true };
  } catch (e) {
    const found = findJsonError(text);
    if (!found) return { ok: false, message: e instanceof Error ? e.message : String(e) };
    return { ok: false, message: found.message, offset: found.offset, ...lineColumn(text, found.offset) };
  }
}

/** Pretty-prints JSON with two spaces, or returns undefined when it does not parse. */
export function formatJson(text: string): string | undefined {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return undefined;
  }
}
