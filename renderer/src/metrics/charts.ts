// The Metrics panel's charts: what each draws, in which colour (the tokens'
// meaning: errors red, cold starts blue, warm orange), and its columns.
import type uPlot from 'uplot';
import type { Tokens } from '../theme/tokens.js';
import type { ChartSpec } from './Chart.js';
import { duration, usd, type ChartColumns } from './data.js';

const count = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
const mbText = (v: number) => `${Math.round(v)} MB`;

/** A cause's colour: the cold-start colour for the common one, others told apart calmly. */
const CAUSE_COLOR: Record<string, (t: Tokens) => string> = {
  'first-invoke': (t) => t.cold,
  'scale-out': (t) => t.frozen,
  'after-code-change': (t) => t.warm,
  forced: (t) => t.error,
  'forced-cold': (t) => t.syntaxKeyword,
  prewarm: (t) => t.ok,
};
const OTHER_CAUSES: ((t: Tokens) => string)[] = [(t) => t.accent, (t) => t.warn, (t) => t.fgMuted, (t) => t.syntaxType];

export interface ChartModel {
  spec: ChartSpec;
  data: uPlot.AlignedData;
  attrs: Record<string, string | number>;
}

const sum = (col: (number | null)[]) => col.reduce<number>((s, v) => s + (v ?? 0), 0);
const max = (col: (number | null)[]) => col.reduce<number>((m, v) => (v !== null && v > m ? v : m), 0);

export function chartModels(c: ChartColumns, memorySizeMb: number | undefined): ChartModel[] {
  const x = c.x;
  let other = 0;
  const causeColor = c.causes.map((cause) => CAUSE_COLOR[cause] ?? OTHER_CAUSES[other++ % OTHER_CAUSES.length]!);
  // Stacked bars: the top edge of the stack is drawn first, each cause below it over it.
  const stackOrder = c.causes.map((_, i) => i).reverse();
  const memLimit = memorySizeMb ? x.map(() => memorySizeMb) : [];

  return [
    {
      spec: {
        id: 'invocations',
        title: 'Invocations · errors · throttles',
        format: count,
        integer: true,
        series: [
          { label: 'invocations', color: (t) => t.accent, kind: 'bars' },
          { label: 'errors', color: (t) => t.error, width: 1.5 },
          { label: 'throttles', color: (t) => t.warn, dash: [4, 3] },
        ],
      },
      data: [x, c.invocations, c.errors, c.throttles],
      attrs: { total: sum(c.invocations), errors: sum(c.errors), throttles: sum(c.throttles) },
    },
    {
      spec: {
        id: 'duration',
        title: 'Duration p50 · p90 · p99 (warm p50 dashed)',
        format: (v) => duration(v),
        series: [
          { label: 'p50', color: (t) => t.accent, width: 1.75 },
          { label: 'p90', color: (t) => t.frozen },
          { label: 'p99', color: (t) => t.error, width: 1.25 },
          { label: 'warm p50', color: (t) => t.warm, dash: [5, 4] },
        ],
      },
      data: [x, c.p50, c.p90, c.p99, c.warmP50],
      attrs: { max: max(c.p99) },
    },
    {
      spec: {
        id: 'cold',
        title: 'Cold-start rate by cause',
        format: (v) => `${Math.round(v)}%`,
        yRange: [0, 100],
        series: stackOrder.map((i) => ({
          label: c.causes[i]!.replace(/-/g, ' '),
          color: causeColor[i]!,
          kind: 'bars' as const,
          // The legend says the cause's own rate, not the stack's top edge.
          value: (_v: number | null, idx: number | null) => {
            const own = idx === null ? null : c.coldRate[i]![idx];
            return own === null || own === undefined ? '—' : `${own}%`;
          },
        })),
      },
      data: [x, ...stackOrder.map((i) => c.coldStacked[i]!)],
      attrs: { causes: c.causes.join(',') },
    },
    {
      spec: { id: 'concurrency', title: 'Concurrent envs', format: count, integer: true, series: [{ label: 'envs', color: (t) => t.fg, kind: 'step', fill: true }] },
      data: [x, c.concurrentEnvs],
      attrs: { max: max(c.concurrentEnvs) },
    },
    {
      spec: {
        id: 'memory',
        title: memorySizeMb ? `Max memory of ${memorySizeMb} MB` : 'Max memory',
        format: mbText,
        series: [
          { label: 'max used', color: (t) => t.accent, fill: true },
          ...(memorySizeMb ? [{ label: 'memory size', color: (t: Tokens) => t.error, dash: [3, 3], width: 1 }] : []),
        ],
      },
      data: memorySizeMb ? [x, c.maxMemory, memLimit] : [x, c.maxMemory],
      attrs: { max: max(c.maxMemory), limit: memorySizeMb ?? '' },
    },
    {
      spec: { id: 'billed', title: 'Billed duration', format: (v) => duration(v), series: [{ label: 'billed', color: (t) => t.accent, kind: 'bars' }] },
      data: [x, c.billedMs],
      attrs: { total: sum(c.billedMs) },
    },
    {
      spec: { id: 'cost', title: 'Estimated cost (cumulative)', format: usd, series: [{ label: 'cost', color: (t) => t.ok, fill: true }] },
      data: [x, c.costCumulative],
      attrs: { total: c.costCumulative.length ? (c.costCumulative[c.costCumulative.length - 1] ?? 0) : 0 },
    },
  ];
}
