// One uPlot chart that follows the window: colours from the theme tokens (a
// theme change rebuilds it: uPlot reads styles once), its width from its box
// (a ResizeObserver: the dock and the panes resize it), its cursor synced with
// the other metrics charts, and a dashed mark at the focused invocation's time.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useUi } from '../stores/ui.js';
import { tokens, type Tokens } from '../theme/tokens.js';
import { niceMax } from './data.js';

export const SYNC_KEY = 'lwb-metrics';

export interface SeriesSpec {
  label: string;
  color(t: Tokens): string;
  kind?: 'line' | 'bars' | 'step';
  dash?: number[];
  /** Fill under a line (a soft tint of its colour). */
  fill?: boolean;
  width?: number;
  /** The legend's value at the cursor (defaults to the chart's format). */
  value?(v: number | null, idx: number | null): string;
}

export interface ChartSpec {
  id: string;
  title: string;
  series: SeriesSpec[];
  format(v: number): string;
  /** Fixed y range (rates: 0..100). */
  yRange?: [number, number];
  /** Counts: ticks on whole numbers only. */
  integer?: boolean;
}

const HEIGHT = 128;

/** Whole-number tick steps for counts (no "0.5 invocations"). */
const INTEGER_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 1_000_000];

const pad = (n: number) => String(n).padStart(2, '0');
/** Time ticks on one line: seconds when ticks are seconds apart, the date when days apart. */
function timeLabels(splits: number[], incr: number): string[] {
  return splits.map((s) => {
    const d = new Date(s * 1000);
    if (incr >= 86_400) return `${d.getMonth() + 1}/${d.getDate()}`;
    const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    return incr < 60 ? `${hm}:${pad(d.getSeconds())}` : hm;
  });
}

const bars = uPlot.paths.bars!({ size: [0.7, 24], gap: 1 });
const stepped = uPlot.paths.stepped!({ align: 1 });

/**
 * `live` is read at call time by the formatters: the chart outlives one render's spec (its closures
 * carry the columns the legend's values come from); the series' shape is fixed for its life.
 */
function options(spec: ChartSpec, live: { current: ChartSpec }, t: Tokens, width: number, marker: { current: number | undefined }): uPlot.Options {
  const font = '11px system-ui, sans-serif';
  const axis: uPlot.Axis = { stroke: t.fgMuted, font, grid: { stroke: t.border, width: 1 }, ticks: { stroke: t.border, width: 1, size: 4 } };
  return {
    width,
    height: HEIGHT,
    pxAlign: true,
    legend: { show: true, live: true },
    cursor: {
      sync: { key: SYNC_KEY, setSeries: false },
      drag: { x: false, y: false, setScale: false },
      points: { size: 5 },
    },
    scales: { y: spec.yRange ? { range: spec.yRange } : { range: (_u, _min, max) => [0, niceMax(max * 1.05)] } },
    axes: [
      { ...axis, space: 46, values: (_u, splits, _i, _space, incr) => timeLabels(splits, incr) },
      {
        ...axis,
        // A bare 0 at the origin: "0.00 ms" or "$0" there says nothing the other ticks do not.
        values: (_u, ticks) => ticks.map((v) => (v === 0 ? '0' : live.current.format(v))),
        ...(spec.integer ? { incrs: INTEGER_INCRS } : {}),
        // As wide as its longest label ("16.4 ms", "$0.0000012"): a fixed width cut them.
        size: (_u, values) => Math.max(32, Math.ceil(Math.max(0, ...(values ?? []).map((v) => String(v).length)) * 6.4) + 14),
      },
    ],
    series: [
      { label: 'time' },
      ...spec.series.map((s, i): uPlot.Series => {
        const color = s.color(t);
        return {
          label: s.label,
          stroke: color,
          width: s.width ?? (s.kind === 'bars' ? 0 : 1.5),
          dash: s.dash,
          // Tokens are #rrggbb: a 2-digit alpha makes the soft tint under a line.
          fill: s.kind === 'bars' ? color : s.fill ? `${color}22` : undefined,
          paths: s.kind === 'bars' ? bars : s.kind === 'step' ? stepped : undefined,
          points: { show: false },
          spanGaps: s.kind !== 'bars',
          value: (_u, v, _si, idx) => {
            const now = live.current.series[i] ?? s;
            return now.value ? now.value(v, idx) : v === null || v === undefined ? '—' : live.current.format(v);
          },
          scale: 'y',
        };
      }),
    ],
    hooks: {
      draw: [
        (u) => {
          const at = marker.current;
          if (at === undefined) return;
          const x = u.valToPos(at / 1000, 'x', true);
          const { left, top, width: w, height: h } = u.bbox;
          if (!Number.isFinite(x) || x < left || x > left + w) return;
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = t.accent;
          ctx.lineWidth = Math.max(1, devicePixelRatio);
          ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
          ctx.beginPath();
          ctx.moveTo(Math.round(x) + 0.5, top);
          ctx.lineTo(Math.round(x) + 0.5, top + h);
          ctx.stroke();
          ctx.restore();
        },
      ],
    },
  };
}

export function Chart({ spec, data, marker, attrs }: { spec: ChartSpec; data: uPlot.AlignedData; marker?: number; attrs?: Record<string, string | number> }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const markerRef = useRef<number | undefined>(marker);
  const dataRef = useRef(data);
  dataRef.current = data;
  const specRef = useRef(spec);
  specRef.current = spec;
  const theme = useUi((s) => s.resolvedTheme);
  // Series with other labels (a new cold-start cause) need a new chart: uPlot's series are fixed at creation.
  const shape = `${spec.id}|${spec.series.map((s) => s.label).join('|')}`;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(120, el.clientWidth);
    const u = new uPlot(options(spec, specRef, tokens[theme], width, markerRef), dataRef.current, el);
    plot.current = u;
    let last = width;
    const ro = new ResizeObserver(() => {
      const w = Math.max(120, el.clientWidth);
      if (w !== last) {
        last = w;
        u.setSize({ width: w, height: HEIGHT });
      }
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = undefined;
    };
    // spec's functions are recreated per render; `shape` says when the series really changed.
  }, [theme, shape]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  useEffect(() => {
    markerRef.current = marker;
    plot.current?.redraw(false, false);
  }, [marker]);

  return (
    <figure className="mx-chart" data-testid={`metrics-chart-${spec.id}`} {...Object.fromEntries(Object.entries(attrs ?? {}).map(([k, v]) => [`data-${k}`, String(v)]))}>
      <figcaption className="mx-chart-title">{spec.title}</figcaption>
      <div className="mx-chart-plot" ref={box} />
    </figure>
  );
}
