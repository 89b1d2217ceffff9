import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CANARY_METRIC_NAMES } from '../shared/canary-config';
import { INVOKER_METRIC_NAMES, INVOKER_METRICS_NAMESPACE, INVOKER_SERVICE_DIMENSION } from '../shared/invoker-config';
import { ROUTE53_METRICS_REGION } from '../shared/route53-metrics';

/**
 * The identity of the metrics the constructs read: the one place that says which namespace, name,
 * dimensions and region a metric has, so that the invoker's own `metric()`, the alarms, the health-check
 * alarms and the dashboard cannot drift apart from each other or from what the handler publishes.
 */

/**
 * CloudWatch alarm math may reference at most this many metrics
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create-alarm-on-metric-math-expression.html).
 */
export const MAX_ALARM_MATH_METRICS = 10;

/** Which invoker metric series to read. */
export interface InvokerMetricIdentity {
  /** The invoker's `service` dimension (its `POWERTOOLS_SERVICE_NAME`). */
  readonly serviceName: string;
  /** The source region the invoker called (the `Region` dimension). */
  readonly calledRegion: string;
  /** The region the invoker is deployed in, where its metrics are stored. */
  readonly storedInRegion: string;
}

/** Every metric name the handler publishes. */
const KNOWN_INVOKER_METRICS: readonly string[] = Object.values(INVOKER_METRIC_NAMES);

/**
 * One of the invoker's own metrics (per minute, `Sum` unless `options` say otherwise).
 *
 * @throws when `metricName` is not a metric the handler publishes
 */
export function invokerMetric(identity: InvokerMetricIdentity, metricName: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  if (!KNOWN_INVOKER_METRICS.includes(metricName)) {
    throw new Error(`Unknown invoker metric '${metricName}'. Use one of: ${KNOWN_INVOKER_METRICS.join(', ')}.`);
  }
  return serviceMetric(metricName, identity, cloudwatch.Stats.SUM, options);
}

/** Every metric name the region canary publishes. */
const KNOWN_CANARY_METRICS: readonly string[] = Object.values(CANARY_METRIC_NAMES);

/**
 * One of the region canary's metrics: the invoker's namespace and dimension set, `service` = the
 * measured invoker's service name, `Region` = the region canary and invoker run in, where the metric is
 * stored too (per minute, `Minimum` unless `options` say otherwise: one run per minute).
 *
 * @throws when `metricName` is not a metric the canary publishes
 */
export function canaryMetric(serviceName: string, region: string, metricName: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  if (!KNOWN_CANARY_METRICS.includes(metricName)) {
    throw new Error(`Unknown canary metric '${metricName}'. Use one of: ${KNOWN_CANARY_METRICS.join(', ')}.`);
  }
  return serviceMetric(metricName, { serviceName, calledRegion: region, storedInRegion: region }, cloudwatch.Stats.MINIMUM, options);
}

/**
 * A metric of the invoker's namespace and dimension set (`service`, `Region`), which the handler and the
 * canary both publish: per minute, `statistic` unless `options` say otherwise.
 */
function serviceMetric(metricName: string, identity: InvokerMetricIdentity, statistic: string,
  options: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: INVOKER_METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { [INVOKER_SERVICE_DIMENSION]: identity.serviceName, Region: identity.calledRegion },
    statistic,
    period: Duration.minutes(1),
    region: identity.storedInRegion,
    ...options,
  });
}

/** A Route 53 health check's status per minute (`Minimum`: 1 = healthy, 0 = unhealthy). */
export function healthCheckStatusMetric(healthCheckId: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Route53',
    metricName: 'HealthCheckStatus',
    dimensionsMap: { HealthCheckId: healthCheckId },
    statistic: cloudwatch.Stats.MINIMUM,
    period: Duration.minutes(1),
    region: ROUTE53_METRICS_REGION,
    ...options,
  });
}
