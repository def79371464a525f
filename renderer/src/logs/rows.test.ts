import { describe, expect, it } from 'vitest';
import { indexAt, offsetOf, placeRows, ROW_HEIGHT, totalHeight, type Extras } from './rows.js';

const R = ROW_HEIGHT;

describe('log rows layout', () => {
  it('plain rows: offsets and hits by arithmetic', () => {
    expect(offsetOf(10, [])).toBe(10 * R);
    expect(indexAt(10 * R + 5, 100, [])).toBe(10);
    expect(indexAt(-5, 100, [])).toBe(0);
    expect(indexAt(1e9, 100, [])).toBe(99);
    expect(totalHeight(100, [])).toBe(100 * R);
  });

  it('expanded rows push the rows after them down by their extra height', () => {
    const extras: Extras = [
      [3, 100],
      [7, 40],
    ];
    expect(offsetOf(3, extras)).toBe(3 * R);
    expect(offsetOf(4, extras)).toBe(4 * R + 100);
    expect(offsetOf(8, extras)).toBe(8 * R + 140);
    expect(indexAt(3 * R + 110, 20, extras)).toBe(3); // inside the tall row
    expect(indexAt(4 * R + 100, 20, extras)).toBe(4);
    expect(indexAt(7 * R + 100 + 50, 20, extras)).toBe(7);
    expect(indexAt(9 * R + 140 + 1, 20, extras)).toBe(9);
    expect(totalHeight(20, extras)).toBe(20 * R + 140);
  });

  it('places the rows of a block that meet the view, with their tops', () => {
    const extras: Extras = [[5, 60]];
    const rows = placeRows(0, 64, 4 * R, 8 * R + 60, extras);
    expect(rows.map((r) => r.index)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(rows.find((r) => r.index === 6)!.top).toBe(6 * R + 60);
    expect(placeRows(64, 128, 0, 10 * R, [])).toEqual([]);
  });
});
