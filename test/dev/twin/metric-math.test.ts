/**
 * The twin's metric math, rule by rule. Source: CloudWatch User Guide, "Metric math syntax and functions"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html); the series tables
 * below are the page's own examples.
 */
import { MetricMathError, MetricMathExpression } from '../../../dev/twin/metric-math';

type Values = Readonly<Record<string, number | undefined>>;

function valueOf(expression: string, values: Values = {}): number | undefined {
  return MetricMathExpression.parse(expression).valueAt(id => values[id]);
}

/** The expression over series given point by point (undefined: no datapoint at that timestamp). */
function seriesOf(expression: string, series: Readonly<Record<string, ReadonlyArray<number | undefined>>>): Array<number | undefined> {
  const parsed = MetricMathExpression.parse(expression);
  const length = Math.max(...Object.values(series).map(points => points.length));
  return Array.from({ length }, (_, index) => parsed.valueAt(id => series[id][index]));
}

const _ = undefined;

describe('arithmetic', () => {
  test('usual precedence: * and / before + and -, ^ before unary minus, ^ right-associative', () => {
    expect(valueOf('1 + 2 * m', { m: 3 })).toBe(7);
    expect(valueOf('(1 + 2) * m', { m: 3 })).toBe(9);
    expect(valueOf('m - 4 / 2', { m: 3 })).toBe(1);
    expect(valueOf('2 * -m', { m: 3 })).toBe(-6);
    expect(valueOf('-m ^ 2', { m: 3 })).toBe(-9);
    expect(valueOf('m ^ 3 ^ 2', { m: 2 })).toBe(512);
    expect(valueOf('m - 1 - 1', { m: 5 })).toBe(3);
    expect(valueOf('m / 4 * 2', { m: 8 })).toBe(4);
  });

  test('a division by zero drops the datapoint ("the data point is dropped")', () => {
    expect(valueOf('a / b', { a: 1, b: 0 })).toBeUndefined();
    expect(valueOf('a / (b - 2)', { a: 1, b: 2 })).toBeUndefined();
    expect(valueOf('a + 1 / 0', { a: 1 })).toBeUndefined();
  });

  test('a series has no datapoint where it is missing: against a scalar the result is missing', () => {
    expect(valueOf('m + 1', {})).toBeUndefined();
    expect(valueOf('100 * m', {})).toBeUndefined();
    expect(valueOf('-m', {})).toBeUndefined();
  });

  test('"Missing values in a time series are treated as 0" between two series while one has a value', () => {
    expect(valueOf('a + b', { a: 4 })).toBe(4);
    expect(valueOf('a - b', { b: 4 })).toBe(-4);
    expect(valueOf('a * b', { a: 4 })).toBe(0);
    expect(valueOf('a / b', { a: 4 })).toBeUndefined(); // 4 / 0: dropped
    expect(valueOf('a + b', {})).toBeUndefined();
  });
});

describe('comparison and logical operators', () => {
  // The page's example: metric1 = [30, 20, 0, 0], metric2 = [20, -, 20, -].
  const series = { metric1: [30, 20, 0, 0], metric2: [20, _, 20, _] };

  test.each([
    ['(metric1 < metric2)', [0, 0, 1, 0]],
    ['(metric1 >= 30)', [1, 0, 0, 0]],
    ['(metric1 > 15 AND metric2 > 15)', [1, 0, 0, 0]],
    ['(metric1 > 15 && metric2 > 15)', [1, 0, 0, 0]],
  ])('%s gives the documented %j', (expression, expected) => {
    expect(seriesOf(expression, series)).toEqual(expected);
  });

  test('every comparison operator yields 1 or 0', () => {
    const results = ['==', '!=', '<', '<=', '>', '>='].map(operator => [valueOf(`m ${operator} 2`, { m: 2 }), valueOf(`m ${operator} 2`, { m: 3 })]);
    expect(results).toEqual([[1, 0], [0, 1], [0, 0], [1, 0], [0, 1], [1, 1]]);
  });

  test('OR and || are true when either side is not 0; AND binds tighter than OR', () => {
    expect(seriesOf('metric1 > 25 OR metric2 > 15', series)).toEqual([1, 0, 1, 0]);
    expect(seriesOf('metric1 > 25 || metric2 > 15', series)).toEqual([1, 0, 1, 0]);
    expect(valueOf('a OR b AND c', { a: 1, b: 0, c: 0 })).toBe(1);
    expect(valueOf('(a OR b) AND c', { a: 1, b: 0, c: 0 })).toBe(0);
  });
});

describe('FILL', () => {
  test('fills a missing datapoint with a scalar or with another series, and keeps an existing one', () => {
    expect(valueOf('FILL(m, 0)', {})).toBe(0);
    expect(valueOf('FILL(m, 0)', { m: 7 })).toBe(7);
    expect(valueOf('FILL(m, other)', { other: 3 })).toBe(3);
    expect(valueOf('FILL(m, other)', {})).toBeUndefined();
  });

  test('REPEAT and LINEAR need the history: rejected with a clear error', () => {
    expect(() => MetricMathExpression.parse('FILL(m, REPEAT)')).toThrow(/FILL with REPEAT needs the series' history/);
    expect(() => MetricMathExpression.parse('FILL(m, LINEAR)')).toThrow(/FILL with LINEAR/);
    expect(() => MetricMathExpression.parse('FILL(5, 0)')).toThrow(/FILL takes the form FILL\(series, value\)/);
  });
});

describe('IF ("Using IF expressions")', () => {
  // The page's tables: metric1 = [1, 1, 0, 0, -], metric2 = [30, -, 0, 0, 30], metric3 = [0, 0, 20, -, 20].
  const series = { metric1: [1, 1, 0, 0, _], metric2: [30, _, 0, 0, 30], metric3: [0, 0, 20, _, 20] };

  test.each([
    ['IF(metric1, metric2, metric3)', [30, 0, 20, _, _]],
    ['IF(metric1, 5, metric3)', [5, 5, 20, _, _]],
    ['IF(metric1, metric2, 5)', [30, 0, 5, 5, _]],
  ])('%s gives the documented %j', (expression, expected) => {
    expect(seriesOf(expression, series)).toEqual(expected);
  });

  test('a false condition without a false value drops the datapoint; a missing condition gives none', () => {
    expect(seriesOf('IF(metric1, metric2)', series)).toEqual([30, 0, _, _, _]);
    expect(seriesOf('IF(metric1 < 1, 7, metric2)', series)).toEqual([30, _, 7, 7, _]);
  });

  test('a scalar condition selects one series as it is ("an empty time series" when false and omitted)', () => {
    expect(seriesOf('IF(1, metric2, metric3)', series)).toEqual([30, _, 0, 0, 30]);
    expect(seriesOf('IF(0, metric2, metric3)', series)).toEqual([0, 0, 20, _, 20]);
    expect(seriesOf('IF(0, metric2)', series)).toEqual([_, _, _, _, _]);
  });
});

describe('the sample deployment\'s expressions', () => {
  const errorRate = 'IF(FILL(attempts, 0) >= 20, 100 * FILL(failures, 0) / attempts, 0)';

  test('error rate: the share of failed attempts once there are at least 20, else 0 (never missing)', () => {
    expect(valueOf(errorRate, { attempts: 200, failures: 30 })).toBe(15);
    expect(valueOf(errorRate, { attempts: 200 })).toBe(0);
    expect(valueOf(errorRate, { attempts: 19, failures: 19 })).toBe(0);
    expect(valueOf(errorRate, { failures: 5 })).toBe(0);
    expect(valueOf(errorRate, {})).toBe(0);
  });

  test('failover sum and secondary share', () => {
    expect(valueOf('FILL(f0, 0) + FILL(f1, 0) + FILL(f2, 0)', { f1: 4, f2: 7 })).toBe(11);
    expect(valueOf('FILL(errors, 0) + FILL(throttles, 0)', {})).toBe(0);
    const share = 'IF((FILL(own, 0) + (FILL(s1, 0) + FILL(s2, 0))) >= 20, 100 * (FILL(s1, 0) + FILL(s2, 0)) / (FILL(own, 0) + (FILL(s1, 0) + FILL(s2, 0))), 0)';
    expect(valueOf(share, { own: 10, s1: 20, s2: 10 })).toBe(75);
    expect(MetricMathExpression.parse(share).ids).toEqual(['own', 's1', 's2']);
  });
});

describe('errors say what is wrong', () => {
  test.each([
    ['ANOMALY_DETECTION_BAND(m0, 3)', /the function ANOMALY_DETECTION_BAND is not supported by the twin \(only FILL and IF/],
    ['SUM(METRICS())', /the function METRICS is not supported/],
    ['fill(m, 0)', /the function fill is not supported .*in uppercase/],
    ['M1 + 1', /'M1' is neither a metric id \(ids start with a lowercase letter\) nor a function call/],
    ['m1 +', /expected a number, a metric id, a function or '\('; found the end at character 5/],
    ['m1 m2', /expected an operator or the end of the expression; found 'm2' at character 4/],
    ['(m1 + 2', /expected '\)'; found the end/],
    ['IF(m1)', /IF takes the form IF\(condition, a\[, b\]\)/],
    ['SUM([m1, m2])', /unexpected '\[' at character 5/],
    ['5 * 2', /yields a scalar; an alarm needs a time series/],
  ])('%s', (expression, message) => {
    expect(() => MetricMathExpression.parse(expression)).toThrow(MetricMathError);
    expect(() => MetricMathExpression.parse(expression)).toThrow(message);
  });

  test('the message names the expression', () => {
    expect(() => MetricMathExpression.parse('m1 +')).toThrow(/^Metric math 'm1 \+': /);
  });
});
