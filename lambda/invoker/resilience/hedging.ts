import type { AttemptControl } from './attempt-control';
import type { CircuitPermit } from './circuit-breaker';
import type { HedgingConfig } from '../../../lib/shared/invoker-config';
import type { InvokerClock } from '../clock';

/** Recent times to first token kept per region for the adaptive hedge delay. */
const SAMPLES_PER_REGION = 64;

/** Below this many samples the delay is the configured floor (a p95 of a handful of calls means little). */
const MIN_SAMPLES_FOR_P95 = 16;

/**
 * Hedges that may be spent at once after a quiet spell (the bucket's depth): deep enough for a wave of
 * concurrent requests to use its share, shallow enough to keep a burst small.
 */
export const HEDGE_BURST = 20;

/**
 * When to hedge, and whether the budget allows it; one per container.
 *
 * The delay is the fastest region's recent p95 time to first token, never below `minDelayMs`: a hedge
 * starts only for the slowest few percent of a healthy region's calls, and soon for a region that has
 * gone slow. The budget is a token bucket that every request fills by `maxShare` and every hedge empties by
 * one, so hedges never exceed `maxShare` of requests over time (they can cost the tokens twice), with
 * a small burst allowance.
 */
export class HedgePolicy {
  private readonly samples = new Map<string, number[]>();
  /** Each region's p95 time to first token, once it has enough samples (worked out as samples arrive). */
  private readonly p95ByRegion = new Map<string, number>();
  private tokens = HEDGE_BURST;

  public constructor(private readonly config: HedgingConfig) {}

  /**
   * How long to wait for a first token before hedging, in milliseconds: the recent p95 time to first
   * token of the fastest region that has enough samples, never below `minDelayMs`. The fastest region,
   * not the one being waited for: a region that has gone slow must not teach the policy to wait for it.
   */
  public delay(): number {
    let fastestP95 = Number.POSITIVE_INFINITY;
    for (const p95 of this.p95ByRegion.values()) {
      fastestP95 = Math.min(fastestP95, p95);
    }
    return Number.isFinite(fastestP95) ? Math.max(this.config.minDelayMs, fastestP95) : this.config.minDelayMs;
  }

  /** A first token from `region` arrived after `ms`. */
  public recordFirstToken(region: string, ms: number): void {
    let recent = this.samples.get(region);
    if (recent === undefined) {
      recent = [];
      this.samples.set(region, recent);
    }
    recent.push(ms);
    if (recent.length > SAMPLES_PER_REGION) {
      recent.shift();
    }
    if (recent.length >= MIN_SAMPLES_FOR_P95) {
      const sorted = [...recent].sort((a, b) => a - b);
      this.p95ByRegion.set(region, sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]);
    }
  }

  /** A request that may hedge has started: it earns `maxShare` of a hedge. */
  public noteRequest(): void {
    this.tokens = Math.min(HEDGE_BURST, this.tokens + this.config.maxShare);
  }

  /** Takes one hedge from the budget; false when it is spent. */
  public tryTake(): boolean {
    if (this.tokens < 1) {
      return false;
    }
    this.tokens -= 1;
    return true;
  }
}

/** How one attempt ended: its value, or what it threw. */
export type AttemptOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** One attempt in flight against one region. */
export interface InFlight<T> {
  readonly region: string;
  readonly permit: CircuitPermit;
  readonly control: AttemptControl;
  /** When it started, on the walk's `now` clock. */
  readonly startedAt: number;
  /** True when it was started as a hedge beside a slow first attempt. */
  readonly hedge: boolean;
  /** How it ended (never rejects). */
  readonly outcome: Promise<AttemptOutcome<T>>;
  /** Resolves at the region's first event, or when the attempt ends, whichever is first. */
  readonly started: Promise<void>;
  /** The outcome once it has ended (set synchronously when `outcome` resolves). */
  readonly ended: () => AttemptOutcome<T> | undefined;
}

/** Wraps a started attempt as an {@link InFlight}. */
export function inFlight<T>(attempt: Omit<InFlight<T>, 'outcome' | 'started' | 'ended'>, outcome: Promise<AttemptOutcome<T>>): InFlight<T> {
  let ended: AttemptOutcome<T> | undefined;
  const tracked = outcome.then((result) => {
    ended = result;
    return result;
  });
  let started: Promise<void> | undefined;
  return {
    ...attempt,
    outcome: tracked,
    // Built on first use: only a hedged walk waits for a first event.
    get started(): Promise<void> {
      started ??= Promise.race([attempt.control.firstEvent, tracked.then(() => undefined)]);
      return started;
    },
    ended: () => ended,
  };
}

/** What {@link withHedge} leaves to the walk: the attempt that went on and how it ended. */
export interface HedgeResult<T> {
  readonly flight: InFlight<T>;
  readonly outcome: AttemptOutcome<T>;
  /** True when the hedge, not the first attempt, is the one that went on. */
  readonly wonHedge: boolean;
}

/**
 * Runs `primary`; when a `policy` is given and `primary` has produced no first event after the policy's
 * hedge delay, and the budget allows, starts `launchHedge()` beside it (the next region of the
 * pass). Whichever produces a first event first goes on; the other is aborted (`HedgeLost`: no verdict
 * on its region). An attempt that fails before its first event leaves the other to go on. Every attempt
 * that does not go on is handed to `settleLoser` with how it ended.
 */
export async function withHedge<T>(primary: InFlight<T>, policy: HedgePolicy | undefined, clock: Pick<InvokerClock, 'sleep'>,
  launchHedge: () => InFlight<T> | undefined, settleLoser: (loser: InFlight<T>, outcome: AttemptOutcome<T>) => void): Promise<HedgeResult<T>> {
  if (policy === undefined) {
    return { flight: primary, outcome: await primary.outcome, wonHedge: false };
  }
  const timer = new AbortController();
  const startedInTime = await Promise.race([
    primary.started.then(() => true),
    clock.sleep(policy.delay(), timer.signal).then(() => false),
  ]);
  timer.abort();
  const hedge = startedInTime || !policy.tryTake() ? undefined : launchHedge();
  if (hedge === undefined) {
    return { flight: primary, outcome: await primary.outcome, wonHedge: false };
  }
  const first = await Promise.race([primary.started.then(() => primary), hedge.started.then(() => hedge)]);
  const other = first === primary ? hedge : primary;
  const firstEnded = first.ended();
  if (firstEnded !== undefined && !firstEnded.ok) {
    // It failed before producing anything: the other one goes on alone.
    settleLoser(first, firstEnded);
    return { flight: other, outcome: await other.outcome, wonHedge: other === hedge };
  }
  if (other.ended()?.ok !== false) {
    other.control.abort('HedgeLost'); // an attempt that already failed keeps its own verdict
  }
  const lost = await other.outcome;
  // An attempt that had already succeeded when it lost the race still says nothing about its region.
  settleLoser(other, lost.ok ? { ok: false, error: new Error('HedgeLost') } : lost);
  return { flight: first, outcome: await first.outcome, wonHedge: first === hedge };
}
