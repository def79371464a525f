// The engine's event log: every environment state change and every phase is
// recorded once, with its cause; logs, timelines and metrics derive from it.
// Kept in memory as a bounded ring; live subscribers get each event as it happens.
import { EventEmitter } from 'node:events';

export type EnvState = 'starting' | 'initializing' | 'idle' | 'invoking' | 'frozen' | 'shuttingDown' | 'gone';

/** Why an environment was created or went away. */
export type EnvCause =
  | 'first-invoke'
  | 'scale-out'
  | 'after-crash'
  | 'after-timeout'
  | 'after-out-of-memory'
  | 'after-code-change'
  | 'after-reclaim'
  | 'forced-cold'
  /** The user killed an env (or all of a function's) from the window: the next invoke is cold. */
  | 'forced'
  /** Started by "pre-warm N": INIT ran before any invocation. */
  | 'prewarm'
  | 'provisioned'
  | 'idle'
  | 'keepalive-expired'
  | 'response'
  | 'invoke'
  | 'reset'
  | 'init-error'
  | 'shutdown'
  | 'sandbox-lost'
  | 'freeze-failed';

export type EngineEvent =
  | {
      kind: 'env.state';
      at: number;
      envId: string;
      functionName: string;
      version: string;
      from: EnvState | null;
      to: EnvState;
      cause: EnvCause;
    }
  | {
      kind: 'phase';
      at: number;
      envId: string;
      functionName: string;
      phase: 'init' | 'invoke' | 'shutdown';
      requestId?: string;
      durationMs: number;
      status: 'success' | 'error' | 'failure' | 'timeout';
      errorType?: string;
    }
  | {
      /** An invocation waited for an env: past the machine's capacity to create envs, a freed warm one served it. */
      kind: 'queued';
      at: number;
      functionName: string;
      requestId: string;
      waitedMs: number;
      reason: 'machine capacity';
    };

const RING = 10_000;

/** A fixed-size ring: recording is O(1) on the invoke path, however long the workbench runs. */
export class EventLog extends EventEmitter {
  private readonly ring: (EngineEvent | undefined)[] = new Array(RING);
  private next = 0;
  private count = 0;

  record(e: EngineEvent): void {
    this.ring[this.next] = e;
    this.next = (this.next + 1) % RING;
    if (this.count < RING) this.count++;
    if (this.listenerCount('event') > 0) this.emit('event', e);
  }

  /** Recorded events, oldest first. */
  recent(filter?: (e: EngineEvent) => boolean): EngineEvent[] {
    const out: EngineEvent[] = [];
    const first = (this.next - this.count + RING) % RING;
    for (let i = 0; i < this.count; i++) {
      const e = this.ring[(first + i) % RING]!;
      if (!filter || filter(e)) out.push(e);
    }
    return out;
  }
}
