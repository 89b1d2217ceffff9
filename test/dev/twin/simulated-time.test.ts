/**
 * Simulated time: the clock the simulated layers read, and the compression of the real handler's
 * durations so that the in-request layer keeps its proportions.
 */
import {
  compressCanaryConfig, compressInvokerConfig, compressMs, SimulatedClock,
} from '../../../dev/twin/simulated-time';
import type { CanaryRuntimeConfig } from '../../../lib/shared/canary-config';
import type { InvokerRuntimeConfig } from '../../../lib/shared/invoker-config';

/** A real clock the test moves by hand. */
function manualClock(startMs = 5_000) {
  const clock = { nowMs: startMs };
  return { clock, read: () => clock.nowMs };
}

describe('SimulatedClock', () => {
  test('runs `speed` simulated seconds per real second from its start time', () => {
    const { clock, read } = manualClock();
    const simulated = new SimulatedClock(20, -30, read);
    expect(simulated.nowSeconds()).toBe(-30);
    clock.nowMs += 1_500;
    expect(simulated.nowSeconds()).toBe(0);
    clock.nowMs += 250;
    expect(simulated.nowSeconds()).toBe(5);
  });

  test('converts simulated seconds to real milliseconds', () => {
    const simulated = new SimulatedClock(20, 0, manualClock().read);
    expect(simulated.realMs(30)).toBe(1_500);
    expect(new SimulatedClock(1, 0, manualClock().read).realMs(2)).toBe(2_000);
  });

  test('until resolves at once for a time already passed, or reached', async () => {
    const { clock, read } = manualClock();
    const simulated = new SimulatedClock(10, 0, read);
    clock.nowMs += 1_000;
    let resolved = 0;
    void simulated.until(5).then(() => resolved++);
    void simulated.until(10).then(() => resolved++);
    await Promise.resolve();
    expect(resolved).toBe(2);
  });

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    test('until a future time waits the real milliseconds it takes', async () => {
      const simulated = new SimulatedClock(10, 0, manualClock().read);
      let resolved = false;
      void simulated.until(3).then(() => { resolved = true; });
      await jest.advanceTimersByTimeAsync(299);
      expect(resolved).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(resolved).toBe(true);
    });
  });

  test.each([0.5, 0, -1, Number.NaN])('speed %p is refused', speed => {
    expect(() => new SimulatedClock(speed, 0, manualClock().read)).toThrow(`speed must be at least 1, got ${speed}`);
  });
});

describe('compressMs', () => {
  test('divides by the speed, rounded', () => {
    expect(compressMs(30_000, 20)).toBe(1_500);
    expect(compressMs(1_010, 20)).toBe(51);
  });

  test('never goes below 1 ms (timers need a positive delay)', () => {
    expect(compressMs(5, 20)).toBe(1);
    expect(compressMs(0, 20)).toBe(1);
  });
});

const invoker: InvokerRuntimeConfig = {
  geography: 'eu',
  regionPlan: ['eu-west-1', 'eu-central-1'],
  profileIds: ['eu.anthropic.claude-3-7-sonnet-20250219-v1:0'],
  deadlineMs: 58_000,
  attemptTimeoutMs: 30_000,
  firstTokenTimeoutMs: 10_000,
  maxBodyBytes: 4_194_304,
  breakerFailureThreshold: 3,
  breakerCooldownMs: 30_000,
  backoffBaseMs: 100,
  backoffMaxMs: 2_000,
};

describe('compressInvokerConfig', () => {
  test('divides every duration by the speed and keeps everything else', () => {
    expect(compressInvokerConfig(invoker, 20)).toEqual({
      ...invoker,
      deadlineMs: 2_900,
      attemptTimeoutMs: 1_500,
      firstTokenTimeoutMs: 500,
      breakerCooldownMs: 1_500,
      backoffBaseMs: 5,
      backoffMaxMs: 100,
    });
  });

  test('compresses hedging\'s minimum delay and keeps its share', () => {
    const compressed = compressInvokerConfig({ ...invoker, hedging: { minDelayMs: 2_000, maxShare: 0.1 } }, 20);
    expect(compressed.hedging).toEqual({ minDelayMs: 100, maxShare: 0.1 });
  });

  test('adds no hedging where there was none, and leaves the input as it was', () => {
    const before = JSON.stringify(invoker);
    expect('hedging' in compressInvokerConfig(invoker, 20)).toBe(false);
    expect(JSON.stringify(invoker)).toBe(before);
  });

  test('at speed 1 it is the same configuration', () => {
    expect(compressInvokerConfig(invoker, 1)).toEqual(invoker);
  });
});

test('compressCanaryConfig compresses the timeout only', () => {
  const canary: CanaryRuntimeConfig = { region: 'eu-west-1', profileId: 'eu.x', timeoutMs: 10_000 };
  expect(compressCanaryConfig(canary, 20)).toEqual({ region: 'eu-west-1', profileId: 'eu.x', timeoutMs: 500 });
});

test('the real-account drill switch is dropped: the twin\'s faults come from its scenario, and it has no SSM', () => {
  const outageDrill = { parameterName: '/cdk-bedrock-cross-region/x/eu-west-1/outage-drill', cacheSeconds: 10, maxDurationMinutes: 30 };
  const drilled = compressInvokerConfig({
    geography: 'eu',
    regionPlan: ['eu-west-1'],
    profileIds: ['eu.x'],
    deadlineMs: 58_000,
    attemptTimeoutMs: 30_000,
    firstTokenTimeoutMs: 10_000,
    maxBodyBytes: 1,
    breakerFailureThreshold: 3,
    breakerCooldownMs: 30_000,
    backoffBaseMs: 100,
    backoffMaxMs: 2_000,
    outageDrill,
  }, 20);
  expect(JSON.parse(JSON.stringify(drilled))).not.toHaveProperty('outageDrill');
  const canary = compressCanaryConfig({ region: 'eu-west-1', profileId: 'eu.x', timeoutMs: 10_000, outageDrill }, 20);
  expect(JSON.parse(JSON.stringify(canary))).not.toHaveProperty('outageDrill');
});
