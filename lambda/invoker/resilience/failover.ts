import { AttemptControl } from './attempt-control';
import type { CircuitBreakerRegistry, CircuitPermit } from './circuit-breaker';
import type { InvokerClock } from '../clock';
import { ClassifiedError, classifyBedrockError } from './error-classification';
import { assertRegionAllowed } from './geography-guard';
import { AttemptOutcome, HedgePolicy, InFlight, inFlight, withHedge } from './hedging';
import { failAsDrilled } from './outage-drill';
import { backoffBeforeNextPassMs, MAX_PLAN_PASSES, regionsForPass } from './region-plan';
import type { InvokerRuntimeConfig } from '../../../lib/shared/invoker-config';
import type { RequestMetrics } from '../telemetry/invoker-metrics';

/** One Bedrock call made for a request. */
export interface AttemptRecord {
  readonly region: string;
  /** Exception name when the call failed. */
  readonly error?: string;
  readonly durationMs: number;
}

/** How a request's walk over the region plan ended. */
export type FailoverResult<T> =
  | {
    readonly kind: 'served';
    readonly region: string;
    readonly value: T;
    readonly control: AttemptControl;
    readonly attempts: readonly AttemptRecord[];
    /**
     * The serving region's circuit permit. Already settled as a success unless the walk was asked to
     * leave that to the caller ({@link FailoverOptions.settleServedLater}), who must then settle it
     * exactly once: `breakers.recordSuccess(region)` or {@link settleFailure}.
     */
    readonly permit: CircuitPermit;
    /** True when a hedged attempt (started beside a slow first one) served. */
    readonly wonHedge: boolean;
  }
  | { readonly kind: 'client-error'; readonly region: string; readonly error: ClassifiedError; readonly attempts: readonly AttemptRecord[] }
  /** The request could not be sent at all (see {@link ErrorDisposition} `local`): no region was tried or blamed. */
  | { readonly kind: 'not-sent'; readonly error: ClassifiedError; readonly attempts: readonly AttemptRecord[] }
  | {
    readonly kind: 'exhausted';
    readonly attempts: readonly AttemptRecord[];
    /** True when there was at least one attempt and every one was throttled. */
    readonly allThrottled: boolean;
    /** When the client should come back, in milliseconds. */
    readonly retryAfterMs: number;
    /** Regions left out because their circuit was open or they were backing off after a throttle. */
    readonly skippedRegions: readonly string[];
    /** The request's own deadline (or the client leaving) ended the walk. */
    readonly stopped: boolean;
  };

/** How one walk treats its attempts. */
export interface FailoverOptions {
  /**
   * Time allowed for one attempt before it is abandoned as hung (`AttemptTimeout`), in milliseconds.
   * `Infinity` bounds an attempt by the request deadline alone, for calls whose answer arrives only when
   * the whole generation is done (InvokeModel), where a long answer cannot be told from a hung region.
   *
   * @default config.attemptTimeoutMs
   */
  readonly attemptTimeoutMs?: number;
  /**
   * Leave the serving region's verdict to the caller: a stream is only a success once it has ended
   * well, so a region failing every stream after its first event still opens its circuit.
   *
   * @default false
   */
  readonly settleServedLater?: boolean;
  /**
   * Hedge slow streaming attempts with this policy (only for attempts that mark their first event).
   *
   * @default - no hedging
   */
  readonly hedge?: HedgePolicy;
}

/** What the failover walk needs from the runtime. */
export interface FailoverDependencies extends InvokerClock {
  readonly config: InvokerRuntimeConfig;
  readonly breakers: CircuitBreakerRegistry;
  readonly metrics: RequestMetrics;
  /** When the request's deadline started, on the `now` clock (default: when the walk starts). */
  readonly startedAtMs?: number;
  /** Fired when the client goes away. */
  readonly clientGone?: AbortSignal;
  /** Called after each failover-class failure (logging). */
  readonly onFailover?: (region: string, error: ClassifiedError) => void;
  /**
   * The region an outage drill treats as failing: every attempt there fails at once, without calling it,
   * as a 503 that region answered would (see `failAsDrilled`).
   */
  readonly drilledRegion?: string;
}

/**
 * One attempt against one region. Resolve with the value to serve; throw whatever the SDK threw. The
 * control's signal must be passed to the SDK; the attempt may re-arm its timer (first-token timeout).
 */
export type Attempt<T> = (region: string, control: AttemptControl, deadlineAtMs: number) => Promise<T>;

/**
 * Calls `attempt` region by region in plan order until one serves the request, a client error ends
 * it, or the deadline passes; walks the plan a second time after a (Retry-After-honouring) backoff if
 * time remains. A pass first tries the regions whose circuits allow a call, in plan order, then, if
 * none of them served, the regions it skipped (an open circuit, a throttle back-off), soonest to reopen
 * first: circuits order the attempts and spare callers a known-bad region, but never refuse a request
 * while some region might serve it (Envoy's panic threshold). The geography guard runs before
 * every call. Only evidence that a region failed counts against it (see `ClassifiedError.blame`); a
 * request the SDK could not even send ends the walk at once, with no region tried or blamed.
 *
 * On `served`, the returned control's signal stays live (a stream keeps using it): the caller disarms it.
 */
export async function runWithFailover<T>(deps: FailoverDependencies, attempt: Attempt<T>, options: FailoverOptions = {}): Promise<FailoverResult<T>> {
  const { config, breakers } = deps;
  const deadlineAt = (deps.startedAtMs ?? deps.now()) + config.deadlineMs;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? config.attemptTimeoutMs;
  const attempts: AttemptRecord[] = [];
  const failures: ClassifiedError[] = [];
  const skipped = new Set<string>();
  let stopped = false;
  options.hedge?.noteRequest();

  /** Starts one attempt against `region`, bounded by the attempt timeout and the request deadline. */
  const launch = (region: string, permit: CircuitPermit, hedge: boolean): InFlight<T> => {
    assertRegionAllowed(region, config.geography, config.regionPlan);
    skipped.delete(region);
    const control = new AttemptControl();
    const onClientGone = (): void => control.abort('ClientDisconnected');
    deps.clientGone?.addEventListener('abort', onClientGone, { once: true });
    const remaining = deadlineAt - deps.now();
    if (attemptTimeoutMs < remaining) {
      control.arm(attemptTimeoutMs, 'AttemptTimeout');
    } else {
      control.arm(remaining, 'DeadlineExceeded');
    }
    const startedAt = deps.now();
    const hedgePolicy = options.hedge;
    if (hedgePolicy !== undefined) {
      void control.firstEvent.then(() => hedgePolicy.recordFirstToken(region, deps.now() - startedAt));
    }
    const call = region === deps.drilledRegion ? failAsDrilled(region, control) : attempt(region, control, deadlineAt);
    const outcome = control.race(call).then(
      (value): AttemptOutcome<T> => ({ ok: true, value }),
      (error: unknown): AttemptOutcome<T> => ({ ok: false, error }),
    ).finally(() => {
      control.disarm();
      deps.clientGone?.removeEventListener('abort', onClientGone);
    });
    return inFlight({ region, permit, control, startedAt, hedge }, outcome);
  };

  /** Records how an attempt ended; returns the walk's result when it ends the walk. */
  const settle = (flight: InFlight<T>, outcome: AttemptOutcome<T>, wonHedge: boolean): FailoverResult<T> | undefined => {
    const { region, permit, control } = flight;
    const durationMs = deps.now() - flight.startedAt;
    if (outcome.ok) {
      if (options.settleServedLater !== true) {
        breakers.recordSuccess(region);
      }
      deps.metrics.attempt(region, { failover: false, throttle: false, error: false, hedge: flight.hedge });
      attempts.push({ region, durationMs });
      return { kind: 'served', region, value: outcome.value, control, attempts, permit, wonHedge };
    }
    const classified = classifyBedrockError(outcome.error, control.reason, deps.epochNow(), control.stage);
    if (classified.disposition === 'local') {
      breakers.release(permit);
      return { kind: 'not-sent', error: classified, attempts };
    }
    attempts.push({ region, error: classified.name, durationMs });
    if (classified.disposition === 'client-error') {
      breakers.recordSuccess(region);
      deps.metrics.attempt(region, { failover: false, throttle: false, error: false, hedge: flight.hedge });
      return { kind: 'client-error', region, error: classified, attempts };
    }
    if (classified.disposition === 'stop') {
      // The request's own deadline, the client leaving or a lost hedge race: no verdict on the region.
      breakers.release(permit);
      deps.metrics.attempt(region, { failover: false, throttle: false, error: false, hedge: flight.hedge });
      if (control.reason !== 'HedgeLost') {
        failures.push(classified);
        stopped = true;
      }
      return undefined;
    }
    failures.push(classified);
    settleFailure(breakers, permit, classified);
    deps.metrics.attempt(region, { failover: true, throttle: classified.throttle, error: classified.blame, hedge: flight.hedge });
    deps.onFailover?.(region, classified);
    return undefined;
  };

  for (let pass = 0; pass < MAX_PLAN_PASSES && !stopped; pass++) {
    if (pass > 0) {
      const wait = backoffBeforeNextPassMs({
        pass,
        backoffBaseMs: config.backoffBaseMs,
        backoffMaxMs: config.backoffMaxMs,
        retryAfterMs: failures.flatMap((failure) => (failure.retryAfterMs === undefined ? [] : [failure.retryAfterMs])),
        random: deps.random(),
      });
      if (deadlineAt - deps.now() - wait <= 0) {
        break;
      }
      await deps.sleep(wait, deps.clientGone);
      if (deps.clientGone?.aborted) {
        stopped = true;
        break;
      }
    }
    const permits = new Map<string, CircuitPermit>();
    const mayCall = (candidate: string): boolean => {
      const permit = breakers.tryAcquire(candidate);
      if (permit === undefined) {
        skipped.add(candidate);
        return false;
      }
      permits.set(candidate, permit);
      return true;
    };
    const triedThisPass = new Set<string>();
    // Every region that may be called has failed: try the skipped ones too, soonest to reopen first.
    const skippedSoonestFirst = (): string | undefined => {
      const soonest = breakers.soonestAvailable(config.regionPlan.filter((candidate) => !triedThisPass.has(candidate)));
      if (soonest !== undefined) {
        permits.set(soonest, breakers.forceAcquire(soonest));
      }
      return soonest;
    };
    const regions = regionsForPass(config.regionPlan, mayCall, skippedSoonestFirst);
    /** The next region of this pass with its permit, or undefined when the pass is over or time is up. */
    const nextRegion = (): string | undefined => {
      const next = regions.next();
      if (next.done === true) {
        return undefined;
      }
      triedThisPass.add(next.value);
      if (deadlineAt - deps.now() <= 0 || deps.clientGone?.aborted) {
        breakers.release(permits.get(next.value)!);
        stopped = true;
        return undefined;
      }
      return next.value;
    };
    for (let region = nextRegion(); region !== undefined && !stopped; region = stopped ? undefined : nextRegion()) {
      const primary = launch(region, permits.get(region)!, false);
      const { flight, outcome, wonHedge } = await withHedge(primary, options.hedge, deps, () => {
        const hedgeRegion = nextRegion();
        return hedgeRegion === undefined ? undefined : launch(hedgeRegion, permits.get(hedgeRegion)!, true);
      }, (loser, lost) => {
        // A hedge partner that failed or lost; a failure that ends the walk (a client error, say) wins over the other.
        settle(loser, lost, false);
      });
      const result = settle(flight, outcome, wonHedge);
      if (result !== undefined) {
        return result;
      }
    }
  }

  const hinted = failures.flatMap((failure) => (failure.retryAfterMs === undefined ? [] : [failure.retryAfterMs]));
  const retryAfterMs = hinted.length > 0 ? Math.min(...hinted) : config.backoffMaxMs;
  return {
    kind: 'exhausted',
    attempts,
    allThrottled: failures.length > 0 && failures.every((failure) => failure.throttle),
    retryAfterMs,
    skippedRegions: [...skipped],
    stopped,
  };
}

/**
 * Settles a permit whose call failed: a throttle backs the region off briefly, a failure that is the
 * region's counts toward its circuit, anything else (a failure nothing blames on the region) frees it.
 */
export function settleFailure(breakers: CircuitBreakerRegistry, permit: CircuitPermit, failure: ClassifiedError): void {
  if (failure.throttle) {
    breakers.recordThrottle(permit, failure.retryAfterMs);
  } else if (failure.blame) {
    breakers.recordFailure(permit.region);
  } else {
    breakers.release(permit);
  }
}
