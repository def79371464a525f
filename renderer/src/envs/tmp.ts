// The /tmp browser's arithmetic, pure (tested without a DOM): the flat listing
// the init sends (paths relative to /tmp) as a tree, a file's head as text or a
// hex dump, and one invocation's changes merged with the live ones.
import type { TmpChange, TmpEntry } from '../../../main/contract/telemetry.js';

export interface TmpNode {
  name: string;
  path: string;
  depth: number;
  /** The listed entry; absent for a directory only implied by its children's paths. */
  entry?: TmpEntry;
  type: TmpEntry['type'];
  children: TmpNode[];
  /** Bytes under a directory (its files' sizes), for the tree's size column. */
  totalBytes: number;
}

/** The listing as a tree: directories first, then by name; sizes summed up the directories. */
export function buildTmpTree(entries: readonly TmpEntry[]): TmpNode[] {
  const root: TmpNode = { name: '', path: '', depth: -1, type: 'dir', children: [], totalBytes: 0 };
  const dirs = new Map<string, TmpNode>([['', root]]);
  const dirFor = (path: string): TmpNode => {
    const known = dirs.get(path);
    if (known) return known;
    const cut = path.lastIndexOf('/');
    const parent = dirFor(cut < 0 ? '' : path.slice(0, cut));
    const node: TmpNode = { name: path.slice(cut + 1), path, depth: parent.depth + 1, type: 'dir', children: [], totalBytes: 0 };
    parent.children.push(node);
    dirs.set(path, node);
    return node;
  };
  for (const e of entries) {
    if (e.type === 'dir') {
      dirFor(e.path).entry = e;
      continue;
    }
    const cut = e.path.lastIndexOf('/');
    const parent = dirFor(cut < 0 ? '' : e.path.slice(0, cut));
    parent.children.push({ name: e.path.slice(cut + 1), path: e.path, depth: parent.depth + 1, entry: e, type: e.type, children: [], totalBytes: e.type === 'file' ? e.size : 0 });
  }
  const finish = (n: TmpNode): number => {
    if (n.type !== 'dir') return n.totalBytes;
    n.children.sort((a, b) => Number(b.type === 'dir') - Number(a.type === 'dir') || a.name.localeCompare(b.name));
    n.totalBytes = n.children.reduce((s, c) => s + finish(c), 0);
    return n.totalBytes;
  };
  finish(root);
  return root.children;
}

/** The rows a tree shows with some directories collapsed, in order. */
export function visibleRows(tree: readonly TmpNode[], collapsed: ReadonlySet<string>): TmpNode[] {
  const out: TmpNode[] = [];
  const walk = (nodes: readonly TmpNode[]) => {
    for (const n of nodes) {
      out.push(n);
      if (n.type === 'dir' && !collapsed.has(n.path)) walk(n.children);
    }
  };
  walk(tree);
  return out;
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export type FileHead = { kind: 'text'; text: string } | { kind: 'hex'; lines: string[] };

/**
 * Text when the bytes are UTF-8 without NULs or many control characters (a cut at the
 * head's end may split one character: that is allowed), a hex dump otherwise.
 */
export function describeHead(bytes: Uint8Array, hexLimit = 4096): FileHead {
  let control = 0;
  for (const b of bytes) {
    if (b === 0) return { kind: 'hex', lines: hexDump(bytes, hexLimit) };
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  }
  if (control > bytes.length / 20) return { kind: 'hex', lines: hexDump(bytes, hexLimit) };
  // Up to 3 bytes at the end may be a character the head cut in two.
  for (let trim = 0; trim <= Math.min(3, bytes.length); trim++) {
    try {
      return { kind: 'text', text: new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - trim)) };
    } catch {
      // try without the last byte(s)
    }
  }
  return { kind: 'hex', lines: hexDump(bytes, hexLimit) };
}

/** `00000000  48 65 6c 6c 6f 0a …  |Hello.|`, 16 bytes a line, the first `limit` bytes. */
export function hexDump(bytes: Uint8Array, limit = 4096): string[] {
  const lines: string[] = [];
  const n = Math.min(bytes.length, limit);
  for (let off = 0; off < n; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, n));
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  return lines;
}

/** What envs.tmpChanges answered with the live `tmp` events (live wins: it is newer), newest first. */
export function mergeTmpChanges(fetched: readonly TmpChange[], live: readonly TmpChange[]): TmpChange[] {
  const byId = new Map<string, TmpChange>();
  for (const c of fetched) byId.set(c.requestId, c);
  for (const c of live) byId.set(c.requestId, c);
  return [...byId.values()].sort((a, b) => b.at - a.at);
}
