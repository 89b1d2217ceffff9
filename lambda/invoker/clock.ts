/** Time and chance as the invoker sees them: real in Lambda, injected in tests. */
export interface InvokerClock {
  /** Monotonic milliseconds. */
  readonly now: () => number;
  /** Wall-clock epoch milliseconds (for HTTP-date Retry-After). */
  readonly epochNow: () => number;
  /** A number in [0, 1), for backoff jitter. */
  readonly random: () => number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}
