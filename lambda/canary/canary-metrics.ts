/* eslint-disable import/no-extraneous-dependencies -- bundled into the handler by esbuild */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CanaryMeasurements } from './run-outcome';
import { CANARY_METRIC_NAMES } from '../../lib/shared/canary-config';
import { INVOKER_METRICS_NAMESPACE } from '../../lib/shared/invoker-config';

/** `service` dimension value when `POWERTOOLS_SERVICE_NAME` is not set (tests). */
export const DEFAULT_CANARY_SERVICE_NAME = 'bedrock-canary';

/**
 * The container's Powertools Metrics instance, in the invoker's namespace. The construct sets
 * `POWERTOOLS_SERVICE_NAME` to the measured invoker's service name, so the canary's records carry the
 * invoker's dimension set [`service`, `Region`] and sit next to its metrics.
 */
export function createCanaryMetrics(env: NodeJS.ProcessEnv = process.env): Metrics {
  const serviceName = env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_CANARY_SERVICE_NAME;
  return new Metrics({ namespace: INVOKER_METRICS_NAMESPACE, serviceName });
}

/**
 * Publishes one run as one embedded-metric-format record (dimension `Region` = the region called),
 * dated `timestampMs`: `CanarySuccess` and `CanaryThrottles` on every run, `CanaryLatency` when the
 * region answered.
 */
export function publishRun(metrics: Metrics, region: string, measurements: CanaryMeasurements, timestampMs: number): void {
  metrics.setTimestamp(timestampMs);
  metrics.addDimension('Region', region);
  metrics.addMetric(CANARY_METRIC_NAMES.success, MetricUnit.Count, measurements.success);
  metrics.addMetric(CANARY_METRIC_NAMES.throttles, MetricUnit.Count, measurements.throttles);
  if (measurements.latencyMs !== undefined) {
    metrics.addMetric(CANARY_METRIC_NAMES.latency, MetricUnit.Milliseconds, measurements.latencyMs);
  }
  metrics.publishStoredMetrics();
}
