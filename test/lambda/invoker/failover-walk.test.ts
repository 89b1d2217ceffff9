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
  drillActive: () => undefined,
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
  test('when every region is still backing off after it, the second pass still tries them, soonest to reopen first', async () => {
    // Every region throttles without a Retry-After: each backs off for 1 s; the wait is 0.5 s.
    const config = testConfig({ breakerFailureThreshold: 1, breakerCooldownMs: 60_000, backoffBaseMs: 1_000, backoffMaxMs: 2_000 });
    const { deps, sleeps, breakers } = walk(config);
    const called: string[] = [];
    const result = await runWithFailover(deps, async (region, control) => {
      control.markSent(); // as the SDK does when it hands the request to the HTTP handler
      called.push(region);
      throw throttled();
    });
    expect(called).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3', 'eu-west-1', 'eu-central-1', 'eu-west-3']);
    expect(sleeps).toEqual([500]);
    expect(result).toMatchObject({ kind: 'exhausted', allThrottled: true, stopped: false });
    // Throttling is a quota signal: no circuit opened, even with a failure threshold of 1.
    expect(breakers.snapshot(config.regionPlan).map((circuit) => circuit.state)).toEqual(['closed', 'closed', 'closed']);
  });

  test('is taken when a region may be tried again after it, and the second pass calls it', async () => {
    const config = testConfig({ breakerFailureThreshold: 5, backoffBaseMs: 1_000, backoffMaxMs: 2_000 });
    const { deps, sleeps } = walk(config);
    const called: string[] = [];
    const result = await runWithFailover(deps, async (region, control) => {
      control.markSent(); // as the SDK does when it hands the request to the HTTP handler
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
    await runWithFailover(deps, async (region, control) => {
      control.markSent(); // as the SDK does when it hands the request to the HTTP handler
      called.push(region);
      throw Object.assign(throttled(), { $response: { statusCode: 429, headers: { 'retry-after': '2' } } });
    });
    expect(sleeps).toEqual([2_000]);
    // Each region's circuit is half-open by then: one probe each.
    expect(called).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3', 'eu-west-1', 'eu-central-1', 'eu-west-3']);
  });
});

describe('what counts against a region', () => {
  test('an error raised before the request left (the SDK could not build it) ends the walk: 400, no region tried or blamed', async () => {
    const config = testConfig({ breakerFailureThreshold: 1 });
    const { deps, breakers } = walk(config);
    const called: string[] = [];
    const result = await runWithFailover(deps, async (region, control) => {
      called.push(region);
      control.markHandedToSdk(); // the SDK began building the request ...
      throw new TypeError('Cannot read properties of undefined (reading \'0\')'); // ... and failed before sending it
    });
    expect(called).toEqual(['eu-west-1']);
    expect(result).toMatchObject({ kind: 'not-sent', error: { status: 400, name: 'UnserializableRequest', blame: false } });
    expect(breakers.snapshot(config.regionPlan).map((circuit) => circuit.consecutiveFailures)).toEqual([0, 0, 0]);
  });

  test('a bug in the invoker before the SDK even ran is the invoker\'s fault: 500, never a 400, no region blamed', async () => {
    const config = testConfig({ breakerFailureThreshold: 1 });
    const { deps, breakers } = walk(config);
    const result = await runWithFailover(deps, async () => {
      throw new TypeError('runtime.clients.send is not a function');
    });
    expect(result).toMatchObject({ kind: 'not-sent', error: { status: 500, name: 'RequestNotSent', blame: false } });
    expect(breakers.snapshot(config.regionPlan).map((circuit) => circuit.consecutiveFailures)).toEqual([0, 0, 0]);
  });

  test('a failure nobody can classify, after the request left, is tried elsewhere but never counted as an outage', async () => {
    const config = testConfig({ breakerFailureThreshold: 1 });
    const { deps, breakers } = walk(config);
    const errorsCounted: string[] = [];
    const countErrors: RequestMetrics['attempt'] = (region, outcome) => {
      if (outcome.error) {
        errorsCounted.push(region);
      }
    };
    const result = await runWithFailover({ ...deps, metrics: { ...noMetrics, attempt: countErrors } },
      async (region, control) => {
        control.markSent();
        if (region === 'eu-west-1') {
          throw new Error('something nobody expected');
        }
        return 'served';
      });
    expect(result).toMatchObject({ kind: 'served', region: 'eu-central-1' });
    expect(errorsCounted).toEqual([]);
    expect(breakers.stateOf('eu-west-1')).toBe('closed');
  });

  test('a region whose circuit is open is still tried when every region that may be called has failed', async () => {
    const config = testConfig({ breakerFailureThreshold: 1, breakerCooldownMs: 60_000 });
    const { deps, breakers } = walk(config);
    breakers.recordFailure('eu-central-1'); // open for a minute, but healthy again
    const called: string[] = [];
    const result = await runWithFailover(deps, async (region, control) => {
      control.markSent();
      called.push(region);
      if (region !== 'eu-central-1') {
        throw Object.assign(new Error('unavailable'), { name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } });
      }
      return 'served';
    });
    expect(called).toEqual(['eu-west-1', 'eu-west-3', 'eu-central-1']);
    expect(result).toMatchObject({ kind: 'served', region: 'eu-central-1' });
    expect(breakers.stateOf('eu-central-1')).toBe('closed');
  });
});
