// Started, not-yet-assigned sandboxes, kept ready per shape so that a cold
// start pays for placing code and starting the runtime, not for creating and
// starting a container (about 360 ms on a 2-core machine). Lambda does the
// same with its pool of pre-booted microVMs.
//
// A desktop app should not keep containers for shapes nobody uses any more:
// a shape whose sandboxes have not been taken (or prepared) for `idleMs` —
// the envs' keepalive — loses its ready sandboxes until it is used again.
import { CreationGate } from './creation-gate.js';
import { DockerSandbox, shapeKey, type SandboxContext, type SandboxShape } from './docker-sandbox.js';

export interface ReserveOptions {
  /** Ready sandboxes kept per shape once that shape has been used. 0 disables the reserve. */
  perShape: number;
  /** A shape not used for this long loses its ready sandboxes. Default: never. */
  idleMs?: number;
}

export class SandboxReserve {
  private readonly ready = new Map<string, DockerSandbox[]>();
  private readonly filling = new Map<string, number>();
  private readonly shapes = new Map<string, SandboxShape>();
  private readonly lastUsed = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout | undefined;
  private closed = false;
  /** Every container creation, on demand or refill, takes its turn here. */
  readonly gate = new CreationGate();

  constructor(
    private readonly ctx: SandboxContext,
    private readonly opts: ReserveOptions,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    const idleMs = opts.idleMs;
    if (idleMs !== undefined && Number.isFinite(idleMs) && opts.perShape > 0) {
      this.sweeper = setInterval(() => this.trim(idleMs), Math.max(100, Math.min(idleMs / 2, 30_000)));
      this.sweeper.unref();
    }
  }

  /**
   * A ready sandbox of this shape if there is one (no Docker call), else a new one created in its
   * turn at the gate. `wanted` is asked when that turn comes: false creates nothing (null).
   */
  async take(shape: SandboxShape, wanted?: () => boolean): Promise<{ sandbox: DockerSandbox; fromReserve: boolean } | null> {
    const key = shapeKey(shape);
    this.use(key, shape);
    const list = this.ready.get(key);
    const sb = list?.shift();
    this.refill(key);
    if (sb) return { sandbox: sb, fromReserve: true };
    const created = await this.gate.run(() => DockerSandbox.create(this.ctx, shape), { wanted });
    return created ? { sandbox: created, fromReserve: false } : null;
  }

  /** Starts keeping sandboxes of this shape ready, before its first use. */
  prepare(shape: SandboxShape): void {
    const key = shapeKey(shape);
    this.use(key, shape);
    this.refill(key);
  }

  private use(key: string, shape: SandboxShape): void {
    this.shapes.set(key, shape);
    this.lastUsed.set(key, Date.now());
  }

  /** Forgets shapes unused for `idleMs` and removes their ready sandboxes (a shape still being filled waits for the next sweep). */
  private trim(idleMs: number): void {
    const now = Date.now();
    for (const [key, at] of this.lastUsed) {
      if (now - at < idleMs || (this.filling.get(key) ?? 0) > 0) continue;
      const list = this.ready.get(key) ?? [];
      this.ready.delete(key);
      this.shapes.delete(key);
      this.lastUsed.delete(key);
      this.filling.delete(key);
      for (const sb of list) void sb.destroy().catch((err) => this.onError(err));
    }
  }

  /** Resolves once every shape in use has its ready sandboxes (for benchmarks and tests). */
  async settled(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      let pending = 0;
      for (const n of this.filling.values()) pending += n;
      if (pending === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private refill(key: string): void {
    if (this.closed) return;
    const shape = this.shapes.get(key)!;
    const have = (this.ready.get(key)?.length ?? 0) + (this.filling.get(key) ?? 0);
    for (let i = have; i < this.opts.perShape; i++) {
      this.filling.set(key, (this.filling.get(key) ?? 0) + 1);
      this.gate
        .run(() => DockerSandbox.create(this.ctx, shape), { background: true, wanted: () => !this.closed })
        .then(async (sb) => {
          if (!sb) return;
          if (this.closed) return sb.destroy();
          // A sandbox whose init died while waiting is useless: drop it.
          sb.channel.once('close', () => this.drop(key, sb));
          const list = this.ready.get(key) ?? [];
          list.push(sb);
          this.ready.set(key, list);
        })
        .catch((err) => this.onError(err))
        .finally(() => this.filling.set(key, (this.filling.get(key) ?? 1) - 1));
    }
  }

  private drop(key: string, sb: DockerSandbox): void {
    const list = this.ready.get(key);
    const i = list?.indexOf(sb) ?? -1;
    if (list && i >= 0) {
      list.splice(i, 1);
      void sb.destroy();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    await this.settled(10_000);
    const all = [...this.ready.values()].flat();
    this.ready.clear();
    await Promise.all(all.map((sb) => sb.destroy()));
  }
}
