/**
 * The simulated CloudWatch's alarm evaluation, rule by rule. Sources (CloudWatch User Guide):
 * [EVALUATION] "Alarm evaluation" https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html
 * [WINDOW] "Alarm evaluation window" https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation-window.html
 * [MISSING] "Configuring how CloudWatch alarms treat missing data", "How alarm state is evaluated when data is
 *   missing" https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
 *   (its two tables; [EARLIER] marks rows of an earlier version of the same table).
 */
import type { AlarmModel, MetricIdentity, TreatMissingData } from '../../../dev/twin/deployment-model';
import { AlarmState, AlarmTransition, decideAlarmState, SimulatedCloudWatch } from '../../../dev/twin/simulated-cloudwatch';

const NAMESPACE = 'CdkBedrockCrossRegion/Invoker';
const DIMENSIONS = { Region: 'eu-west-1', service: 'BedrockEu-eu-chat' };
const metric = (metricName: string): MetricIdentity => ({ namespace: NAMESPACE, metricName, dimensions: DIMENSIONS });

/** The sample's canary alarm (BedrockEueuwest1 template): Minimum of CanarySuccess < 1, 60 s, 2 of 3, missing = breaching. */
const canaryAlarm: AlarmModel = {
  id: 'BedrockEueuwest1/euchatCanaryAlarm2769CB72',
  name: 'BedrockEu-eu-chat-eu-west-1-bedrock-canary',
  region: 'eu-west-1',
  comparisonOperator: 'LessThanThreshold',
  threshold: 1,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  treatMissingData: 'breaching',
  metric: { metric: metric('CanarySuccess'), statistic: 'Minimum', periodSeconds: 60 },
};

/** The sample's error-rate alarm: the share of failed attempts over 5 minutes > 5 %, 2 of 2, missing = notBreaching. */
const errorRateAlarm: AlarmModel = {
  id: 'BedrockEueuwest1/euchatAlarmsErrorRate09D2ED18',
  name: 'euchatAlarmsErrorRate09D2ED18',
  region: 'eu-west-1',
  comparisonOperator: 'GreaterThanThreshold',
  threshold: 5,
  evaluationPeriods: 2,
  datapointsToAlarm: 2,
  treatMissingData: 'notBreaching',
  math: {
    expression: 'IF(FILL(attempts, 0) >= 20, 100 * FILL(failures, 0) / attempts, 0)',
    inputs: {
      attempts: { metric: metric('Attempts'), statistic: 'Sum', periodSeconds: 300 },
      failures: { metric: metric('Errors'), statistic: 'Sum', periodSeconds: 300 },
    },
    periodSeconds: 300,
  },
};

/** A one-metric alarm on `Errors` (Sum > 0), 1 of 1 with a 60 s period unless overridden. */
function errorsAlarm(overrides: Partial<AlarmModel> = {}): AlarmModel {
  return {
    id: 'Stack/Errors',
    name: 'errors',
    region: 'eu-west-1',
    comparisonOperator: 'GreaterThanThreshold',
    threshold: 0,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: 'notBreaching',
    metric: { metric: metric('Errors'), statistic: 'Sum', periodSeconds: 60 },
    ...overrides,
  };
}

/** Evaluates once a second, as the twin does, from `from` to `to` inclusive; returns every transition. */
function run(cloudWatch: SimulatedCloudWatch, from: number, to: number, everySecond?: (t: number) => void): AlarmTransition[] {
  const transitions: AlarmTransition[] = [];
  for (let t = from; t <= to; t++) {
    everySecond?.(t);
    transitions.push(...cloudWatch.evaluate(t));
  }
  return transitions;
}

const brief = (transitions: readonly AlarmTransition[]) => transitions.map(({ to, atSeconds }) => [to, atSeconds]);

describe('the missing-data tables [MISSING]', () => {
  /** A table row: `0` not breaching, `X` breaching, `-` missing, oldest first. */
  const points = (row: string) => row.split(' ').map(point => (point === '-' ? undefined : point === 'X'));
  const columns: TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];
  const RETAIN = 'Retain current state';

  function expectRow(row: string, datapointsToAlarm: number, expected: readonly string[]): void {
    columns.forEach((treatMissingData, column) => {
      for (const current of ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as AlarmState[]) {
        const decision = decideAlarmState(points(row), { evaluationPeriods: 3, datapointsToAlarm, treatMissingData }, current);
        const wanted = expected[column] === RETAIN ? current : expected[column];
        expect([treatMissingData, current, decision.state]).toEqual([treatMissingData, current, wanted]);
      }
    });
  }

  // First table: Datapoints to Alarm and Evaluation Periods both 3, evaluation range 5.
  test.each([
    ['0 - X - X', ['OK', 'OK', 'OK', 'OK']],
    ['0 - - - -', ['OK', 'OK', 'OK', 'OK']],
    ['- - - - -', ['INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK']],
    ['0 X X - X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
    ['- - X - -', ['ALARM', RETAIN, 'ALARM', 'OK']],
    ['- - - - X', ['INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK']], // [EARLIER]
    ['X - - - -', ['ALARM', RETAIN, 'ALARM', 'OK']], // [EARLIER]
  ])('3 of 3, %s: MISSING / IGNORE / BREACHING / NOT BREACHING give %j', (row, expected) => {
    expectRow(row, 3, expected);
  });

  // Second table: a 2 out of 3 alarm, evaluation range 5.
  test.each([
    ['0 - X - X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
    ['0 0 X 0 X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
    ['0 - X - -', ['OK', 'OK', 'ALARM', 'OK']],
    ['- - - - 0', ['OK', 'OK', 'ALARM', 'OK']],
    ['- - - X -', ['ALARM', RETAIN, 'ALARM', 'OK']],
    ['- - - - X', ['INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK']], // [EARLIER]
  ])('2 of 3, %s: MISSING / IGNORE / BREACHING / NOT BREACHING give %j', (row, expected) => {
    expectRow(row, 2, expected);
  });

  test('the reason says how many datapoints breached and how many were needed', () => {
    const decision = decideAlarmState(points('0 - X - X'), { evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: 'missing' }, 'OK');
    expect(decision.reason).toBe('2 of the 3 most recent datapoints breaching (2 needed for ALARM)');
  });
});

describe('evaluation times [EVALUATION] [WINDOW]', () => {
  test('a 60 s alarm is evaluated at the end of each minute, on the minute just ended', () => {
    const cloudWatch = new SimulatedCloudWatch([errorsAlarm()]);
    expect(brief(cloudWatch.evaluate(0))).toEqual([['OK', 0]]);
    cloudWatch.metrics.putValues(metric('Errors'), [1], 61);
    expect(cloudWatch.evaluate(119.9)).toEqual([]);
    expect(brief(cloudWatch.evaluate(120))).toEqual([['ALARM', 120]]);
  });

  test('once the metric stops, its last real datapoint is evaluated again while it is in the range', () => {
    // [MISSING]: with at least N real datapoints in the range CloudWatch uses "the most recent real data points
    // ... including the necessary extra data points from farther back"; "CloudWatch alarms might repeatedly
    // re-evaluate the last set of data points for a period of time after the metric has stopped flowing".
    const cloudWatch = new SimulatedCloudWatch([errorsAlarm()]);
    const transitions = run(cloudWatch, 0, 400, t => t === 61 && cloudWatch.metrics.putValues(metric('Errors'), [1], t));
    // The range is 3 minutes (N + 2): the minute [60, 120) leaves it at the evaluation at 300.
    expect(brief(transitions)).toEqual([['OK', 0], ['ALARM', 120], ['OK', 300]]);
  });

  test('a 5-minute period is a sliding window evaluated every minute, not a 5-minute bucket', () => {
    // "if the Period is 5 minutes and Evaluation Periods is 1, at the end of minute 5 ... minutes 1 to 5; at the end of minute 6 ... 2 to 6"
    const cloudWatch = new SimulatedCloudWatch([errorsAlarm({ metric: { metric: metric('Errors'), statistic: 'Sum', periodSeconds: 300 } })]);
    const transitions = run(cloudWatch, 0, 1000, t => t === 30 && cloudWatch.metrics.putValues(metric('Errors'), [1], t));
    // ALARM at 60 (a 5-minute bucket would wait for 300); the range [T - 900, T) no longer holds t = 30 from 960.
    expect(brief(transitions)).toEqual([['OK', 0], ['ALARM', 60], ['OK', 960]]);
  });

  test('a high-resolution alarm (10 s period) is evaluated every 10 seconds', () => {
    const cloudWatch = new SimulatedCloudWatch([errorsAlarm({ metric: { metric: metric('Errors'), statistic: 'Sum', periodSeconds: 10 } })]);
    const transitions = run(cloudWatch, 0, 60, t => t === 12 && cloudWatch.metrics.putValues(metric('Errors'), [1], t));
    expect(brief(transitions)).toEqual([['OK', 0], ['ALARM', 20], ['OK', 50]]);
  });

  test('an alarm whose N × Period exceeds a day is evaluated once an hour', () => {
    const cloudWatch = new SimulatedCloudWatch([errorsAlarm({
      evaluationPeriods: 25,
      metric: { metric: metric('Errors'), statistic: 'Sum', periodSeconds: 3600 },
    })]);
    cloudWatch.evaluate(0);
    cloudWatch.metrics.putValues(metric('Errors'), [1], 100);
    expect(cloudWatch.evaluate(3599)).toEqual([]);
    expect(brief(cloudWatch.evaluate(3600))).toEqual([['ALARM', 3600]]);
  });

  test('evaluate is idempotent for the same time, catches up over a jump, and refuses to go back', () => {
    const cloudWatch = new SimulatedCloudWatch([errorsAlarm()]);
    cloudWatch.evaluate(0);
    cloudWatch.metrics.putValues(metric('Errors'), [1], 130);
    expect(brief(cloudWatch.evaluate(600))).toEqual([['ALARM', 180], ['OK', 360]]);
    expect(cloudWatch.evaluate(600)).toEqual([]);
    expect(() => cloudWatch.evaluate(599)).toThrow(/simulated time must not go back \(the last evaluation was at 600\)/);
  });
});

describe('M out of N', () => {
  test('2 of 3: breaching datapoints need not be consecutive, only within the last 3', () => {
    const cloudWatch = new SimulatedCloudWatch([errorsAlarm({ evaluationPeriods: 3, datapointsToAlarm: 2, comparisonOperator: 'GreaterThanOrEqualToThreshold', threshold: 5 })]);
    const perMinute = [1, 5, 1, 5, 1, 1, 1];
    const transitions = run(cloudWatch, 0, 480, t => t % 60 === 10 && t < 420 && cloudWatch.metrics.putValues(metric('Errors'), [perMinute[(t - 10) / 60]], t));
    // Minutes: 1 5 1 5 ... → at 240 the last three are 5 1 5 (two breaching); at 300, 1 5 1; then not again.
    expect(brief(transitions)).toEqual([['OK', 0], ['ALARM', 240], ['OK', 300]]);
  });

  test('the comparison operators', () => {
    const at = (comparisonOperator: AlarmModel['comparisonOperator'], value: number) => {
      const cloudWatch = new SimulatedCloudWatch([errorsAlarm({ comparisonOperator, threshold: 5 })]);
      cloudWatch.metrics.putValues(metric('Errors'), [value], 10);
      return cloudWatch.evaluate(60)[0].to;
    };
    expect([at('GreaterThanThreshold', 5), at('GreaterThanThreshold', 6)]).toEqual(['OK', 'ALARM']);
    expect([at('GreaterThanOrEqualToThreshold', 4), at('GreaterThanOrEqualToThreshold', 5)]).toEqual(['OK', 'ALARM']);
    expect([at('LessThanThreshold', 5), at('LessThanThreshold', 4)]).toEqual(['OK', 'ALARM']);
    expect([at('LessThanOrEqualToThreshold', 6), at('LessThanOrEqualToThreshold', 5)]).toEqual(['OK', 'ALARM']);
  });
});

describe('missing data through the alarm [MISSING]', () => {
  test('breaching, 3 of 3: one real non-breaching point holds OK until it leaves the range ("0 - - - -" then ALARM)', () => {
    const cloudWatch = new SimulatedCloudWatch([errorsAlarm({ evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'breaching' })],
      { initialState: 'OK' });
    cloudWatch.metrics.putValues(metric('Errors'), [0], 10);
    // The range is the last 5 minutes: the minute [0, 60) leaves it at the evaluation at 360.
    expect(brief(run(cloudWatch, 60, 400))).toEqual([['ALARM', 360]]);
  });

  test('every datapoint missing: missing → INSUFFICIENT_DATA, ignore keeps the state, notBreaching → OK, breaching → ALARM', () => {
    const states = (['missing', 'ignore', 'notBreaching', 'breaching'] as const).map(treatMissingData => {
      const cloudWatch = new SimulatedCloudWatch([errorsAlarm({ treatMissingData })], { initialState: 'ALARM' });
      cloudWatch.evaluate(60);
      return cloudWatch.stateOf('errors', 'eu-west-1');
    });
    expect(states).toEqual(['INSUFFICIENT_DATA', 'ALARM', 'OK', 'ALARM']);
  });

  test('missing, 3 of 3: one breaching minute then silence alarms once it is 3 periods old ("- - X - -")', () => {
    const cloudWatch = new SimulatedCloudWatch([errorsAlarm({ evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'missing' })]);
    cloudWatch.metrics.putValues(metric('Errors'), [1], 10);
    // At 60 and 120 the datapoint is 1 and 2 periods back ("- - - - X", "- - - X -"); at 180, 3 periods back.
    expect(brief(run(cloudWatch, 60, 500))).toEqual([['ALARM', 180], ['INSUFFICIENT_DATA', 360]]);
  });
});

describe('the sample deployment\'s alarms', () => {
  test('canary, 2 of 3 breaching: ALARM after two failed minutes, OK after two good ones', () => {
    const cloudWatch = new SimulatedCloudWatch([canaryAlarm]);
    const failedMinutes = new Set([0, 1, 2]);
    const transitions = run(cloudWatch, -600, 600, t => {
      if (((t % 60) + 60) % 60 === 5) {
        cloudWatch.metrics.putValues(metric('CanarySuccess'), [failedMinutes.has(Math.floor(t / 60)) ? 0 : 1], t);
      }
    });
    // Before any run every point is missing (breaching: ALARM); two good minutes make it OK.
    expect(brief(transitions)).toEqual([['ALARM', -600], ['OK', -480], ['ALARM', 120], ['OK', 300]]);
    expect(transitions[2].reason).toMatch(/^2 of the 3 most recent datapoints breaching \(2 needed for ALARM\); datapoints, oldest first: 1, 1, 1, 0, 0$/);
  });

  test('canary that stops reporting: the older successes count until they leave the 5-minute range', () => {
    const cloudWatch = new SimulatedCloudWatch([canaryAlarm]);
    const silentMinutes = new Set([0, 1, 2, 3, 4, 5]);
    const transitions = run(cloudWatch, -600, 600, t => {
      if (((t % 60) + 60) % 60 === 5 && !silentMinutes.has(Math.floor(t / 60))) {
        cloudWatch.metrics.putValues(metric('CanarySuccess'), [1], t);
      }
    });
    // At 240 the range is "1 - - - -": one real success and two missing treated as breaching.
    expect(brief(transitions.filter(transition => transition.atSeconds >= 0))).toEqual([['ALARM', 240], ['OK', 480]]);
    expect(cloudWatch.stateOf(canaryAlarm.name, 'eu-west-1')).toBe('OK');
  });

  test('error rate: 10 % of 100 attempts a minute alarms once two sliding 5-minute windows exceed 5 %', () => {
    const cloudWatch = new SimulatedCloudWatch([errorRateAlarm]);
    const transitions = run(cloudWatch, -600, 1200, t => {
      if (((t % 60) + 60) % 60 === 30) {
        cloudWatch.metrics.putValues(metric('Attempts'), [100], t);
        if (t >= 0 && t < 600) {
          cloudWatch.metrics.putValues(metric('Errors'), [10], t);
        }
      }
    });
    // At 480 the windows [-120, 180) and [180, 480) hold 30 and 50 errors of 500 attempts (6 % and 10 %).
    expect(brief(transitions)).toEqual([['OK', -600], ['ALARM', 480], ['OK', 780]]);
  });

  test('error rate: under 20 attempts in 5 minutes the expression gives 0, however many fail', () => {
    const cloudWatch = new SimulatedCloudWatch([errorRateAlarm]);
    const transitions = run(cloudWatch, 0, 900, t => {
      if (t % 60 === 30) {
        cloudWatch.metrics.putValues(metric('Attempts'), [3], t);
        cloudWatch.metrics.putValues(metric('Errors'), [3], t);
      }
    });
    expect(brief(transitions)).toEqual([['OK', 0]]);
  });
});

describe('states and the alarms the twin cannot evaluate', () => {
  const anomaly: AlarmModel = {
    ...errorsAlarm({ name: 'latency', comparisonOperator: 'GreaterThanUpperThreshold', threshold: undefined, metric: undefined }),
    unsupported: 'an anomaly-detection band',
  };

  test('an unsupported alarm stays INSUFFICIENT_DATA whatever the initial state; unknown alarms are undefined', () => {
    const cloudWatch = new SimulatedCloudWatch([anomaly, errorsAlarm()], { initialState: 'OK' });
    expect(cloudWatch.states().map(({ alarm, state }) => [alarm.name, state])).toEqual([['latency', 'INSUFFICIENT_DATA'], ['errors', 'OK']]);
    cloudWatch.metrics.putValues(metric('Errors'), [1], 10);
    expect(brief(cloudWatch.evaluate(60))).toEqual([['ALARM', 60]]);
    expect(cloudWatch.stateOf('latency', 'eu-west-1')).toBe('INSUFFICIENT_DATA');
    expect(cloudWatch.stateOf('errors', 'eu-central-1')).toBeUndefined();
    expect(cloudWatch.stateOf('nope', 'eu-west-1')).toBeUndefined();
  });

  test.each([
    ['an anomaly operator not marked unsupported', { comparisonOperator: 'LessThanLowerThreshold' }, /LessThanLowerThreshold compares against an anomaly-detection band/],
    ['no threshold', { threshold: undefined }, /it has no threshold/],
    ['M greater than N', { datapointsToAlarm: 2 }, /DatapointsToAlarm 2 of EvaluationPeriods 1 is not an M out of N/],
    ['a period of 45 s', { metric: { metric: metric('Errors'), statistic: 'Sum', periodSeconds: 45 } }, /its period 45 is not 10, 20, 30 or a multiple of 60/],
    ['a trimmed mean', { metric: { metric: metric('Errors'), statistic: 'tm90', periodSeconds: 60 } }, /The statistic 'tm90' is not one the twin computes/],
    ['neither metric nor math', { metric: undefined }, /it reads neither a metric nor a math expression/],
    ['an unknown id', { metric: undefined, math: { ...errorRateAlarm.math!, expression: 'FILL(errors, 0)' } }, /reads 'errors', which is none of its metrics \(attempts, failures\)/],
    ['an unsupported function', { metric: undefined, math: { ...errorRateAlarm.math!, expression: 'RATE(attempts)' } }, /the function RATE is not supported/],
    ['inputs of another period', { metric: undefined, math: { ...errorRateAlarm.math!, periodSeconds: 60 } }, /its metric 'attempts' has the period 300, not the expression's 60/],
  ])('refuses %s, naming the alarm and what to do', (_, overrides, message) => {
    expect(() => new SimulatedCloudWatch([errorsAlarm(overrides as Partial<AlarmModel>)])).toThrow(message);
    expect(() => new SimulatedCloudWatch([errorsAlarm(overrides as Partial<AlarmModel>)])).toThrow(/^Alarm 'errors' \(Stack\/Errors\): .*Fix the model or mark the alarm unsupported\.$/);
  });
});
