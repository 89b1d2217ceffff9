import {
  failoverTimes, failoverTimeSteps, FailoverTimeInputs, METRIC_DELIVERY_SECONDS, ROUTE53_ALARM_READ_SECONDS,
} from '../../lib/routing/private/failover-time';

const DEFAULTS: FailoverTimeInputs = {
  healthCheckIntervalSeconds: 10,
  healthCheckFailureThreshold: 3,
  canaryIntervalSeconds: 60,
  canaryTimeoutSeconds: 10,
  canaryFailedRuns: 2,
  canaryEvaluationRuns: 3,
  recordTtlSeconds: 30,
};

describe('failoverTimes', () => {
  test('the estimates of what AWS does not publish are kept as named data', () => {
    expect(METRIC_DELIVERY_SECONDS).toBe(60);
    expect(ROUTE53_ALARM_READ_SECONDS).toBe(60);
  });

  test('defaults: the canary is the slower child; every part of it is counted', () => {
    const times = failoverTimes(DEFAULTS);
    expect(times).toMatchObject({
      httpsDetectionSeconds: 30,
      canaryRunsSeconds: 120,
      canaryTimeoutSeconds: 10,
      metricDeliverySeconds: 60,
      route53AlarmReadSeconds: 60,
      canaryDetectionSeconds: 250,
      detectionSeconds: 250,
      recordTtlSeconds: 30,
      worstCaseSeconds: 280,
      canaryRecoveryRuns: 2,
      canaryRecoverySeconds: 250,
      failbackSeconds: 280,
    });
  });

  test('a slow HTTPS check dominates both ways (it needs as many passes to recover as failures to fail)', () => {
    const times = failoverTimes({ ...DEFAULTS, healthCheckIntervalSeconds: 30, healthCheckFailureThreshold: 10 });
    expect(times.detectionSeconds).toBe(300);
    expect(times.worstCaseSeconds).toBe(330);
    expect(times.failbackSeconds).toBe(330);
  });

  test('the alarm clears after evaluation - failed + 1 good runs: a stricter alarm comes back slower', () => {
    const oneOfFive = failoverTimes({ ...DEFAULTS, canaryFailedRuns: 1, canaryEvaluationRuns: 5 });
    expect(oneOfFive.canaryDetectionSeconds).toBe(60 + 130);
    expect(oneOfFive.canaryRecoveryRuns).toBe(5);
    expect(oneOfFive.failbackSeconds).toBe(5 * 60 + 130 + 30);
    const threeOfThree = failoverTimes({ ...DEFAULTS, canaryFailedRuns: 3, canaryEvaluationRuns: 3 });
    expect(threeOfThree.canaryRecoveryRuns).toBe(1);
    expect(threeOfThree.worstCaseSeconds).toBe(3 * 60 + 130 + 30);
  });

  test('the steps of the worst case name every part, with the unknowns marked', () => {
    const steps = failoverTimeSteps(failoverTimes(DEFAULTS));
    expect(steps.map(s => s.seconds)).toEqual([30, 120, 10, 60, 60, 250, 30]);
    expect(steps[0].label).toMatch(/10 s x 3 failures.*aggregation is not published/);
    expect(steps[1].label).toMatch(/2 failed run\(s\), one every 60 s/);
    expect(steps.filter(s => /UNCONFIRMED/.test(s.label))).toHaveLength(2);
  });
});
