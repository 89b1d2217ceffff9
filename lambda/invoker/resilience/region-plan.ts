/** How many times the invoker walks the region plan for one request (first pass, then one more after backoff). */
export const MAX_PLAN_PASSES = 2;

/**
 * The regions to try in one pass: in plan order those the `mayCall` predicate allows (it refuses an open
 * circuit or a throttle back-off), then, one at a time, the regions `thenSkipped` names until it names
 * none (the skipped ones, soonest to reopen first). Both are consulted lazily, region by region, because
 * acquiring a half-open probe has a side effect: only ask for a region when you are about to call it,
 * and the walk stops asking once a region has served.
 */
export function* regionsForPass(regionPlan: readonly string[], mayCall: (region: string) => boolean,
  thenSkipped: () => string | undefined = () => undefined): Generator<string> {
  for (const region of regionPlan) {
    if (mayCall(region)) {
      yield region;
    }
  }
  for (let region = thenSkipped(); region !== undefined; region = thenSkipped()) {
    yield region;
  }
}

/** Inputs of {@link backoffBeforeNextPassMs}. */
export interface BackoffInput {
  /** 1 for the wait before the second pass, 2 before a third, ... */
  readonly pass: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Retry-After hints (ms) the failed attempts carried; empty when none did. */
  readonly retryAfterMs: readonly number[];
  /** Uniform random number in [0, 1); injectable for tests. */
  readonly random: number;
}

/**
 * How long to wait before walking the plan again. When a region said when to come back (Retry-After),
 * the earliest such time is honoured, capped at `backoffMaxMs`; otherwise "full jitter" exponential
 * backoff: uniform in [0, min(max, base * 2^(pass-1))], floored at half the base so the wait is never zero.
 */
export function backoffBeforeNextPassMs(input: BackoffInput): number {
  if (input.retryAfterMs.length > 0) {
    return Math.min(Math.min(...input.retryAfterMs), input.backoffMaxMs);
  }
  const ceiling = Math.min(input.backoffMaxMs, input.backoffBaseMs * 2 ** Math.max(0, input.pass - 1));
  return Math.max(Math.floor(input.backoffBaseMs / 2), Math.floor(input.random * ceiling));
}

/** Parses an HTTP `Retry-After` header (delta-seconds or HTTP-date) into milliseconds; undefined if absent or unusable. */
export function parseRetryAfterMs(value: string | undefined, nowEpochMs: number): number | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.round(Number(trimmed) * 1000);
  }
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) {
    return undefined;
  }
  return Math.max(0, date - nowEpochMs);
}
