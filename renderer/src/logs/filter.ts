// What the Logs panel asks the buffer for (function, envs, request, levels,
// streams, text, START/END folded), compiled once per filter change into the
// buffer's integers so its scan compares numbers and runs one RegExp.
import type { LogStreamKind } from '../../../main/contract/telemetry.js';
import { STREAM_CODE, STREAM_KINDS, type LogBuffer } from './buffer.js';

/** What the panel asks for, in the buffer's integers (compileFilter makes it). */
export interface CompiledFilter {
  /** Function index; -1: a function with no lines yet (matches nothing). */
  fn: number;
  envMask?: Set<number>;
  req?: number;
  /** Level codes as stored (interned index + 1; 0 = no level). */
  levelMask?: Set<number>;
  /** Bit per stream code (1: stdout, 2: stderr, 4: platform). */
  streamMask: number;
  /** Case-insensitive substring as a RegExp (V8 runs it over 300,000 lines faster than toLowerCase + includes). */
  text?: RegExp;
  foldPlatform: boolean;
  /** Does the request id (index) contain the text? Cached per filter. */
  requestMatches(req: number, names: readonly string[]): boolean;
}

export interface FilterSpec {
  functionName?: string;
  /** Env ids to show (empty: all). */
  envIds?: readonly string[];
  requestId?: string;
  /** Levels to show (empty: all); '' stands for lines with no level. */
  levels?: readonly string[];
  streams?: readonly LogStreamKind[];
  text?: string;
  /** START and END lines hidden; each REPORT reads as its request's summary. */
  foldPlatform?: boolean;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function compileFilter(buffer: LogBuffer, spec: FilterSpec): CompiledFilter {
  const fn = spec.functionName === undefined ? -1 : buffer.functions.find(spec.functionName);
  const envMask = spec.envIds?.length ? new Set(spec.envIds.map((e) => buffer.envIds.id(e))) : undefined;
  const req = spec.requestId ? buffer.requestIds.id(spec.requestId) : undefined;
  const levelMask = spec.levels?.length ? new Set(spec.levels.map((l) => (l === '' ? 0 : buffer.levelNames.id(l) + 1))) : undefined;
  const streams = spec.streams?.length ? spec.streams : STREAM_KINDS;
  let streamMask = 0;
  for (const s of streams) streamMask |= 1 << STREAM_CODE[s];
  // As typed (a trailing space can matter: "line " is not "lines"); only blank means no filter.
  const q = spec.text?.trim() ? spec.text : undefined;
  const text = q ? new RegExp(escapeRegExp(q), 'i') : undefined;
  const cache: Int8Array[] = [new Int8Array(0)];
  return {
    fn,
    envMask,
    req,
    levelMask,
    streamMask,
    text,
    foldPlatform: Boolean(spec.foldPlatform),
    requestMatches(r, names) {
      if (!text) return true;
      let c = cache[0]!;
      if (r >= c.length) {
        const grown = new Int8Array(Math.max(names.length, r + 1) * 2);
        grown.set(c);
        cache[0] = c = grown;
      }
      if (c[r] === 0) c[r] = text.test(names[r] ?? '') ? 1 : 2;
      return c[r] === 1;
    },
  };
}

