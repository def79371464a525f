// A version counter bumped at most once per animation frame: high-rate sinks
// call `bump()` for every change, React views subscribe with
// `useFrameVersion(v)` and re-render once per frame however many events came.
import { useSyncExternalStore } from 'react';

export class FrameVersion {
  private value = 0;
  private scheduled = false;
  private readonly listeners = new Set<() => void>();

  bump = (): void => {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.value++;
      for (const l of this.listeners) l();
    };
    // A hidden tab gets no animation frames: a timer keeps buffers' consumers current anyway.
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') setTimeout(run, 250);
    else requestAnimationFrame(run);
  };

  get current(): number {
    return this.value;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

export function useFrameVersion(v: FrameVersion): number {
  return useSyncExternalStore(v.subscribe, () => v.current);
}
