/**
 * The simulated CloudWatch's metric storage: every raw sample of every metric, with its simulated time,
 * and the statistic of one period computed from them. Sources (Amazon CloudWatch User Guide):
 * [DIMENSIONS] "Amazon CloudWatch concepts", Dimensions: "CloudWatch treats each unique combination of
 *   dimensions as a separate metric" https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html
 * [EMF] "Specification: Embedded metric format": a record's `_aws.CloudWatchMetrics` directives name the
 *   namespace, the dimension sets ("Every DimensionSet used creates a new metric"; a set MAY be empty) and the
 *   metrics, whose root-node targets are "a numeric value or an array of numeric values"; dimension targets
 *   "MUST have a string value" https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * [STATISTICS] "CloudWatch statistics definitions": SampleCount, Sum, Average (Sum/SampleCount), Minimum,
 *   Maximum, and percentiles `pNN.NN` ("p95 ... means that 95 percent of the data within the period is lower
 *   than this value") https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html
 */
import type { EmfRecord } from '../emf-capture';
import type { MetricIdentity, MetricStat } from './deployment-model';

/** A statistic the store computes: a named one, or a percentile (0–100). */
export type Statistic =
  | { readonly kind: 'Sum' | 'Average' | 'Minimum' | 'Maximum' | 'SampleCount' }
  | { readonly kind: 'percentile'; readonly percent: number };

const NAMED_STATISTICS = ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'] as const;

/** `pNN` or `pNN.NN` ([STATISTICS]: "up to two decimal places"), p0 to p100. */
const PERCENTILE = /^p(\d{1,3}(?:\.\d{1,2})?)$/;

/**
 * Reads a statistic name (`Sum`, `Average`, `Minimum`, `Maximum`, `SampleCount`, `p90`, `p99.9`). Throws for
 * anything else (trimmed means, winsorized means, percentile ranks, ...), which the twin does not compute.
 */
export function parseStatistic(statistic: string): Statistic {
  const named = NAMED_STATISTICS.find(name => name === statistic);
  if (named) {
    return { kind: named };
  }
  const percentile = PERCENTILE.exec(statistic);
  if (percentile && Number(percentile[1]) <= 100) {
    return { kind: 'percentile', percent: Number(percentile[1]) };
  }
  throw new Error(`The statistic '${statistic}' is not one the twin computes: use Sum, Average, Minimum, Maximum, `
    + 'SampleCount or a percentile pNN / pNN.NN (mark alarms reading other statistics unsupported).');
}

/**
 * The statistic of `values` (not empty). Percentiles use the nearest rank: the smallest sample with at least
 * `percent` % of the samples at or below it. The docs do not say how CloudWatch interpolates; with raw samples
 * the nearest rank is always a value that was published.
 */
export function statisticOf(statistic: Statistic, values: readonly number[]): number {
  switch (statistic.kind) {
    case 'Sum':
      return sum(values);
    case 'Average':
      return sum(values) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    case 'SampleCount':
      return values.length;
    case 'percentile': {
      const sorted = [...values].sort((a, b) => a - b);
      const rank = Math.ceil((statistic.percent / 100) * sorted.length);
      return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** One metric's samples, in time order. */
interface Series {
  readonly times: number[];
  readonly values: number[];
}

/** The key of a metric: namespace, name and the exact dimension set ([DIMENSIONS]). */
function keyOf(metric: MetricIdentity): string {
  const dimensions = Object.entries(metric.dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([metric.namespace, metric.metricName, dimensions]);
}

/** The first index of `times` (ascending) whose time is at least `time` (after `time` when `after`). */
function firstIndexFrom(times: readonly number[], time: number, after = false): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (times[middle] < time || (after && times[middle] === time)) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

/** Raw samples per metric identity, at simulated times in seconds. */
export class MetricStore {
  private readonly series = new Map<string, Series>();

  /** Stores `values` of `metric`, all at `atSeconds`. */
  public putValues(metric: MetricIdentity, values: readonly number[], atSeconds: number): void {
    const key = keyOf(metric);
    let series = this.series.get(key);
    if (!series) {
      series = { times: [], values: [] };
      this.series.set(key, series);
    }
    for (const value of values) {
      // Samples mostly arrive in time order; a late one is inserted where it belongs.
      const at = firstIndexFrom(series.times, atSeconds, true);
      series.times.splice(at, 0, atSeconds);
      series.values.splice(at, 0, value);
    }
  }

  /**
   * Stores every metric of an EMF record (or of its JSON line) at `atSeconds`: each metric of each directive,
   * once per dimension set ([EMF]). Lines that are not EMF records, dimension sets whose targets are not
   * strings and metric values that are not numbers are ignored, as CloudWatch Logs would not extract them.
   */
  public putEmf(record: EmfRecord | string, atSeconds: number): void {
    const root = (typeof record === 'string' ? parseJson(record) : record) as Record<string, unknown> | undefined;
    const metadata = root?._aws as { CloudWatchMetrics?: unknown } | undefined;
    if (!root || !metadata) {
      return;
    }
    for (const directive of arrayOf(metadata.CloudWatchMetrics) as Array<{ Namespace?: unknown; Dimensions?: unknown; Metrics?: unknown }>) {
      const names = arrayOf(directive?.Metrics).map(definition => (definition as { Name?: unknown } | null)?.Name);
      for (const dimensionSet of arrayOf(directive?.Dimensions)) {
        const dimensions = dimensionsOf(root, dimensionSet);
        if (!dimensions || typeof directive.Namespace !== 'string') {
          continue;
        }
        for (const metricName of names.filter((name): name is string => typeof name === 'string')) {
          this.putValues({ namespace: directive.Namespace, metricName, dimensions }, numbersOf(root[metricName]), atSeconds);
        }
      }
    }
  }

  /**
   * The statistic of `stat.metric` over `[periodStart, periodStart + stat.periodSeconds)`, or undefined when
   * the metric has no sample in that period (a missing datapoint).
   */
  public datapoint(stat: MetricStat, periodStart: number): number | undefined {
    const series = this.series.get(keyOf(stat.metric));
    if (!series) {
      return undefined;
    }
    const from = firstIndexFrom(series.times, periodStart);
    const to = firstIndexFrom(series.times, periodStart + stat.periodSeconds);
    return from === to ? undefined : statisticOf(parseStatistic(stat.statistic), series.values.slice(from, to));
  }
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** The dimensions a dimension set names, read from the record's root; undefined when a target is not a string. */
function dimensionsOf(root: Record<string, unknown>, dimensionSet: unknown): Record<string, string> | undefined {
  if (!Array.isArray(dimensionSet)) {
    return undefined;
  }
  const dimensions: Record<string, string> = {};
  for (const name of dimensionSet) {
    const value = root[String(name)];
    if (typeof value !== 'string') {
      return undefined;
    }
    dimensions[String(name)] = value;
  }
  return dimensions;
}

/** A metric target's values: a number or an array of numbers ([EMF]); anything else yields none. */
function numbersOf(target: unknown): number[] {
  const values = Array.isArray(target) ? target : [target];
  return values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
}
