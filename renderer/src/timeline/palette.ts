// What the timeline draws with: colours from the one set of theme tokens (the
// same values the DOM's CSS variables carry, for light and dark), and a glyph
// per cold-start cause. Colour means something here as everywhere: cold (INIT),
// warm (invoke), error, frozen; everything else is quiet.
import { tokens, type ThemeName } from '../theme/tokens.js';

export interface Palette {
  theme: ThemeName;
  plot: string;
  band: string; // axis and group rows
  grid: string;
  gridMajor: string;
  laneLine: string;
  life: string; // an env's life, behind its spans
  axisText: string;
  groupText: string;
  now: string;
  init: string;
  initState: string; // an env initializing with no invocation on it (pre-warm, provisioned)
  invoke: string;
  error: string;
  timeoutBase: string;
  post: string;
  idle: string;
  frozen: string;
  acquire: string;
  thaw: string;
  queued: string;
  selectedLane: string;
  hoverLane: string;
  outline: string;
  cold: string;
  font: string;
}

/** #rrggbb + alpha → rgba(): tints of the tokens without new colours. */
export function alpha(hex: string, a: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  return `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${a})`;
}

export function palette(theme: ThemeName, fontFamily = 'system-ui, sans-serif'): Palette {
  const t = tokens[theme];
  const dark = theme === 'dark';
  return {
    theme,
    plot: t.bg,
    band: t.bgPanel,
    grid: alpha(t.fgFaint, dark ? 0.14 : 0.18),
    gridMajor: alpha(t.fgFaint, dark ? 0.3 : 0.38),
    laneLine: alpha(t.fgFaint, dark ? 0.12 : 0.16),
    life: alpha(t.fgFaint, dark ? 0.1 : 0.12),
    axisText: t.fgMuted,
    groupText: t.fgMuted,
    now: t.accent,
    init: t.cold,
    initState: alpha(t.cold, 0.35),
    invoke: t.warm,
    error: t.error,
    timeoutBase: alpha(t.error, 0.18),
    post: alpha(t.warm, 0.45),
    idle: alpha(t.warm, dark ? 0.5 : 0.55),
    frozen: alpha(t.frozen, dark ? 0.38 : 0.4),
    acquire: t.fgFaint,
    thaw: t.frozen,
    queued: t.fgMuted,
    selectedLane: alpha(t.accent, dark ? 0.16 : 0.1),
    hoverLane: alpha(t.fgFaint, 0.08),
    outline: t.focus,
    cold: t.cold,
    font: `11px ${fontFamily}`,
  };
}

export type GlyphShape = 'dot' | 'triangle' | 'diamond' | 'cross' | 'square' | 'ring' | 'hollowDiamond' | 'triangleDown' | 'tick';

export interface CauseGlyph {
  shape: GlyphShape;
  label: string;
  /** After a crash, a timeout or an OOM the mark is drawn in the error colour. */
  tone: 'cold' | 'error';
}

const GLYPHS: Record<string, CauseGlyph> = {
  'first-invoke': { shape: 'dot', label: 'first invoke', tone: 'cold' },
  'scale-out': { shape: 'triangle', label: 'scale-out', tone: 'cold' },
  'after-code-change': { shape: 'diamond', label: 'code changed', tone: 'cold' },
  'after-crash': { shape: 'cross', label: 'after crash', tone: 'error' },
  'after-timeout': { shape: 'cross', label: 'after timeout', tone: 'error' },
  'after-out-of-memory': { shape: 'cross', label: 'after OOM', tone: 'error' },
  'forced-cold': { shape: 'square', label: 'forced', tone: 'cold' },
  forced: { shape: 'square', label: 'forced', tone: 'cold' },
  prewarm: { shape: 'ring', label: 'pre-warm', tone: 'cold' },
  provisioned: { shape: 'hollowDiamond', label: 'provisioned', tone: 'cold' },
  'after-reclaim': { shape: 'triangleDown', label: 'after reclaim', tone: 'cold' },
};

export function causeGlyph(cause: string | undefined): CauseGlyph {
  return (cause && GLYPHS[cause]) || { shape: 'tick', label: cause ? cause.replace(/-/g, ' ') : 'cause unknown', tone: 'cold' };
}

/** Adds a glyph's outline to the current path (centre x, y; radius r). Filled shapes are filled, the rest stroked. */
export function glyphPath(ctx: CanvasPath, shape: GlyphShape, x: number, y: number, r: number): void {
  switch (shape) {
    case 'dot':
    case 'ring':
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, Math.PI * 2);
      break;
    case 'triangle':
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y + r * 0.85);
      ctx.lineTo(x - r, y + r * 0.85);
      ctx.closePath();
      break;
    case 'triangleDown':
      ctx.moveTo(x, y + r);
      ctx.lineTo(x + r, y - r * 0.85);
      ctx.lineTo(x - r, y - r * 0.85);
      ctx.closePath();
      break;
    case 'diamond':
    case 'hollowDiamond':
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y);
      ctx.lineTo(x, y + r);
      ctx.lineTo(x - r, y);
      ctx.closePath();
      break;
    case 'square':
      ctx.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
      break;
    case 'cross':
      ctx.moveTo(x - r, y - r);
      ctx.lineTo(x + r, y + r);
      ctx.moveTo(x + r, y - r);
      ctx.lineTo(x - r, y + r);
      break;
    case 'tick':
      ctx.moveTo(x, y - r);
      ctx.lineTo(x, y + r);
      break;
  }
}

export const isFilled = (s: GlyphShape) => s === 'dot' || s === 'triangle' || s === 'triangleDown' || s === 'diamond' || s === 'square';

/** A small diagonal hatch (timeouts, queued time) in one colour over transparent. */
export function hatch(ctx: CanvasRenderingContext2D, color: string, dpr: number): CanvasPattern | string {
  if (typeof document === 'undefined') return color;
  const size = 6;
  const c = document.createElement('canvas');
  c.width = c.height = Math.round(size * dpr);
  const g = c.getContext('2d');
  if (!g) return color;
  g.scale(dpr, dpr);
  g.strokeStyle = color;
  g.lineWidth = 1.6;
  g.beginPath();
  g.moveTo(-1, size + 1);
  g.lineTo(size + 1, -1);
  g.moveTo(-1, 1);
  g.lineTo(1, -1);
  g.moveTo(size - 1, size + 1);
  g.lineTo(size + 1, size - 1);
  g.stroke();
  const p = ctx.createPattern(c, 'repeat');
  if (!p) return color;
  // The pattern's pixels are device pixels; the context draws in CSS pixels.
  p.setTransform(new DOMMatrix().scale(1 / dpr, 1 / dpr));
  return p;
}
