/**
 * The failover walk (`runWithFailover`) on its own, with a fake clock, a recording sleep and scripted
 * attempts: the decisions that are hard to pin down through the network (when it waits, when it gives up).
 */
import { testConfig } from './invoker-harness';
import { CircuitBreakerRegistry } from '../../../lambda/invoker/resilience/circuit-breaker';
import { FailoverDependencies, runWithFailover } from '../../../lambda/invoker/resilience/failover';
import type { RequestMetrics } from '../../../lambda/invoker/telemetry/invoker-metrics';
import type { InvokerRuntimeConfig } from '../../../lib/shared/invoker-config';

const noMetrics: RequestMetrics = {
  attempt: () => undefined,
  streamFailed: () => undefined,
  served: () => undefined,
  clientError: () => undefined,
  flush: () => undefined,
};

function throttled(): Error {
  return Object.assign(new Error('Too many requests'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
}

/** A walk over `config` with a clock that only moves when the walk sleeps. */
function walk(config: InvokerRuntimeConfig) {
  let nowMs = 0;
  const sleeps: number[] = [];
  const breakers = new CircuitBreakerRegistry({
    failureThreshold: config.breakerFailureThreshold,
    cooldownMs: config.breakerCooldownMs,
    now: () => nowMs,
  });
  const deps: FailoverDependencies = {
    config,
    breakers,
    metrics: noMetrics,
    now: () => nowMs,
    epochNow: () => 1_800_000_000_000 + nowMs,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      nowMs += ms;
    },
  };
  return { deps, sleeps, breakers };
}

describe('the wait before the second pass', () => {
  test('is skipped when every circuit would still be open after it: the answer comes at once', async () => {
    // One failure opens a circuit for a minute; the backoff is 1-2 s.
    const config = testConfig({ breakerFailureThreshold: 1, breakerCooldownMs: 60_000, backoffBaseMs: 1_000, backoffMaxMs: 2_000 });
    const { deps, sleeps } = walk(config);
    const called: string[] = [];
    const result = await runWithFailover(deps, async (region) => {
      called.push(region);
      throw throttled();
    });
    expect(called).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3']);
    expect(sleeps).toEqual([]);
    expect(result).toMatchObject({ kind: 'exhausted', allThrottled: true, stopped: false });
  });

  test('is taken when a region may be tried again after it, and the second pass calls it', async () => {
    const config = testConfig({ breakerFailureThreshold: 5, backoffBaseMs: 1_000, backoffMaxMs: 2_000 });
    const { deps, sleeps } = walk(config);
    const called: string[] = [];
    const result = await runWithFailover(deps, async (region) => {
      called.push(region);
      if (called.length <= 3) {
        throw throttled();
      }
      return 'served';
    });
    expect(sleeps).toEqual([500]); // full jitter over [0, 1 s] with random 0.5
    expect(called).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3', 'eu-west-1']);
    expect(result).toMatchObject({ kind: 'served', region: 'eu-west-1' });
  });

  test('is taken when a circuit reopens for a probe within it', async () => {
    // The circuits open at t=0 for 1.5 s; the wait (2 s, a Retry-After capped at backoffMaxMs) outlasts that.
    const config = testConfig({ breakerFailureThreshold: 1, breakerCooldownMs: 1_500, backoffBaseMs: 1_000, backoffMaxMs: 2_000 });
    const { deps, sleeps } = walk(config);
    const called: string[] = [];
    await runWithFailover(deps, async (region) => {
      called.push(region);
      throw Object.assign(throttled(), { $response: { statusCode: 429, headers: { 'retry-after': '2' } } });
    });
    expect(sleeps).toEqual([2_000]);
    // Each region's circuit is half-open by then: one probe each.
    expect(called).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3', 'eu-west-1', 'eu-central-1', 'eu-west-3']);
  });
});
