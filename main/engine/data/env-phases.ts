// The phases of one execution environment and every legal move between them, in one table.
// Modelled on the Runtime Interface Emulator's core/states.go: each phase allows a few events and
// refuses every other one. Timers are events too, so a timer can only ever cause a move the table
// allows: one whose event is not legal in the phase the env has reached is disarmed, and one that
// fires anyway (or is armed out of place) is refused with its reason. No phase can re-arm itself.
import type { EnvCause, EnvState } from '../telemetry/events.js';

export type EnvPhase =
  | 'new'
  | 'provisioning'
  | 'init'
  | 'initKill'
  | 'initRetry'
  | 'invoking'
  | 'reporting'
  | 'idle'
  | 'frozen'
  | 'freezeFailed'
  | 'thawing'
  | 'resetting'
  | 'awaitingReset'
  | 'shuttingDown'
  | 'gone';

export type EnvEvent =
  /** Provisioned concurrency: INIT without an invocation. */
  | 'provision'
  /** An invocation starts the runtime (first start, or after it exited or was reset). */
  | 'coldStart'
  /**
   * The runtime died after its last response and before taking the event just sent: INIT again
   * for the same invocation (the env allows this once per invocation, so it cannot loop).
   */
  | 'restart'
  /** An invocation goes to the warm runtime. */
  | 'dispatch'
  /** An invocation takes a frozen or resetting env and waits for it (thaw, or the reset's EXIT). */
  | 'claim'
  /** Frames from the init. */
  | 'initDone'
  | 'initError'
  | 'response'
  /** The MEMORY frame that completes a response's REPORT. */
  | 'reported'
  /** The runtime process exited (EXIT frame), killed on purpose or not. */
  | 'exited'
  /** The sandbox could not be frozen. */
  | 'freezeError'
  /** Timers (see TIMERS). */
  | 'initTimeout'
  | 'invokeTimeout'
  | 'killTimeout'
  | 'freezeDue'
  | 'keepaliveExpired'
  /** The host retires the env; the sandbox is removed; the channel closed under it. */
  | 'shutdown'
  | 'destroyed'
  | 'lost';

interface PhaseSpec {
  /** What /_workbench/environments and the env.state events show. */
  state: EnvState;
  /** An invocation holds the env in this phase: the pool may not hand it another. */
  busy: boolean;
  on: Partial<Record<EnvEvent, EnvPhase>>;
}

/** Leaving a live phase: a host decision, or the sandbox vanishing under it. */
const ENDS = { shutdown: 'shuttingDown', lost: 'gone' } as const;

/** THE table: every phase, what it shows, and every move it allows (from → event → to). */
export const PHASES: { readonly [P in EnvPhase]: Readonly<PhaseSpec> } = {
  new: { state: 'starting', busy: false, on: { provision: 'provisioning', coldStart: 'init', keepaliveExpired: 'shuttingDown', ...ENDS } },
  // Provisioned INIT: success makes a warm idle env; any failure ends it (it never takes invocations).
  provisioning: {
    state: 'initializing',
    busy: false,
    on: { initDone: 'idle', initError: 'shuttingDown', initTimeout: 'shuttingDown', exited: 'shuttingDown', ...ENDS },
  },
  // INIT for an invocation, within Lambda's 10 s INIT limit. Running into it is retried once
  // (Lambda's suppressed init): the runtime is killed first (initKill), then started again (initRetry).
  init: {
    state: 'initializing',
    busy: true,
    on: { initDone: 'invoking', initError: 'resetting', initTimeout: 'initKill', exited: 'idle', ...ENDS },
  },
  initKill: { state: 'initializing', busy: true, on: { exited: 'initRetry', killTimeout: 'shuttingDown', ...ENDS } },
  // The retry runs within the function's timeout; its timeout fails the invocation and resets the
  // runtime. There is no way back to initKill from here: a retry is never retried.
  initRetry: {
    state: 'initializing',
    busy: true,
    on: { initDone: 'invoking', initError: 'resetting', initTimeout: 'resetting', exited: 'idle', ...ENDS },
  },
  // invoking → init (restart): the runtime had died after its last response and before taking
  // this event; it is started again for it. A previous response's MEMORY may still arrive here.
  invoking: {
    state: 'invoking',
    busy: true,
    on: { response: 'reporting', invokeTimeout: 'resetting', exited: 'idle', restart: 'init', reported: 'invoking', ...ENDS },
  },
  // The response went out; its REPORT waits for the MEMORY frame. The env takes invocations but is
  // not frozen before the frame is in (the init must run to send it).
  reporting: {
    state: 'idle',
    busy: false,
    on: { reported: 'idle', dispatch: 'invoking', coldStart: 'init', exited: 'reporting', keepaliveExpired: 'shuttingDown', ...ENDS },
  },
  idle: {
    state: 'idle',
    busy: false,
    on: { dispatch: 'invoking', coldStart: 'init', freezeDue: 'frozen', exited: 'idle', keepaliveExpired: 'shuttingDown', ...ENDS },
  },
  frozen: { state: 'frozen', busy: false, on: { claim: 'thawing', freezeError: 'freezeFailed', keepaliveExpired: 'shuttingDown', ...ENDS } },
  // The freeze failed: usable, shown idle, and not frozen again until it has run an invocation
  // (retrying at once would fail the same way, over and over).
  freezeFailed: {
    state: 'idle',
    busy: false,
    on: { dispatch: 'invoking', coldStart: 'init', exited: 'freezeFailed', keepaliveExpired: 'shuttingDown', ...ENDS },
  },
  // An invocation took the frozen env and waits for the thaw (shown frozen until it runs).
  thawing: { state: 'frozen', busy: true, on: { dispatch: 'invoking', coldStart: 'init', freezeError: 'thawing', ...ENDS } },
  // After a failure the runtime is being killed (KILL sent, EXIT awaited); /tmp stays.
  resetting: {
    state: 'idle',
    busy: false,
    on: { exited: 'idle', claim: 'awaitingReset', reported: 'resetting', killTimeout: 'shuttingDown', keepaliveExpired: 'shuttingDown', ...ENDS },
  },
  // An invocation took the resetting env: the reset's EXIT starts the runtime for it.
  awaitingReset: { state: 'idle', busy: true, on: { exited: 'init', reported: 'awaitingReset', killTimeout: 'shuttingDown', ...ENDS } },
  shuttingDown: { state: 'shuttingDown', busy: false, on: { destroyed: 'gone', lost: 'gone', exited: 'shuttingDown', reported: 'shuttingDown' } },
  gone: { state: 'gone', busy: false, on: {} },
};

/** Each timer fires exactly one event; what it does is whatever the table allows for that event. */
export const TIMERS = {
  /** INIT's limit: 10 s, or what is left of the invocation's timeout for the retry. */
  initDeadline: 'initTimeout',
  /** The invocation's timeout. */
  invokeDeadline: 'invokeTimeout',
  /** A KILL that is never confirmed by an EXIT: the env is given up. */
  killDeadline: 'killTimeout',
  /** Idle this long: freeze. */
  freezeAfter: 'freezeDue',
  /** Idle this long: reclaim (on-demand envs only). */
  keepalive: 'keepaliveExpired',
} as const satisfies Record<string, EnvEvent>;

export type TimerKind = keyof typeof TIMERS;

/** Idle timers do not keep the process alive; deadlines of work in progress do. */
const UNREF: ReadonlySet<TimerKind> = new Set(['freezeAfter', 'keepalive']);

const TIMER_KINDS = Object.keys(TIMERS) as TimerKind[];

/** Per phase, whether any timer event is legal there: where none is, every timer is cleared for good. */
const TIMED = Object.fromEntries(
  (Object.keys(PHASES) as EnvPhase[]).map((p) => [p, TIMER_KINDS.some((k) => PHASES[p].on[TIMERS[k]] !== undefined)]),
) as Record<EnvPhase, boolean>;

/** A move the table does not allow. Seeing it thrown means the env's code asked for it: a workbench bug. */
export class IllegalTransition extends Error {
  readonly code = 'EnvIllegalTransition';
  constructor(
    readonly envId: string,
    readonly from: EnvPhase,
    readonly event: EnvEvent,
  ) {
    const allowed = Object.keys(PHASES[from].on).join(', ') || 'nothing';
    super(
      `env ${envId}: '${event}' is not allowed in phase '${from}' (allowed: ${allowed}). ` +
        `This is a workbench bug: report it with the env's phase history (PhaseMachine.history()).`,
    );
  }
}

export interface Move {
  at: number;
  from: EnvPhase;
  event: EnvEvent;
  /** null: refused (the event was not legal in `from`). */
  to: EnvPhase | null;
  cause?: EnvCause;
  /** Why it was refused, or what offered it. */
  note?: string;
}

/**
 * One kind of timer. Disarming deactivates it (a firing then does nothing) and, for a deadline,
 * clears it; an idle timer's Node Timeout is kept so that arming it again with the same duration
 * is a refresh(), not a new timer per invocation.
 */
interface Slot {
  t: NodeJS.Timeout | null;
  ms: number;
  active: boolean;
  onFire: () => void;
}

const HISTORY = 32;

export class PhaseMachine {
  private current: EnvPhase;
  private readonly slots: Partial<Record<TimerKind, Slot>> = {};
  /** Ring of the last HISTORY moves; `next` is where the next one goes. */
  private readonly moves: Move[] = [];
  private next_ = 0;
  private readonly listeners: ((m: Move) => void)[] = [];

  constructor(
    readonly envId: string,
    initial: EnvPhase = 'new',
    /** Told why an event or a timer was refused (debugging; never on a hot path). */
    private readonly debug?: (message: string) => void,
  ) {
    this.current = initial;
  }

  get phase(): EnvPhase {
    return this.current;
  }

  get state(): EnvState {
    return PHASES[this.current].state;
  }

  get busy(): boolean {
    return PHASES[this.current].busy;
  }

  can(event: EnvEvent): boolean {
    return PHASES[this.current].on[event] !== undefined;
  }

  /** Where `event` would lead from the current phase, or undefined when it is not allowed. */
  next(event: EnvEvent): EnvPhase | undefined {
    return PHASES[this.current].on[event];
  }

  illegal(event: EnvEvent): IllegalTransition {
    return new IllegalTransition(this.envId, this.current, event);
  }

  /** Makes a move the env's own code decided on; throws IllegalTransition if the table forbids it. */
  move(event: EnvEvent, cause?: EnvCause): EnvPhase {
    const from = this.current;
    const to = PHASES[from].on[event];
    if (to === undefined) {
      this.refuse(event, 'move');
      throw this.illegal(event);
    }
    this.current = to;
    const m: Move = { at: Date.now(), from, event, to, cause };
    this.remember(m);
    if (to !== from) this.disarmIllegal();
    for (const l of this.listeners) l(m);
    return to;
  }

  /**
   * For events that arrive from outside (frames, I/O results): true when the event is legal now
   * (the caller then acts and moves); false, with the reason recorded and told, when it is not,
   * and the caller ignores it.
   */
  offer(event: EnvEvent, what: string): boolean {
    if (this.can(event)) return true;
    this.refuse(event, what);
    return false;
  }

  /**
   * Arms a timer (replacing one of the same kind). When it fires, `onFire` runs only if the timer
   * is still armed and its event is legal; `onFire` makes the move. Refused (false) if the event
   * is not legal now: such a timer could never have an effect.
   */
  arm(kind: TimerKind, ms: number, onFire: () => void): boolean {
    const event = TIMERS[kind];
    if (!this.can(event)) {
      this.disarm(kind);
      this.refuse(event, `arming ${kind}`);
      return false;
    }
    ms = Math.max(1, ms);
    let slot = this.slots[kind];
    if (slot?.t && slot.ms === ms) {
      slot.t.refresh(); // same duration: the kept Timeout starts over (no new timer)
      if (!UNREF.has(kind)) slot.t.ref();
    } else {
      if (slot?.t) clearTimeout(slot.t);
      slot ??= this.slots[kind] = { t: null, ms, active: false, onFire };
      const s = slot;
      s.ms = ms;
      s.t = setTimeout(() => this.fire(kind, s), ms);
      if (UNREF.has(kind)) s.t.unref();
    }
    slot.active = true;
    slot.onFire = onFire;
    return true;
  }

  disarm(kind: TimerKind): void {
    const slot = this.slots[kind];
    if (!slot?.active) return;
    slot.active = false;
    // A dormant deadline must not keep the process alive; an idle timer never does.
    if (!UNREF.has(kind)) slot.t?.unref();
  }

  armed(kind: TimerKind): boolean {
    return this.slots[kind]?.active === true;
  }

  /** The last moves, refused ones included (to: null), oldest first. */
  history(): Move[] {
    return this.moves.length < HISTORY ? [...this.moves] : [...this.moves.slice(this.next_), ...this.moves.slice(0, this.next_)];
  }

  onMove(listener: (m: Move) => void): void {
    this.listeners.push(listener);
  }

  private fire(kind: TimerKind, slot: Slot): void {
    if (!slot.active) return; // disarmed since: it does nothing
    slot.active = false;
    if (this.offer(TIMERS[kind], `timer ${kind}`)) slot.onFire();
  }

  /** A timer whose event the new phase does not allow can never act: it is disarmed now. */
  private disarmIllegal(): void {
    if (!TIMED[this.current]) return this.clearAll();
    for (const kind of TIMER_KINDS) if (this.slots[kind]?.active && !this.can(TIMERS[kind])) this.disarm(kind);
  }

  /** Shutting down or gone: no timer can act again, and none is kept. */
  private clearAll(): void {
    for (const kind of TIMER_KINDS) {
      const slot = this.slots[kind];
      if (!slot) continue;
      slot.active = false;
      if (slot.t) clearTimeout(slot.t);
      slot.t = null;
    }
  }

  private refuse(event: EnvEvent, what: string): void {
    const note = `${what}: '${event}' is not allowed in phase '${this.current}'; ignored`;
    this.remember({ at: Date.now(), from: this.current, event, to: null, note });
    this.debug?.(`env ${this.envId}: ${note}`);
  }

  private remember(m: Move): void {
    if (this.moves.length < HISTORY) this.moves.push(m);
    else this.moves[this.next_] = m;
    this.next_ = (this.next_ + 1) % HISTORY;
  }
}

let phaseDebug: ((message: string) => void) | undefined;

/** Where refused events and timers of every env are told (tests, `LWB_DEBUG_PHASES`). */
export function setPhaseDebug(fn: ((message: string) => void) | undefined): void {
  phaseDebug = fn;
}

if (process.env.LWB_DEBUG_PHASES) setPhaseDebug((m) => process.stderr.write(`[phases] ${m}\n`));

/** The debug hook of a new machine: whatever setPhaseDebug installed when it is told. */
export const debugHook = (message: string): void => phaseDebug?.(message);
