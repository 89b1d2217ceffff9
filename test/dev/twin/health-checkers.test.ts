/**
 * The simulated Route 53 health checks, rule by rule. Sources (Route 53 Developer Guide and API Reference):
 * [DETERMINING] https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
 * [VALUES] https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
 * [API] https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
 */
import type {
  AlarmHealthCheckModel,
  CalculatedHealthCheckModel,
  EndpointHealthCheckModel,
} from '../../../dev/twin/deployment-model';
import {
  DEFAULT_HEALTH_CHECKER_REGIONS,
  ProbeRequest,
  SimulatedHealthChecks,
} from '../../../dev/twin/health-checkers';
import type { AlarmState } from '../../../dev/twin/simulated-cloudwatch';

/** The sample deployment's HTTPS check of eu-west-1 (RequestInterval 10, FailureThreshold 3). */
const https: EndpointHealthCheckModel = {
  id: 'BedrockEuRouting/euchatHttpseuwest1',
  type: 'HTTPS',
  inverted: false,
  disabled: false,
  fqdn: 'eu-west-1.eu-chat.example.com',
  port: 443,
  resourcePath: '/health',
  requestIntervalSeconds: 10,
  failureThreshold: 3,
};

/** The sample's canary-alarm check (InsufficientDataHealthStatus Unhealthy). */
const canary: AlarmHealthCheckModel = {
  id: 'BedrockEuRouting/euchatCanaryeuwest1',
  type: 'CLOUDWATCH_METRIC',
  inverted: false,
  disabled: false,
  alarmName: 'BedrockEu-eu-chat-eu-west-1-bedrock-canary',
  alarmRegion: 'eu-west-1',
  insufficientDataHealthStatus: 'Unhealthy',
};

/** The sample's region check: both children must be healthy (HealthThreshold 2). */
const region: CalculatedHealthCheckModel = {
  id: 'BedrockEuRouting/euchatRegioneuwest1',
  type: 'CALCULATED',
  inverted: false,
  disabled: false,
  children: [https.id, canary.id],
  healthThreshold: 2,
};

/** An alarm lookup that answers `state` for every alarm, changeable by the test. */
function alarmStates(initial: AlarmState | undefined) {
  const lookup = { state: initial as AlarmState | undefined, asked: [] as string[] };
  const alarmState = (name: string, alarmRegion: string) => {
    lookup.asked.push(`${alarmRegion}/${name}`);
    return lookup.state;
  };
  return { lookup, alarmState };
}

/**
 * Runs the checks second by second from `fromSeconds` to `toSeconds`, answering every due probe with
 * `probeHealthy`, and returns the first update time at which `checkId` is reported unhealthy (or healthy
 * when `wanted` is true), or undefined.
 */
function firstUpdateWith(
  checks: SimulatedHealthChecks, checkId: string, wanted: boolean,
  range: { fromSeconds: number; toSeconds: number }, probeHealthy: (probe: ProbeRequest) => boolean,
): number | undefined {
  for (let t = range.fromSeconds; t < range.toSeconds; t++) {
    for (const probe of checks.dueProbes(t, t + 1)) {
      checks.recordProbe(probe, probeHealthy(probe));
    }
    checks.update(t + 1);
    if (checks.isHealthy(checkId) === wanted) {
      return t + 1;
    }
  }
  return undefined;
}

describe('endpoint checks', () => {
  test('the default is one checker per default health-checker region, the eight regions the API lists [API Regions]', () => {
    expect(DEFAULT_HEALTH_CHECKER_REGIONS).toHaveLength(8);
    const checks = new SimulatedHealthChecks([https], { alarmState: () => undefined });
    const probes = checks.dueProbes(0, 10);
    expect(new Set(probes.map((probe) => probe.checker)).size).toBe(DEFAULT_HEALTH_CHECKER_REGIONS.length);
  });

  test('every checker probes every RequestInterval, the checkers staggered across it [VALUES Request interval]', () => {
    const checks = new SimulatedHealthChecks([https], { alarmState: () => undefined, checkers: 5 });
    const probes = checks.dueProbes(0, 30);
    expect(probes).toHaveLength(5 * 3);
    for (let checker = 0; checker < 5; checker++) {
      const times = probes.filter((probe) => probe.checker === checker).map((probe) => probe.atSeconds);
      expect(times[1] - times[0]).toBe(10);
      expect(times[2] - times[1]).toBe(10);
    }
    const firstRound = probes.filter((probe) => probe.atSeconds < 10).map((probe) => probe.atSeconds);
    expect(new Set(firstRound).size).toBe(5); // not all at once
    expect(probes[0]).toMatchObject({ fqdn: https.fqdn, port: 443, resourcePath: '/health', checkId: https.id });
  });

  test('windows that follow one another hand out each probe once', () => {
    const checks = new SimulatedHealthChecks([https], { alarmState: () => undefined });
    const pieces = [...checks.dueProbes(0, 3.3), ...checks.dueProbes(3.3, 17), ...checks.dueProbes(17, 40)];
    expect(pieces).toEqual(checks.dueProbes(0, 40));
  });

  test('a checker changes its view only after FailureThreshold consecutive failures or successes [VALUES Failure threshold]', () => {
    const checks = new SimulatedHealthChecks([https], { alarmState: () => undefined, checkers: 1 });
    const results = [false, false, true, false, false]; // never three failures in a row
    const probes = checks.dueProbes(0, 50);
    results.forEach((healthy, index) => checks.recordProbe(probes[index], healthy));
    checks.update(50);
    expect(checks.isHealthy(https.id)).toBe(true);

    const more = checks.dueProbes(50, 100);
    checks.recordProbe(more[0], false); // third failure in a row
    checks.update(60);
    expect(checks.isHealthy(https.id)).toBe(false);
    checks.recordProbe(more[1], true);
    checks.recordProbe(more[2], true);
    checks.update(80);
    expect(checks.isHealthy(https.id)).toBe(false);
    checks.recordProbe(more[3], true);
    checks.update(90);
    expect(checks.isHealthy(https.id)).toBe(true);
  });

  test.each([
    // [checkers, checkers that see it healthy, healthy?]: more than 18% is healthy, 18% or fewer is not [DETERMINING]
    [50, 10, true],
    [50, 9, false],
    [8, 2, true],
    [8, 1, false],
    [11, 2, true],
  ])('with %i checkers of which %i see it healthy, the endpoint is healthy: %s [DETERMINING 18%%]', (checkers, healthyCheckers, healthy) => {
    const check = { ...https, failureThreshold: 1 };
    const checks = new SimulatedHealthChecks([check], { alarmState: () => undefined, checkers });
    for (const probe of checks.dueProbes(0, 10)) {
      checks.recordProbe(probe, probe.checker < healthyCheckers);
    }
    checks.update(10);
    expect(checks.isHealthy(check.id)).toBe(healthy);
  });

  test.each([
    // The endpoint fails from t = 100. Checker k of N probes at 100 + k·10/N, then every 10 s, and turns unhealthy at its
    // third failure, 20 s after its first. The endpoint is unhealthy once at most 18% of N still see it healthy: with N = 8
    // that is the 7th checker (k = 6) at 120 + 6·10/8 = 127.5, seen at the update of 128; with N = 16, the 14th (k = 13) at
    // 120 + 13·10/16 = 128.125, seen at 129.
    [8, 128],
    [16, 129],
  ])('the sample HTTPS check (10 s × 3) with %i checkers turns unhealthy at %i, about 30 s after the fault', (checkers, expected) => {
    const checks = new SimulatedHealthChecks([https], { alarmState: () => undefined, checkers });
    const faultFrom = 100;
    const unhealthyAt = firstUpdateWith(checks, https.id, false, { fromSeconds: 0, toSeconds: 200 }, (probe) => probe.atSeconds < faultFrom);
    expect(unhealthyAt).toBe(expected);
    expect(unhealthyAt! - faultFrom).toBeGreaterThan((https.failureThreshold - 1) * https.requestIntervalSeconds);
    expect(unhealthyAt! - faultFrom).toBeLessThanOrEqual(https.failureThreshold * https.requestIntervalSeconds);
  });

  test('it recovers the same way: FailureThreshold successes per checker, then more than 18% of checkers', () => {
    const checks = new SimulatedHealthChecks([https], { alarmState: () => undefined });
    const broken = (t: number) => t >= 100 && t < 200;
    expect(firstUpdateWith(checks, https.id, false, { fromSeconds: 0, toSeconds: 200 }, (probe) => !broken(probe.atSeconds))).toBe(128);
    // Healthy again from 200: checker k's third success is at 220 + k·1.25; two of eight (25%) are enough, k = 1 at 221.25.
    expect(firstUpdateWith(checks, https.id, true, { fromSeconds: 128, toSeconds: 300 }, (probe) => !broken(probe.atSeconds))).toBe(222);
  });

  test('the number of checkers must be a whole number of at least 1', () => {
    expect(() => new SimulatedHealthChecks([https], { alarmState: () => undefined, checkers: 0 })).toThrow(/checkers must be a whole number of at least 1; got 0/);
    expect(() => new SimulatedHealthChecks([https], { alarmState: () => undefined, checkers: 2.5 })).toThrow(/got 2\.5/);
  });

  test('a probe that no due probe matches is refused', () => {
    const checks = new SimulatedHealthChecks([https, canary], { alarmState: () => undefined });
    const probe = checks.dueProbes(0, 1)[0];
    expect(() => checks.recordProbe({ ...probe, checkId: canary.id }, true)).toThrow(/not a checker of an endpoint health check/);
    expect(() => checks.recordProbe({ ...probe, checker: 99 }, true)).toThrow(/checker 99/);
  });
});

describe('CloudWatch alarm checks [DETERMINING "Health checks that monitor CloudWatch alarms"]', () => {
  test.each([
    ['OK', true],
    ['ALARM', false],
  ] as const)('the alarm in %s: healthy %s', (state, healthy) => {
    const { alarmState, lookup } = alarmStates(state);
    const checks = new SimulatedHealthChecks([canary], { alarmState });
    checks.update(0);
    expect(checks.isHealthy(canary.id)).toBe(healthy);
    expect(lookup.asked).toEqual(['eu-west-1/BedrockEu-eu-chat-eu-west-1-bedrock-canary']);
  });

  test.each([
    ['Healthy', true],
    ['Unhealthy', false],
  ] as const)('with insufficient data and InsufficientDataHealthStatus %s: healthy %s [VALUES Health check status]', (setting, healthy) => {
    const checks = new SimulatedHealthChecks([{ ...canary, insufficientDataHealthStatus: setting }], { alarmState: () => 'INSUFFICIENT_DATA' });
    checks.update(0);
    expect(checks.isHealthy(canary.id)).toBe(healthy);
  });

  test('LastKnownStatus keeps the status of the last OK or ALARM, and a new check without one is healthy [VALUES Health check status]', () => {
    const { alarmState, lookup } = alarmStates('INSUFFICIENT_DATA');
    const checks = new SimulatedHealthChecks([{ ...canary, insufficientDataHealthStatus: 'LastKnownStatus' }], { alarmState });
    checks.update(0);
    expect(checks.isHealthy(canary.id)).toBe(true);
    lookup.state = 'ALARM';
    checks.update(60);
    lookup.state = 'INSUFFICIENT_DATA';
    checks.update(120);
    expect(checks.isHealthy(canary.id)).toBe(false);
    lookup.state = 'OK';
    checks.update(180);
    lookup.state = 'INSUFFICIENT_DATA';
    checks.update(240);
    expect(checks.isHealthy(canary.id)).toBe(true);
  });

  test('an alarm the simulated CloudWatch does not know counts as insufficient data', () => {
    const checks = new SimulatedHealthChecks([canary], { alarmState: () => undefined });
    checks.update(0);
    expect(checks.isHealthy(canary.id)).toBe(false); // the sample's setting: Unhealthy
  });
});

describe('calculated checks [VALUES "Report healthy when"]', () => {
  test('the sample region check is healthy only while both children are (HealthThreshold 2)', () => {
    const { alarmState, lookup } = alarmStates('OK');
    const checks = new SimulatedHealthChecks([https, canary, region], { alarmState });
    checks.update(0);
    expect(checks.isHealthy(region.id)).toBe(true);
    lookup.state = 'ALARM';
    checks.update(60);
    expect(checks.isHealthy(region.id)).toBe(false);
    expect(checks.isHealthy(https.id)).toBe(true);
  });

  test('a threshold above the children\'s count is always unhealthy; 0 is always healthy', () => {
    const tooMany = { ...region, id: 'too-many', healthThreshold: 3 };
    const allHealthy = new SimulatedHealthChecks([https, canary, tooMany], { alarmState: () => 'OK' });
    allHealthy.update(0);
    expect([allHealthy.isHealthy(https.id), allHealthy.isHealthy(canary.id)]).toEqual([true, true]);
    expect(allHealthy.isHealthy('too-many')).toBe(false);

    const none = { ...region, id: 'none', children: [canary.id], healthThreshold: 0 };
    const childFailing = new SimulatedHealthChecks([canary, none], { alarmState: () => 'ALARM' });
    childFailing.update(0);
    expect(childFailing.isHealthy(canary.id)).toBe(false);
    expect(childFailing.isHealthy('none')).toBe(true);
  });

  test('a calculated check may not monitor another calculated check, nor a check the model lacks', () => {
    const parent = { ...region, id: 'parent', children: [region.id] };
    expect(() => new SimulatedHealthChecks([https, canary, region, parent], { alarmState: () => 'OK' }))
      .toThrow(/does not allow a calculated health check to monitor other calculated checks/);
    expect(() => new SimulatedHealthChecks([https, region], { alarmState: () => 'OK' }))
      .toThrow(/monitors 'BedrockEuRouting\/euchatCanaryeuwest1', which is not a health check of the deployment/);
  });
});

describe('inverted, disabled and initial status', () => {
  test('Inverted flips the status [VALUES Invert health check status]', () => {
    const checks = new SimulatedHealthChecks([{ ...canary, inverted: true }], { alarmState: () => 'OK' });
    checks.update(0);
    expect(checks.isHealthy(canary.id)).toBe(false);
  });

  test('a disabled check is always healthy, inverted or not; its endpoint is not probed, its alarm not read [API Disabled]', () => {
    const { alarmState, lookup } = alarmStates('ALARM');
    const checks = new SimulatedHealthChecks(
      [{ ...canary, disabled: true }, { ...canary, id: 'inverted-disabled', disabled: true, inverted: true }, { ...https, disabled: true }],
      { alarmState });
    checks.update(0);
    expect(checks.isHealthy(canary.id)).toBe(true);
    expect(checks.isHealthy('inverted-disabled')).toBe(true);
    expect(checks.dueProbes(0, 100)).toEqual([]);
    expect(lookup.asked).toEqual([]);
  });

  test('every check starts healthy (the guide is silent; the twin models a running deployment)', () => {
    const checks = new SimulatedHealthChecks([https, canary, region], { alarmState: () => 'ALARM' });
    expect([https.id, canary.id, region.id].map((id) => checks.isHealthy(id))).toEqual([true, true, true]);
    expect(() => checks.isHealthy('nope')).toThrow(/'nope' is not a health check of the deployment/);
  });

  test('update reports each change once, with its time, and refuses to go back in time', () => {
    const { alarmState, lookup } = alarmStates('OK');
    const checks = new SimulatedHealthChecks([https, canary, region], { alarmState });
    expect(checks.update(0)).toEqual([]);
    lookup.state = 'ALARM';
    expect(checks.update(60)).toEqual([
      { checkId: canary.id, healthy: false, atSeconds: 60 },
      { checkId: region.id, healthy: false, atSeconds: 60 },
    ]);
    expect(checks.update(61)).toEqual([]);
    expect(() => checks.update(30)).toThrow(/must not go back/);
  });
});
