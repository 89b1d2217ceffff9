/**
 * The simulated CloudWatch of one region: it stores the metrics the twin's handlers publish and evaluates
 * the deployment's alarms from them in simulated time, rule by rule. Sources (Amazon CloudWatch User Guide):
 * [EVALUATION] "Alarm evaluation" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html):
 *   Period, Evaluation Periods (N: "the number of the most recent periods, or data points, to evaluate"),
 *   Datapoints to Alarm (M: breaching points that "do not have to be consecutive", all within the last N);
 *   "For any period of one minute or longer, an alarm is evaluated every minute and the evaluation is based on
 *   the window of time defined by the Period and Evaluation Periods" (Period 5 minutes, N 1: at the end of
 *   minute 5 on the data of minutes 1 to 5, at the end of minute 6 on minutes 2 to 6); "If the alarm period is
 *   10 seconds, 20 seconds, or 30 seconds, the alarm is evaluated every 10 seconds"; when N × Period exceeds
 *   one day, "the alarm is evaluated once per hour".
 * [WINDOW] "Alarm evaluation window" (alarm-evaluation-window.html): without `EvaluationWindow` an alarm uses a
 *   sliding window, which "advances each time the alarm is evaluated". The twin's periods therefore end at the
 *   evaluation time; the newest period is complete when it is evaluated (no partial period is evaluated).
 * [MISSING] "Configuring how CloudWatch alarms treat missing data", section "How alarm state is evaluated when
 *   data is missing" (alarms-and-missing-data.html), rules and tables cited in {@link decideAlarmState}.
 * [STATES] INSUFFICIENT_DATA: "The alarm has just started, the metric is not available, or not enough data".
 * [MATH] "Alarms on math expressions": the expression's metrics must all use the same period.
 * [PERIOD] PutMetricAlarm `Period`: "Valid values are 10, 20, 30, and any multiple of 60."
 */
import type { AlarmModel, ComparisonOperator, MetricStat } from './deployment-model';
import { MetricMathExpression } from './metric-math';
import { MetricStore, parseStatistic } from './metric-store';

/** A CloudWatch alarm's state. */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** An alarm whose state changed at an evaluation. */
export interface AlarmTransition {
  readonly alarm: AlarmModel;
  readonly from: AlarmState;
  readonly to: AlarmState;
  /** The evaluation time (a whole evaluation interval), in simulated seconds. */
  readonly atSeconds: number;
  /** Why, in the manner of CloudWatch's `StateReason`. */
  readonly reason: string;
}

/** Options of {@link SimulatedCloudWatch}. */
export interface SimulatedCloudWatchOptions {
  /** The state alarms start in (unsupported alarms are always INSUFFICIENT_DATA). Default: INSUFFICIENT_DATA, as a new alarm [STATES]. */
  readonly initialState?: AlarmState;
}

/** [EVALUATION] Alarms with periods of a minute or longer are evaluated every minute. */
export const EVALUATION_INTERVAL_SECONDS = 60;
/** [EVALUATION] High-resolution alarms (periods of 10, 20 or 30 s) are evaluated every 10 seconds. */
export const HIGH_RESOLUTION_EVALUATION_INTERVAL_SECONDS = 10;
/** [EVALUATION] Alarms whose N × Period exceeds a day are evaluated once an hour. */
export const MULTI_DAY_EVALUATION_INTERVAL_SECONDS = 3600;
const ONE_DAY_SECONDS = 86_400;
/**
 * [MISSING] CloudWatch retrieves more periods than N (the evaluation range) but "the exact number ... depends on
 * the length of the alarm period and whether it is based on a metric with standard resolution or high
 * resolution"; the docs' only example has 5 for N = 3. The twin retrieves N + 2.
 */
export const EXTRA_PERIODS_IN_EVALUATION_RANGE = 2;
/**
 * How long after the end of an evaluation interval the evaluation runs. The docs say neither that nor how late
 * EMF metrics become visible; the twin evaluates right at the boundary, on every sample timestamped before it.
 */
export const EVALUATION_DELAY_SECONDS = 0;

/** What one evaluation decides, and why. */
export interface AlarmDecision {
  readonly state: AlarmState;
  readonly reason: string;
}

/**
 * The state one evaluation sets from the evaluation range's datapoints, oldest first (true: breaching, false:
 * not breaching, undefined: missing). [MISSING]:
 * - at least N real datapoints: "CloudWatch evaluates the alarm state based on the most recent real data points"
 *   and how to treat missing data "is not needed and is ignored" (rows `0 - X - X`, `0 X X - X`, `0 0 X 0 X`);
 * - none: `missing` goes to INSUFFICIENT_DATA, `ignore` keeps the state, `breaching` ALARM, `notBreaching` OK
 *   (row `- - - - -`);
 * - fewer than N: the missing ones are filled with the treatment ("CloudWatch uses missing data points only as
 *   few times as possible") and "all real data points in the evaluation range are included"; ALARM when at
 *   least M breach. `missing` and `ignore` fill with nothing that breaches, so a real non-breaching datapoint
 *   gives OK (rows `0 - - - -`, `0 - X - -`, `- - - - 0`); with only breaching ones, the premature-alarm rule
 *   ("Avoiding premature transitions to alarm state": ALARM when "the oldest available breaching datapoint ...
 *   is at least as old as the value of Datapoints to Alarm, and all other more recent data points are breaching
 *   or missing") gives ALARM for `missing` and keeps the state for `ignore` (rows `- - X - -`, `- - - X -`).
 *   When even that does not hold, the current page shows no row; an earlier version of the same page listed
 *   `- - - - X` (N = M = 3) as INSUFFICIENT_DATA for `missing` and "Retain current state" for `ignore`.
 */
export function decideAlarmState(
  range: ReadonlyArray<boolean | undefined>,
  alarm: Pick<AlarmModel, 'evaluationPeriods' | 'datapointsToAlarm' | 'treatMissingData'>,
  current: AlarmState,
): AlarmDecision {
  const { evaluationPeriods: n, datapointsToAlarm: m, treatMissingData: treat } = alarm;
  const real = range.filter((point): point is boolean => point !== undefined);
  const breaching = real.filter(point => point).length;
  const verdict = (count: number, of: string): AlarmDecision => ({
    state: count >= m ? 'ALARM' : 'OK',
    reason: `${count} of ${of} breaching (${m} needed for ALARM)`,
  });
  if (real.length >= n) {
    return verdict(real.slice(-n).filter(point => point).length, `the ${n} most recent datapoints`);
  }
  const fills = n - real.length;
  if (real.length === 0) {
    const state = { missing: 'INSUFFICIENT_DATA', ignore: current, breaching: 'ALARM', notBreaching: 'OK' } as const;
    return { state: state[treat], reason: `no datapoint in the last ${range.length} periods (missing data treated as ${treat})` };
  }
  const filled = `${real.length} datapoints and ${fills} missing treated as ${treat}`;
  if (treat === 'breaching') {
    return verdict(breaching + fills, filled);
  }
  if (treat === 'notBreaching' || breaching >= m || breaching < real.length) {
    return verdict(breaching, filled);
  }
  const oldestAge = range.length - range.findIndex(point => point !== undefined);
  if (oldestAge >= m) {
    const reason = `the oldest datapoint, ${oldestAge} periods back, breaches and none since is within the threshold`;
    return treat === 'missing'
      ? { state: 'ALARM', reason: `${reason} (premature-alarm rule)` }
      : { state: current, reason: `${reason}; missing data treated as ignore keeps the state` };
  }
  const reason = `only ${breaching} breaching datapoints, the oldest ${oldestAge} periods back (${m} needed)`;
  return treat === 'missing'
    ? { state: 'INSUFFICIENT_DATA', reason }
    : { state: current, reason: `${reason}; missing data treated as ignore keeps the state` };
}

/** Whether `value` breaches `threshold` under a static-threshold operator (PutMetricAlarm `ComparisonOperator`). */
export function breaches(value: number, operator: ComparisonOperator, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    default:
      throw new Error(`${operator} compares against an anomaly-detection band, which the twin does not model; mark the alarm unsupported.`);
  }
}

/** What a supported alarm reads, and how often it is evaluated. */
interface AlarmReading {
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly intervalSeconds: number;
  /** The alarm's datapoint of the period starting at `start`; undefined when missing. */
  readonly datapoint: (start: number) => number | undefined;
}

/** An alarm and its state; `reading` is undefined for unsupported alarms, which are never evaluated. */
interface EvaluatedAlarm {
  readonly alarm: AlarmModel;
  state: AlarmState;
  readonly reading?: AlarmReading;
}

/** One region's CloudWatch: metrics, and the alarms evaluated from them in simulated time. */
export class SimulatedCloudWatch {
  /** Where the region's metrics are published. */
  public readonly metrics = new MetricStore();
  private readonly alarms: EvaluatedAlarm[];
  private lastEvaluationSeconds: number | undefined;

  /** Throws for an alarm that is not marked unsupported yet cannot be evaluated, saying why. */
  public constructor(alarms: readonly AlarmModel[], options: SimulatedCloudWatchOptions = {}) {
    this.alarms = alarms.map(alarm => alarm.unsupported !== undefined
      ? { alarm, state: 'INSUFFICIENT_DATA' }
      : { alarm, state: options.initialState ?? 'INSUFFICIENT_DATA', reading: readingOf(alarm, this.metrics) });
  }

  /**
   * Runs every evaluation due up to `atSeconds` ([EVALUATION]: each alarm at every multiple of its interval;
   * on the first call, only the latest) and returns the state changes, in time order. Calling it again with the
   * same time changes nothing; the time must not go back.
   */
  public evaluate(atSeconds: number): AlarmTransition[] {
    const last = this.lastEvaluationSeconds;
    if (last !== undefined && atSeconds < last) {
      throw new Error(`evaluate(${atSeconds}): simulated time must not go back (the last evaluation was at ${last}).`);
    }
    this.lastEvaluationSeconds = atSeconds;
    const transitions: AlarmTransition[] = [];
    for (const evaluated of this.alarms) {
      const interval = evaluated.reading?.intervalSeconds;
      if (interval === undefined) {
        continue;
      }
      const latest = Math.floor((atSeconds - EVALUATION_DELAY_SECONDS) / interval) * interval;
      const first = last === undefined ? latest : Math.floor((last - EVALUATION_DELAY_SECONDS) / interval) * interval + interval;
      for (let at = first; at <= latest; at += interval) {
        const transition = evaluateAt(evaluated, at);
        if (transition) {
          transitions.push(transition);
        }
      }
    }
    return transitions.sort((a, b) => a.atSeconds - b.atSeconds);
  }

  /** The state of the alarm named `name` in `region`; undefined when this CloudWatch has no such alarm. */
  public stateOf(name: string, region: string): AlarmState | undefined {
    return this.alarms.find(({ alarm }) => alarm.name === name && alarm.region === region)?.state;
  }

  /** Every alarm with its state. */
  public states(): Array<{ alarm: AlarmModel; state: AlarmState }> {
    return this.alarms.map(({ alarm, state }) => ({ alarm, state }));
  }
}

/** One evaluation of a supported alarm at `at`: the range's periods end at `at` ([WINDOW]). */
function evaluateAt(evaluated: EvaluatedAlarm, at: number): AlarmTransition | undefined {
  const { alarm, reading } = evaluated;
  if (!reading) {
    return undefined;
  }
  const periods = alarm.evaluationPeriods + EXTRA_PERIODS_IN_EVALUATION_RANGE;
  const values = Array.from({ length: periods }, (_, index) => reading.datapoint(at - (periods - index) * reading.periodSeconds));
  const range = values.map(value => (value === undefined ? undefined : breaches(value, alarm.comparisonOperator, reading.threshold)));
  const decision = decideAlarmState(range, alarm, evaluated.state);
  if (decision.state === evaluated.state) {
    return undefined;
  }
  const from = evaluated.state;
  evaluated.state = decision.state;
  const shown = values.map(value => (value === undefined ? '-' : String(value))).join(', ');
  return { alarm, from, to: decision.state, atSeconds: at, reason: `${decision.reason}; datapoints, oldest first: ${shown}` };
}

/** What `alarm` reads from `metrics` and how often it is evaluated; throws, saying why, when the twin cannot evaluate it. */
function readingOf(alarm: AlarmModel, metrics: MetricStore): AlarmReading {
  const fail = (problem: string): never => {
    throw new Error(`Alarm '${alarm.name}' (${alarm.id}): ${problem}. Fix the model or mark the alarm unsupported.`);
  };
  const attempt = <T>(check: () => T): T => {
    try {
      return check();
    } catch (error) {
      return fail((error as Error).message);
    }
  };
  const threshold = alarm.threshold ?? fail('it has no threshold');
  attempt(() => breaches(0, alarm.comparisonOperator, 0));
  const { evaluationPeriods: n, datapointsToAlarm: m } = alarm;
  if (!(Number.isInteger(n) && Number.isInteger(m) && m >= 1 && m <= n)) {
    fail(`DatapointsToAlarm ${m} of EvaluationPeriods ${n} is not an M out of N with 1 <= M <= N`);
  }
  const checked = (stat: MetricStat): MetricStat => attempt(() => parseStatistic(stat.statistic) && stat);
  let periodSeconds: number;
  let datapoint: (start: number) => number | undefined;
  if (alarm.metric) {
    const stat = checked(alarm.metric);
    periodSeconds = stat.periodSeconds;
    datapoint = start => metrics.datapoint(stat, start);
  } else if (alarm.math) {
    const math = alarm.math;
    const expression = attempt(() => MetricMathExpression.parse(math.expression));
    for (const id of expression.ids) {
      const input = checked(math.inputs[id] ?? fail(`its expression reads '${id}', which is none of its metrics (${Object.keys(math.inputs).join(', ')})`));
      if (input.periodSeconds !== math.periodSeconds) {
        fail(`its metric '${id}' has the period ${input.periodSeconds}, not the expression's ${math.periodSeconds} [MATH]`);
      }
    }
    periodSeconds = math.periodSeconds;
    datapoint = start => expression.valueAt(id => metrics.datapoint(math.inputs[id], start));
  } else {
    return fail('it reads neither a metric nor a math expression');
  }
  if (!(periodSeconds === 10 || periodSeconds === 20 || periodSeconds === 30 || (periodSeconds > 0 && periodSeconds % 60 === 0))) {
    fail(`its period ${periodSeconds} is not 10, 20, 30 or a multiple of 60 [PERIOD]`);
  }
  const intervalSeconds = periodSeconds < 60
    ? HIGH_RESOLUTION_EVALUATION_INTERVAL_SECONDS
    : periodSeconds * n > ONE_DAY_SECONDS ? MULTI_DAY_EVALUATION_INTERVAL_SECONDS : EVALUATION_INTERVAL_SECONDS;
  return { threshold, periodSeconds, intervalSeconds, datapoint };
}
