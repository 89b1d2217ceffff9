import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { bedrockMetric, modelIdValues } from './dashboard-bedrock-widgets';
import type { RunbookRegion } from './runbook';
import { RegionalInvoker } from '../../invoker/regional-invoker';
import { INVOKER_METRIC_NAMES } from '../../shared/invoker-config';
import { BedrockModelIdDimension } from '../dashboard-inputs';
import { RegionPerformanceBaseline } from '../performance-baseline';

/*
 * The runbook's baseline section: what each region is expected to deliver (from the endpoint's
 * `performanceBaselines`) and the commands that read the last two weeks' real p50/p99 of the series
 * the dashboard charts. The series come from the same metric builders as the dashboard and the
 * alarms (metric-identity.ts, dashboard-bedrock-widgets.ts), so a command cannot name another metric.
 */

/** How many days the baseline commands read. One-minute data is kept 15 days, so every minute counts. */
export const BASELINE_DAYS = 14;

/** What the latency alarm's runbook entry adds to its first check: where this section is. */
export const LATENCY_BASELINE_POINTER = 'The runbook\'s baseline section prints this region\'s expected figures and the command that reads '
  + `its last ${BASELINE_DAYS} days.`;

/**
 * `AWS/Bedrock` time to the first token of streaming calls (ConverseStream,
 * InvokeModelWithResponseStream), by `ModelId`
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html).
 */
const BEDROCK_TIME_TO_FIRST_TOKEN = 'TimeToFirstToken';

/** One metric series, as plain data taken from a CloudWatch metric. */
export interface RunbookMetricSeries {
  readonly label: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** The region the series is stored in. */
  readonly region: string;
}

/** Expected figures of a region, in milliseconds. */
export interface RunbookExpectedPerformance {
  readonly latencyP50Ms?: number;
  readonly latencyP99Ms?: number;
  readonly timeToFirstTokenP50Ms?: number;
  readonly timeToFirstTokenP99Ms?: number;
}

/** What the runbook says about one region's normal performance. */
export interface RunbookBaseline {
  /** The deployed region, whose own traffic the series describe. */
  readonly region: string;
  /** @default - no expected figures: the commands read them */
  readonly expected?: RunbookExpectedPerformance;
  /** The series the commands read, in order. */
  readonly series: RunbookMetricSeries[];
  /**
   * Whether the region's latency alarm compares p90 with an anomaly band learnt from the metric's
   * history (the dashboard's and the alarm's baseline) rather than a fixed threshold.
   *
   * @default - not said
   */
  readonly latencyAnomalyBand?: boolean;
}

/** The series of a metric, for the commands. */
export function seriesOf(metric: cloudwatch.Metric, label: string): RunbookMetricSeries {
  if (metric.region === undefined) {
    throw new Error(`Metric ${metric.namespace}/${metric.metricName} has no region; the runbook's commands need one.`);
  }
  return { label, namespace: metric.namespace, metricName: metric.metricName, dimensions: { ...metric.dimensions }, region: metric.region };
}

/** Options of {@link baselineOf}. */
export interface BaselineOptions {
  /** @default BedrockModelIdDimension.PROFILE_ID (as the dashboard) */
  readonly modelIdDimension?: BedrockModelIdDimension;
  /** @default - no expected figures */
  readonly expected?: RunbookExpectedPerformance;
  /** @default - not said */
  readonly latencyAnomalyBand?: boolean;
}

/**
 * The baseline of an invoker's own region: its latency and time to first token as callers see them,
 * and Bedrock's time to first token for each of its profiles in that region.
 */
export function baselineOf(invoker: RegionalInvoker, options: BaselineOptions = {}): RunbookBaseline {
  const region = invoker.regionPlan[0];
  const bedrock = invoker.profiles.flatMap(profile => modelIdValues(options.modelIdDimension ?? BedrockModelIdDimension.PROFILE_ID, profile.profileId)
    .map(modelId => seriesOf(bedrockMetric(BEDROCK_TIME_TO_FIRST_TOKEN, region, modelId, cloudwatch.Stats.p(50), modelId),
      `Bedrock's time to first token of ${modelId}`)));
  return {
    region,
    expected: options.expected,
    latencyAnomalyBand: options.latencyAnomalyBand,
    series: [
      seriesOf(invoker.metric(INVOKER_METRIC_NAMES.latency), 'Latency seen by callers'),
      seriesOf(invoker.metric(INVOKER_METRIC_NAMES.timeToFirstToken), 'Time to first token seen by callers'),
      ...bedrock,
    ],
  };
}

/**
 * The expected figures of each region of an endpoint, in milliseconds, checked at construction.
 *
 * @throws when a baseline names a region the endpoint does not route to, names one twice, or has a p99 below its p50
 */
export function expectedPerformanceByRegion(endpointName: string, regions: readonly string[],
  baselines: readonly RegionPerformanceBaseline[] = []): Map<string, RunbookExpectedPerformance> {
  const result = new Map<string, RunbookExpectedPerformance>();
  for (const baseline of baselines) {
    const where = `performanceBaselines of endpoint '${endpointName}'`;
    if (!regions.includes(baseline.region)) {
      throw new Error(`${where} names '${baseline.region}', which is not one of its regions (${regions.join(', ')}). Give baselines only for those regions.`);
    }
    if (result.has(baseline.region)) {
      throw new Error(`${where} lists '${baseline.region}' twice. Give one baseline per region.`);
    }
    const ms = (d?: Duration) => (d === undefined ? undefined : d.toMilliseconds({ integral: false }));
    const expected: RunbookExpectedPerformance = {
      latencyP50Ms: ms(baseline.latencyP50),
      latencyP99Ms: ms(baseline.latencyP99),
      timeToFirstTokenP50Ms: ms(baseline.timeToFirstTokenP50),
      timeToFirstTokenP99Ms: ms(baseline.timeToFirstTokenP99),
    };
    const check = (what: string, p50?: number, p99?: number) => {
      if (p50 !== undefined && p99 !== undefined && !Token.isUnresolved(p50) && !Token.isUnresolved(p99) && p99 < p50) {
        throw new Error(`${where}, ${baseline.region}: ${what}P99 (${p99} ms) is below ${what}P50 (${p50} ms). Swap them, or leave one out.`);
      }
    };
    check('latency', expected.latencyP50Ms, expected.latencyP99Ms);
    check('timeToFirstToken', expected.timeToFirstTokenP50Ms, expected.timeToFirstTokenP99Ms);
    result.set(baseline.region, expected);
  }
  return result;
}

/** A dimension value for the shell, or a placeholder when it is only known at deploy time. */
function dimensionValue(name: string, value: string): string {
  return Token.isUnresolved(value) ? `<${name}>` : value;
}

/**
 * `aws cloudwatch get-metric-statistics` for the daily p50 and p99 of a series over the last
 * {@link BASELINE_DAYS} days, oldest day first (GNU `date`; on macOS `date -u -v-14d ...`).
 */
export function metricStatisticsCommand(series: RunbookMetricSeries): string {
  const dimensions = Object.entries(series.dimensions).map(([name, value]) => `'Name=${name},Value=${dimensionValue(name, value)}'`);
  return [
    `aws cloudwatch get-metric-statistics --region ${series.region}`,
    `--namespace ${series.namespace} --metric-name ${series.metricName}`,
    `--dimensions ${dimensions.join(' ')}`,
    '--extended-statistics p50 p99 --period 86400',
    `--start-time "$(date -u -d '${BASELINE_DAYS} days ago' +%Y-%m-%dT%H:%M:%SZ)" --end-time "$(date -u +%Y-%m-%dT%H:%M:%SZ)"`,
    '--query "sort_by(Datapoints, &Timestamp)[].[Timestamp, ExtendedStatistics.p50, ExtendedStatistics.p99]" --output table',
  ].join(' \\\n  ');
}

function figure(ms?: number): string {
  if (ms === undefined) { return 'not stated'; }
  return Token.isUnresolved(ms) ? '(deploy-time value)' : `${ms} ms`;
}

/** Renders the `## Baseline performance` section as Markdown lines. */
export function renderBaselines(baselines: readonly RunbookBaseline[], regions: readonly RunbookRegion[],
  table: (header: string[], rows: string[][]) => string[]): string[] {
  if (baselines.length === 0) { return []; }
  const roleOf = (region: string) => regions.find(r => r.region === region)?.role ?? '-';
  const stated = baselines.some(b => b.expected && Object.values(b.expected).some(v => v !== undefined));
  const lines = ['## Baseline performance', ''];
  lines.push(stated
    ? 'What each region is expected to deliver (the endpoint\'s `performanceBaselines`), and the commands that read what it really delivered.'
    : 'No expected figures were given (set `performanceBaselines` on the endpoint): the commands below read what each region really delivered.', '');
  lines.push(...table(['Region', 'Role', 'Expected latency p50 / p99', 'Expected time to first token p50 / p99', 'Latency alarm compares p90 with'],
    baselines.map(b => [
      b.region, roleOf(b.region),
      `${figure(b.expected?.latencyP50Ms)} / ${figure(b.expected?.latencyP99Ms)}`,
      `${figure(b.expected?.timeToFirstTokenP50Ms)} / ${figure(b.expected?.timeToFirstTokenP99Ms)}`,
      b.latencyAnomalyBand === undefined ? '-' : b.latencyAnomalyBand ? 'an anomaly band learnt from its history' : 'a fixed threshold',
    ])), '');
  lines.push(`Each command prints one row per day of the last ${BASELINE_DAYS} days: the day's p50 and p99 in milliseconds. `
    + 'A region whose daily figures rise above its usual days (or above its expected figures) is slower than normal; one that matches them is not. '
    + `The commands use GNU \`date\`; on macOS write \`date -u -v-${BASELINE_DAYS}d +%Y-%m-%dT%H:%M:%SZ\` for the start time. `
    + 'The dashboard charts the same series ("Latency seen by callers", "Time to first token"). Bedrock\'s series use the `ModelId` value the '
    + 'dashboard reads (`bedrockModelIdDimension`); if one prints no rows, list the values Bedrock records with '
    + '`aws cloudwatch list-metrics --namespace AWS/Bedrock --metric-name TimeToFirstToken --region <region>`.', '');
  for (const baseline of baselines) {
    lines.push(`### ${baseline.region} (${roleOf(baseline.region)})`, '', '```sh');
    for (const series of baseline.series) {
      lines.push(`# ${series.label} (${series.namespace} ${series.metricName})`, metricStatisticsCommand(series));
    }
    lines.push('```', '');
  }
  return lines;
}
