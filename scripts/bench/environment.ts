/**
 * Environment and output plumbing of the bench runs that read the invoker's metrics: settings the
 * Powertools utilities read when constructed, and the embedded-metric-format records they print.
 */
import { divertEmfLines, EmfRecord } from '../../dev/emf-capture';
import { createPowertoolsMetrics, PowertoolsRequestMetrics, RequestMetrics } from '../../lambda/invoker/telemetry/invoker-metrics';

/** Runs `create` with `overrides` in process.env (the Powertools utilities read their settings when constructed). */
export function withEnvironment<T>(overrides: Readonly<Record<string, string>>, create: () => T): T {
  const saved = Object.keys(overrides).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, overrides);
  try {
    return create();
  } finally {
    // Key by key: replacing process.env with a plain object would make every later env read cheaper.
    for (const [name, value] of saved) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  }
}

/** Sums of the invoker's metrics: metric name → region → sum of the values published. */
export type MetricSums = Map<string, Map<string, number>>;

/** A capture of the invoker's EMF records, started by {@link captureInvokerMetrics}. */
export interface MetricsCapture {
  /** Per-request metrics publishing into the capture (for `InvokerRuntimeOptions.newRequestMetrics`). */
  readonly newRequestMetrics: () => RequestMetrics;
  /** What was published so far. */
  sums(): MetricSums;
  /** Sum of `name` over every region (0 when never published). */
  total(name: string): number;
  /** Puts process.stdout back. */
  stop(): void;
}

/**
 * Enables the invoker's Powertools metrics for one runtime and diverts the EMF lines they print (JSON
 * objects starting with `{"_aws"`) from stdout into sums per metric and region; other output passes.
 */
export function captureInvokerMetrics(): MetricsCapture {
  const metrics = withEnvironment({ POWERTOOLS_METRICS_DISABLED: 'false' }, () => createPowertoolsMetrics());
  const sums: MetricSums = new Map();
  const restore = divertEmfLines((line) => addRecord(sums, JSON.parse(line) as EmfRecord));
  return {
    newRequestMetrics: () => new PowertoolsRequestMetrics(metrics),
    sums: () => sums,
    total: (name) => [...(sums.get(name)?.values() ?? [])].reduce((sum, value) => sum + value, 0),
    stop: restore,
  };
}

/** `Errors 0, Attempts 12 (eu-west-1 10, eu-central-1 2), ...` for the count metrics in `names`. */
export function describeMetricSums(sums: MetricSums, names: readonly string[]): string {
  return names.map((name) => {
    const byRegion = sums.get(name);
    const total = [...(byRegion?.values() ?? [])].reduce((sum, value) => sum + value, 0);
    const regions = [...(byRegion?.entries() ?? [])].filter(([, value]) => value !== 0);
    return regions.length === 0 ? `${name} ${total}` : `${name} ${total} (${regions.map(([region, value]) => `${region} ${value}`).join(', ')})`;
  }).join(', ');
}

function addRecord(sums: MetricSums, record: EmfRecord): void {
  const region = typeof record.Region === 'string' ? record.Region : 'unknown';
  for (const directive of record._aws.CloudWatchMetrics) {
    for (const { Name: name } of directive.Metrics) {
      const raw = record[name];
      const values = Array.isArray(raw) ? raw : [raw];
      const sum = values.reduce((total: number, value) => total + (typeof value === 'number' ? value : 0), 0);
      let byRegion = sums.get(name);
      if (byRegion === undefined) {
        byRegion = new Map();
        sums.set(name, byRegion);
      }
      byRegion.set(region, (byRegion.get(region) ?? 0) + sum);
    }
  }
}
