/**
 * The simulated CloudWatch's metric storage. Sources: CloudWatch User Guide, "CloudWatch statistics
 * definitions" (Statistics-definitions.html), "Amazon CloudWatch concepts" / Dimensions ("CloudWatch treats
 * each unique combination of dimensions as a separate metric", cloudwatch_concepts.html) and "Specification:
 * Embedded metric format" (CloudWatch_Embedded_Metric_Format_Specification.html).
 */
/* eslint-disable import/no-extraneous-dependencies -- Powertools is the handler's dependency, used here to print a real record */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { divertEmfLines } from '../../../dev/emf-capture';
import type { MetricIdentity, MetricStat } from '../../../dev/twin/deployment-model';
import { MetricStore, parseStatistic } from '../../../dev/twin/metric-store';

const attempts: MetricIdentity = {
  namespace: 'CdkBedrockCrossRegion/Invoker',
  metricName: 'Attempts',
  dimensions: { Region: 'eu-west-1', service: 'BedrockEu-eu-chat' },
};

function stat(statistic: string, metric: MetricIdentity = attempts, periodSeconds = 60): MetricStat {
  return { metric, statistic, periodSeconds };
}

describe('statistics over one period', () => {
  const store = new MetricStore();
  // 1..10 in a shuffled order, spread over the minute [0, 60).
  [7, 3, 10, 1, 5, 9, 2, 8, 6, 4].forEach((value, index) => store.putValues(attempts, [value], index * 5));

  test.each([
    ['Sum', 55],
    ['Average', 5.5],
    ['Minimum', 1],
    ['Maximum', 10],
    ['SampleCount', 10],
    // Nearest rank: the smallest sample with at least p % of the samples at or below it.
    ['p50', 5],
    ['p90', 9],
    ['p95', 10],
    ['p99.9', 10],
    ['p10.5', 2],
    ['p0', 1],
    ['p100', 10],
  ])('%s is %d', (statistic, expected) => {
    expect(store.datapoint(stat(statistic), 0)).toBe(expected);
  });

  test('an array of values counts as that many samples', () => {
    const arrays = new MetricStore();
    arrays.putValues(attempts, [1, 1, 4], 10);
    expect(arrays.datapoint(stat('SampleCount'), 0)).toBe(3);
    expect(arrays.datapoint(stat('Average'), 0)).toBe(2);
  });

  test('statistics the twin does not compute are refused, naming what it does compute', () => {
    for (const statistic of ['tm90', 'p101', 'p99.999', 'IQM', 'average']) {
      expect(() => parseStatistic(statistic)).toThrow(/use Sum, Average, Minimum, Maximum, SampleCount or a percentile/);
    }
    expect(parseStatistic('p99.99')).toEqual({ kind: 'percentile', percent: 99.99 });
  });
});

describe('periods', () => {
  test('a period is [start, start + period): its start is in it, its end is not; no sample means missing', () => {
    const store = new MetricStore();
    store.putValues(attempts, [1], 60);
    store.putValues(attempts, [2], 119.999);
    store.putValues(attempts, [4], 120);
    expect(store.datapoint(stat('Sum'), 60)).toBe(3);
    expect(store.datapoint(stat('Sum'), 120)).toBe(4);
    expect(store.datapoint(stat('Sum'), 0)).toBeUndefined();
    expect(store.datapoint(stat('Sum', attempts, 300), 0)).toBe(7);
  });

  test('a period may start anywhere (the alarms\' sliding windows)', () => {
    const store = new MetricStore();
    store.putValues(attempts, [1], 20);
    store.putValues(attempts, [2], 50);
    store.putValues(attempts, [4], 80);
    expect(store.datapoint(stat('Sum'), 30)).toBe(6);
    expect(store.datapoint(stat('Sum'), 10)).toBe(3);
  });

  test('a sample that arrives late still lands in its period', () => {
    const store = new MetricStore();
    store.putValues(attempts, [1], 200);
    store.putValues(attempts, [10], 30);
    store.putValues(attempts, [100], 90);
    expect(store.datapoint(stat('Sum'), 0)).toBe(10);
    expect(store.datapoint(stat('Sum'), 60)).toBe(100);
    expect(store.datapoint(stat('Minimum', attempts, 300), 0)).toBe(1);
  });
});

describe('metric identity: namespace, name and the exact dimension set', () => {
  const store = new MetricStore();
  store.putValues(attempts, [1], 0);
  store.putValues({ ...attempts, dimensions: { Region: 'eu-central-1', service: 'BedrockEu-eu-chat' } }, [10], 0);
  store.putValues({ ...attempts, dimensions: { Region: 'eu-west-1' } }, [100], 0);
  store.putValues({ ...attempts, namespace: 'Other' }, [1000], 0);

  test('each dimension combination is a separate metric', () => {
    expect(store.datapoint(stat('Sum'), 0)).toBe(1);
    expect(store.datapoint(stat('Sum', { ...attempts, dimensions: { Region: 'eu-west-1' } }), 0)).toBe(100);
    expect(store.datapoint(stat('Sum', { ...attempts, dimensions: {} }), 0)).toBeUndefined();
    expect(store.datapoint(stat('Sum', { ...attempts, dimensions: { service: 'BedrockEu-eu-chat' } }), 0)).toBeUndefined();
  });

  test('the order dimensions are listed in does not matter; the namespace and the name do', () => {
    expect(store.datapoint(stat('Sum', { ...attempts, dimensions: { service: 'BedrockEu-eu-chat', Region: 'eu-west-1' } }), 0)).toBe(1);
    expect(store.datapoint(stat('Sum', { ...attempts, namespace: 'Other' }), 0)).toBe(1000);
    expect(store.datapoint(stat('Sum', { ...attempts, metricName: 'Errors' }), 0)).toBeUndefined();
  });
});

describe('EMF records', () => {
  test('a real Powertools record: every metric under its dimension set, arrays as several samples', () => {
    const saved = { ...process.env };
    Object.assign(process.env, { POWERTOOLS_METRICS_DISABLED: 'false' });
    delete process.env.POWERTOOLS_DEV;
    const lines: string[] = [];
    const restore = divertEmfLines(line => lines.push(line));
    try {
      const metrics = new Metrics({ namespace: attempts.namespace, serviceName: 'BedrockEu-eu-chat' });
      metrics.addDimension('Region', 'eu-west-1');
      metrics.addMetric('Attempts', MetricUnit.Count, 1);
      metrics.addMetric('Attempts', MetricUnit.Count, 1);
      metrics.addMetric('Latency', MetricUnit.Milliseconds, 120);
      metrics.publishStoredMetrics();
    } finally {
      restore();
      process.env = saved;
    }
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'Region']]);

    const store = new MetricStore();
    store.putEmf(lines[0], 30);
    expect(store.datapoint(stat('Sum'), 0)).toBe(2);
    expect(store.datapoint(stat('SampleCount'), 0)).toBe(2);
    expect(store.datapoint(stat('Maximum', { ...attempts, metricName: 'Latency' }), 0)).toBe(120);
    expect(store.datapoint(stat('Sum', { ...attempts, dimensions: { Region: 'eu-west-1' } }), 0)).toBeUndefined();
    expect(store.datapoint(stat('Sum'), 60)).toBeUndefined();
  });

  test('several directives and dimension sets, an empty set included, each make their own metrics', () => {
    const store = new MetricStore();
    store.putEmf({
      _aws: {
        Timestamp: 0,
        CloudWatchMetrics: [
          { Namespace: 'A', Dimensions: [['service'], ['service', 'Region'], []], Metrics: [{ Name: 'Errors', Unit: 'Count' }] },
          { Namespace: 'B', Dimensions: [['Region']], Metrics: [{ Name: 'Errors', Unit: 'Count' }, { Name: 'Hedges', Unit: 'Count' }] },
        ],
      },
      service: 'svc',
      Region: 'eu-west-1',
      Errors: [2, 3],
      Hedges: 1,
    }, 5);
    const errors = (namespace: string, dimensions: Record<string, string>) =>
      store.datapoint(stat('Sum', { namespace, metricName: 'Errors', dimensions }), 0);
    expect(errors('A', { service: 'svc' })).toBe(5);
    expect(errors('A', { service: 'svc', Region: 'eu-west-1' })).toBe(5);
    expect(errors('A', {})).toBe(5);
    expect(errors('B', { Region: 'eu-west-1' })).toBe(5);
    expect(errors('B', { service: 'svc' })).toBeUndefined();
    expect(store.datapoint(stat('Sum', { namespace: 'B', metricName: 'Hedges', dimensions: { Region: 'eu-west-1' } }), 0)).toBe(1);
  });

  test('what CloudWatch Logs would not extract is ignored', () => {
    const store = new MetricStore();
    const directive = { Namespace: 'A', Dimensions: [['Region']], Metrics: [{ Name: 'Errors', Unit: 'Count' }] };
    for (const line of ['not json', '{"message":"a log line"}', '{"_aws":{}}', 'null', '[1, 2]']) {
      expect(() => store.putEmf(line, 0)).not.toThrow();
    }
    store.putEmf(JSON.stringify({ _aws: { Timestamp: 0, CloudWatchMetrics: [directive] }, Region: 7, Errors: 1 }), 0);
    store.putEmf(JSON.stringify({ _aws: { Timestamp: 0, CloudWatchMetrics: [directive] }, Region: 'eu-west-1', Errors: 'one' }), 0);
    store.putEmf(JSON.stringify({ _aws: { Timestamp: 0, CloudWatchMetrics: [directive] }, Region: 'eu-west-1', Errors: [1, 'x', 2] }), 0);
    expect(store.datapoint(stat('Sum', { namespace: 'A', metricName: 'Errors', dimensions: { Region: 'eu-west-1' } }), 0)).toBe(3);
    expect(store.datapoint(stat('SampleCount', { namespace: 'A', metricName: 'Errors', dimensions: { Region: '7' } }), 0)).toBeUndefined();
  });
});
