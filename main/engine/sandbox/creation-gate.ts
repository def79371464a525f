// Creating a sandbox (scratch disk, container create and start, the init's
// hello) costs about a third of a second of the machine's CPU. A burst of
// hundreds of cold invokes used to start hundreds of creations at once: on two
// cores they all crawled (0.9 envs/s, first env after ~4 s) and ate the CPU the
// created envs needed for INIT. The gate lets a few creations run at a time,
// sized from the cores; the rest wait their turn, on-demand ones before the
// reserve's refills, and one whose caller no longer wants it is skipped.
import { availableParallelism } from 'node:os';

/** Creations at once: the cores (a creation is mostly dockerd's and runc's CPU), at least 2. LWB_CREATION_CONCURRENCY overrides. */
export function creationCapacity(): number {
  const forced = Number(process.env.LWB_CREATION_CONCURRENCY);
  return Number.isInteger(forced) && forced > 0 ? forced : Math.max(2, availableParallelism());
}

interface Turn {
  start: () => void;
}

export class CreationGate {
  private active = 0;
  private readonly urgent: Turn[] = [];
  private readonly background: Turn[] = [];

  constructor(readonly capacity = creationCapacity()) {}

  /** Creations waiting for a turn. */
  get waiting(): number {
    return this.urgent.length + this.background.length;
  }

  /** Every slot is taken: a new creation would wait. */
  get saturated(): boolean {
    return this.active >= this.capacity;
  }

  /**
   * Runs `create` in its turn. `wanted` is asked when the turn comes: false skips the creation
   * (its caller was served otherwise, or went away) and resolves null, creating nothing.
   */
  run<T>(create: () => Promise<T>, opts: { background?: boolean; wanted?: () => boolean } = {}): Promise<T | null> {
    return new Promise<T | null>((resolve, reject) => {
      const start = () => {
        if (opts.wanted && !opts.wanted()) return resolve(null); // the slot stays free for the next turn
        this.active++;
        create()
          .then(resolve, reject)
          .finally(() => {
            this.active--;
            this.next();
          });
      };
      if (this.active < this.capacity && this.waiting === 0) start();
      else (opts.background ? this.background : this.urgent).push({ start });
    });
  }

  private next(): void {
    while (this.active < this.capacity) {
      const turn = this.urgent.shift() ?? this.background.shift();
      if (!turn) return;
      turn.start();
    }
  }
}
