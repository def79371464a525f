// Zoomed out, most of what a lane shows is pixel columns: invocations merged
// because they are narrower than a pixel. Thousands of 1-px fillRects cost a
// software-rastered canvas tens of milliseconds; instead every visible lane's
// columns are written into one row of an ImageData (a Uint32 store per pixel),
// put once on a small offscreen canvas, and drawn with one drawImage per lane,
// stretched to the bar's height. Same colours, same columns, a fraction of
// the cost.

/** rgba(…) or #rrggbb → the 32-bit pixel ImageData stores (little-endian: ABGR). */
export function packColor(css: string): number {
  let r = 0, g = 0, b = 0, a = 1;
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(css);
  const fn = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/i.exec(css);
  if (hex) [r, g, b] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16), parseInt(hex[3]!, 16)];
  else if (fn) [r, g, b, a] = [Number(fn[1]), Number(fn[2]), Number(fn[3]), fn[4] === undefined ? 1 : Number(fn[4])];
  return ((Math.round(a * 255) << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

type StripCanvas = { width: number; height: number; getContext(id: '2d'): CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null };

export class ColumnStrip {
  private readonly sctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  private image: ImageData | undefined;
  private px = new Uint32Array(0);
  private width = 0;
  private rows = 0;
  private used = new Uint8Array(0);
  /** Columns written this frame (for the frame's stats). */
  columns = 0;

  constructor(private readonly canvas: StripCanvas) {
    this.sctx = canvas.getContext('2d');
  }

  /** A new frame: `width` columns, up to `rows` lanes, all transparent. */
  begin(width: number, rows: number): void {
    const w = Math.max(1, Math.ceil(width));
    const h = Math.max(1, rows);
    if (!this.image || w !== this.width || h > this.rows) {
      this.width = w;
      this.rows = Math.max(h, this.rows);
      this.canvas.width = w;
      this.canvas.height = this.rows;
      this.image = this.sctx?.createImageData(w, this.rows);
      this.px = this.image ? new Uint32Array(this.image.data.buffer) : new Uint32Array(w * this.rows);
      this.used = new Uint8Array(this.rows);
    } else {
      this.px.fill(0);
      this.used.fill(0);
    }
    this.columns = 0;
  }

  /** Colours column `col` of lane row `row`; `over`: replaces what is there (errors over busy columns). */
  set(row: number, col: number, color: number, over: boolean): void {
    if (col < 0 || col >= this.width || row < 0 || row >= this.rows) return;
    const i = row * this.width + col;
    if (!over && this.px[i] !== 0) return;
    if (this.px[i] === 0) this.columns++;
    this.px[i] = color;
    this.used[row] = 1;
  }

  /** Draws each used row at its lane's bar: `ys[row]` is the bar's top, `h` its height (CSS px). */
  blit(ctx: CanvasRenderingContext2D, ys: readonly number[], h: number): void {
    if (!this.image || !this.sctx || this.columns === 0) return;
    this.sctx.putImageData(this.image, 0, 0);
    const smoothing = ctx.imageSmoothingEnabled;
    ctx.imageSmoothingEnabled = false; // columns stay crisp pixels, stretched only vertically
    for (let row = 0; row < ys.length && row < this.rows; row++) {
      if (this.used[row]) ctx.drawImage(this.canvas as CanvasImageSource, 0, row, this.width, 1, 0, ys[row]!, this.width, h);
    }
    ctx.imageSmoothingEnabled = smoothing;
  }
}
