/* eslint-disable import/no-extraneous-dependencies -- bundled into the handler by esbuild */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CanaryMeasurements } from './run-outcome';
import { CANARY_METRIC_NAMES } from '../../lib/shared/canary-config';

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
