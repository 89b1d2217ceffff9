import { AttemptControl } from './attempt-control';
import type { CircuitBreakerRegistry, CircuitPermit } from './circuit-breaker';
import type { InvokerClock } from '../clock';
import { ClassifiedError, classifyBedrockError } from './error-classification';
import { assertRegionAllowed } from './geography-guard';
import type { RequestMetrics } from '../telemetry/invoker-metrics';
import { backoffBeforeNextPassMs, MAX_PLAN_PASSES, regionsForPass } from './region-plan';
import type { InvokerRuntimeConfig } from '../../../lib/shared/invoker-config';

/** One Bedrock call made for a request. */
export interface AttemptRecord {
  readonly region: string;
  /** Exception name when the call failed. */
  readonly error?: string;
  readonly durationMs: number;
}

/** How a request's walk over the region plan ended. */
export type FailoverResult<T> =
  | { readonly kind: 'served'; readonly region: string; readonly value: T; readonly control: AttemptControl; readonly attempts: readonly AttemptRecord[] }
  | { readonly kind: 'client-error'; readonly region: string; readonly error: ClassifiedError; readonly attempts: readonly AttemptRecord[] }
  | {
    readonly kind: 'exhausted';
    readonly attempts: readonly AttemptRecord[];
    /** True when there was at least one attempt and every one was throttled. */
    readonly allThrottled: boolean;
    /** When the client should come back, in milliseconds. */
    readonly retryAfterMs: number;
    /** Regions left out because their circuit was open. */
    readonly skippedRegions: readonly string[];
    /** The request's own deadline (or the client leaving) ended the walk. */
    readonly stopped: boolean;
  };

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
}

/**
 * One attempt against one region. Resolve with the value to serve; throw whatever the SDK threw. The
 * control's signal must be passed to the SDK; the attempt may re-arm its timer (first-token timeout).
 */
export type Attempt<T> = (region: string, control: AttemptControl, deadlineAtMs: number) => Promise<T>;

/**
 * Calls `attempt` region by region in plan order until one serves the request, a client error ends
 * it, or the deadline passes; walks the plan a second time after a (Retry-After-honouring) backoff if
 * time remains. Open circuits are skipped; the geography guard runs before every call.
 *
 * On `served`, the returned control's signal stays live (a stream keeps using it): the caller disarms it.
 */
export async function runWithFailover<T>(deps: FailoverDependencies, attempt: Attempt<T>): Promise<FailoverResult<T>> {
  const { config, breakers } = deps;
  const deadlineAt = (deps.startedAtMs ?? deps.now()) + config.deadlineMs;
  const attempts: AttemptRecord[] = [];
  const failures: ClassifiedError[] = [];
  const skipped = new Set<string>();
  let stopped = false;

  for (let pass = 0; pass < MAX_PLAN_PASSES && !stopped; pass++) {
    if (pass > 0) {
      if (attempts.length === 0) {
        break; // every circuit was open: a second look a few ms later would find the same
      }
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
      const retryAt = deps.now() + wait;
      if (!config.regionPlan.some((region) => breakers.couldAcquireAt(region, retryAt))) {
        break; // every circuit would still be open after the wait: answer now rather than wait for nothing
      }
      await deps.sleep(wait, deps.clientGone);
      if (deps.clientGone?.aborted) {
        stopped = true;
        break;
      }
    }
    const permits = new Map<string, CircuitPermit>();
    for (const region of regionsForPass(config.regionPlan, (candidate) => {
      const permit = breakers.tryAcquire(candidate);
      if (permit === undefined) {
        skipped.add(candidate);
        return false;
      }
      permits.set(candidate, permit);
      return true;
    })) {
      const permit = permits.get(region)!;
      const remaining = deadlineAt - deps.now();
      if (remaining <= 0 || deps.clientGone?.aborted) {
        breakers.release(permit);
        stopped = true;
        break;
      }
      assertRegionAllowed(region, config.geography, config.regionPlan);
      skipped.delete(region);
      const control = new AttemptControl();
      const onClientGone = (): void => control.abort('ClientDisconnected');
      deps.clientGone?.addEventListener('abort', onClientGone, { once: true });
      if (config.attemptTimeoutMs < remaining) {
        control.arm(config.attemptTimeoutMs, 'AttemptTimeout');
      } else {
        control.arm(remaining, 'DeadlineExceeded');
      }
      const attemptStartedAt = deps.now();
      try {
        const value = await control.race(attempt(region, control, deadlineAt));
        control.disarm();
        deps.clientGone?.removeEventListener('abort', onClientGone);
        breakers.recordSuccess(region);
        deps.metrics.attempt(region, { failover: false, throttle: false, error: false });
        attempts.push({ region, durationMs: deps.now() - attemptStartedAt });
        return { kind: 'served', region, value, control, attempts };
      } catch (error) {
        control.disarm();
        deps.clientGone?.removeEventListener('abort', onClientGone);
        const classified = classifyBedrockError(error, control.reason, deps.epochNow());
        attempts.push({ region, error: classified.name, durationMs: deps.now() - attemptStartedAt });
        if (classified.disposition === 'client-error') {
          breakers.recordSuccess(region);
          deps.metrics.attempt(region, { failover: false, throttle: false, error: false });
          return { kind: 'client-error', region, error: classified, attempts };
        }
        if (classified.disposition === 'stop') {
          breakers.release(permit);
          // The request's deadline ran out waiting for this region: count it. A client leaving is no region's fault.
          deps.metrics.attempt(region, { failover: false, throttle: false, error: classified.name === 'DeadlineExceeded' });
          failures.push(classified);
          stopped = true;
          break;
        }
        breakers.recordFailure(region);
        deps.metrics.attempt(region, { failover: true, throttle: classified.throttle, error: !classified.throttle });
        failures.push(classified);
        deps.onFailover?.(region, classified);
      }
    }
  }

  const hinted = failures.flatMap((failure) => (failure.retryAfterMs === undefined ? [] : [failure.retryAfterMs]));
  const reopenTimes = breakers.snapshot(config.regionPlan)
    .flatMap((circuit) => (circuit.retryAtMs === undefined ? [] : [circuit.retryAtMs - deps.now()]));
  const retryAfterMs = hinted.length > 0
    ? Math.min(...hinted)
    : attempts.length === 0 && reopenTimes.length > 0 ? Math.min(...reopenTimes) : config.backoffMaxMs;
  return {
    kind: 'exhausted',
    attempts,
    allThrottled: failures.length > 0 && failures.every((failure) => failure.throttle),
    retryAfterMs,
    skippedRegions: [...skipped],
    stopped,
  };
}
