/** Timer functions as an injected dependency, so tests can drive time. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Opaque handle returned by Timers.setTimeout. */
export type TimerHandle = object;
