// Which log rows are drawn, and where. @tanstack/react-virtual sees blocks of
// CHUNK rows, not rows: it rebuilds its measurements of every item whenever the
// count changes, which a following list does every frame of a flood — at
// 100,000 rows that was ~18 ms a frame in a profile (its getMeasurements and
// the item keys), and it grows with the count. Blocks keep its work at most
// 300,000 / 64 ≈ 4,700 items; inside the blocks it reports, the rows on screen
// (plus a few) are picked here by arithmetic: plain rows are ROW_HEIGHT tall,
// expanded ones (JSON, several lines) as measured.
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { useCallback, type RefObject } from 'react';

export const ROW_HEIGHT = 20;
export const CHUNK = 64;

/** Rows taller than ROW_HEIGHT: [list index, extra px], ascending by index. */
export type Extras = readonly (readonly [number, number])[];

/** The top of row `index` (px from the list's top). */
export function offsetOf(index: number, extras: Extras): number {
  let y = index * ROW_HEIGHT;
  for (const [i, x] of extras) {
    if (i >= index) break;
    y += x;
  }
  return y;
}

/** The row at `y` px from the list's top (clamped to [0, count - 1]; 0 for an empty list). */
export function indexAt(y: number, count: number, extras: Extras): number {
  if (count <= 0) return 0;
  let extra = 0;
  for (const [i, x] of extras) {
    const top = i * ROW_HEIGHT + extra;
    if (y < top) break;
    if (y < top + ROW_HEIGHT + x) return Math.min(i, count - 1);
    extra += x;
  }
  return Math.max(0, Math.min(count - 1, Math.floor((y - extra) / ROW_HEIGHT)));
}

export function totalHeight(count: number, extras: Extras): number {
  let y = count * ROW_HEIGHT;
  for (const [i, x] of extras) if (i < count) y += x;
  return y;
}

export interface PlacedRow {
  index: number;
  top: number;
}

/** Rows of [from, to) with their tops, culled to [viewTop, viewBottom]. */
export function placeRows(from: number, to: number, viewTop: number, viewBottom: number, extras: Extras): PlacedRow[] {
  const out: PlacedRow[] = [];
  let k = 0;
  let extra = 0;
  while (k < extras.length && extras[k]![0] < from) extra += extras[k++]![1];
  for (let i = from; i < to; i++) {
    const top = i * ROW_HEIGHT + extra;
    let h = ROW_HEIGHT;
    if (k < extras.length && extras[k]![0] === i) {
      h += extras[k]![1];
      extra += extras[k++]![1];
    }
    if (top + h < viewTop) continue;
    if (top > viewBottom) break;
    out.push({ index: i, top });
  }
  return out;
}

export interface LogRowsLayout {
  rows: PlacedRow[];
  total: number;
  /** The viewport's top the rows were chosen for (the bottom's when following). */
  viewTop: number;
  /** Scrolls so that row `index` is at the top. */
  scrollToIndex(index: number): void;
}

/**
 * The rows to draw. Following, they are the last screenful, chosen in the same commit that adds
 * them (the scroll to the bottom comes after, in a layout effect): never a frame behind.
 */
export function useLogRows(opts: { count: number; extras: Extras; follow: boolean; scrollRef: RefObject<HTMLDivElement | null>; overscanPx: number }): LogRowsLayout {
  const { count, extras, follow, scrollRef, overscanPx } = opts;
  const chunks = Math.ceil(count / CHUNK);
  const chunkExtra = new Map<number, number>();
  for (const [i, x] of extras) chunkExtra.set(Math.floor(i / CHUNK), (chunkExtra.get(Math.floor(i / CHUNK)) ?? 0) + x);
  const estimateSize = (c: number) => Math.min(CHUNK, count - c * CHUNK) * ROW_HEIGHT + (chunkExtra.get(c) ?? 0);
  const rangeExtractor = useCallback(
    (r: Range) => {
      const range = defaultRangeExtractor(r);
      if (!follow || r.count === 0) return range;
      // The last blocks hold the bottom screenful, whatever offset the virtualizer last saw.
      const screen = (scrollRef.current?.clientHeight ?? 0) + overscanPx;
      const need = Math.min(r.count, Math.ceil(screen / (CHUNK * ROW_HEIGHT)) + 1);
      const tail = Array.from({ length: need }, (_, i) => r.count - need + i);
      return [...new Set([...range, ...tail])].sort((a, b) => a - b);
    },
    [follow, scrollRef, overscanPx],
  );
  const virtualizer = useVirtualizer({
    count: chunks,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    // A new key function each render: the blocks' sizes follow count and expanded rows (≤ 4,700 blocks: cheap).
    getItemKey: (c: number) => c,
    rangeExtractor,
    overscan: 1,
  });
  const blocks = virtualizer.getVirtualItems();
  const total = totalHeight(count, extras);
  const height = scrollRef.current?.clientHeight ?? 0;
  const viewTop = follow ? Math.max(0, total - height) : (virtualizer.scrollOffset ?? 0);
  const rows: PlacedRow[] = [];
  for (const b of blocks) {
    const from = b.index * CHUNK;
    const to = Math.min(count, from + CHUNK);
    rows.push(...placeRows(from, to, viewTop - overscanPx, viewTop + height + overscanPx, extras));
  }
  return {
    rows,
    total,
    viewTop,
    scrollToIndex: (index: number) => {
      const el = scrollRef.current;
      if (el) el.scrollTop = offsetOf(index, extras);
    },
  };
}
