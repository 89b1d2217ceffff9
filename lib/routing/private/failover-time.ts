/**
 * How long DNS takes to steer clients off a failed region, and back once it recovers, computed from the
 * health-check, canary and record configuration. Pure.
 *
 * A region's calculated health check is unhealthy as soon as one of its two children is:
 * - the HTTPS check of /health fails `failureThreshold` checks in a row, `requestInterval` apart (and
 *   passes as many in a row to recover: Route 53 API, HealthCheckConfig.FailureThreshold). Route 53 does
 *   not publish how long its checkers take to aggregate their results, nor how soon a calculated check
 *   follows its children: neither is in the number.
 * - the canary alarm: `canaryFailedRuns` failed runs, one per `canaryInterval`, the last of which may
 *   wait `canaryTimeout` before it counts, then the metric's delivery to CloudWatch and Route 53's
 *   reading of the alarm's data (the two constants below).
 * Then resolvers may keep the old answer for up to the record TTL.
 */

/**
 * Seconds from a canary run's EMF log line to its datapoint in CloudWatch metrics. CloudWatch Logs
 * extracts embedded-metric-format metrics asynchronously; AWS gives no bound. Typically under a minute
 * (UNCONFIRMED): a guess kept as data.
 */
export const METRIC_DELIVERY_SECONDS = 60;

/**
 * Seconds for Route 53 to act on a new datapoint of the alarm it follows. Route 53 "monitors the data
 * stream for the corresponding alarm instead of monitoring the alarm state"
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html); how often it
 * reads that stream is not documented (UNCONFIRMED): one CloudWatch evaluation minute, a guess kept as data.
 */
export const ROUTE53_ALARM_READ_SECONDS = 60;

/** What the times are computed from, in seconds and counts. */
export interface FailoverTimeInputs {
  readonly healthCheckIntervalSeconds: number;
  readonly healthCheckFailureThreshold: number;
  readonly canaryIntervalSeconds: number;
  readonly canaryTimeoutSeconds: number;
  /** Failed runs that make the region unhealthy (the alarm's datapoints to alarm). */
  readonly canaryFailedRuns: number;
  /** Runs the alarm looks at (its evaluation periods). */
  readonly canaryEvaluationRuns: number;
  readonly recordTtlSeconds: number;
}

/** The times and their parts, in seconds, with the inputs they come from. */
export interface FailoverTimeBreakdown extends FailoverTimeInputs {
  /** HTTPS check: interval x failure threshold (both to fail and to recover). */
  readonly httpsDetectionSeconds: number;
  /** Canary: interval x failed runs (the first failed run comes up to one interval after the failure). */
  readonly canaryRunsSeconds: number;
  /** {@link METRIC_DELIVERY_SECONDS}. */
  readonly metricDeliverySeconds: number;
  /** {@link ROUTE53_ALARM_READ_SECONDS}. */
  readonly route53AlarmReadSeconds: number;
  /** Canary: runs + timeout + delivery + Route 53's read. */
  readonly canaryDetectionSeconds: number;
  /** The slower of the two children. */
  readonly detectionSeconds: number;
  /** Detection + record TTL. */
  readonly worstCaseSeconds: number;
  /** Good runs in a row that clear the canary alarm: evaluation runs - failed runs + 1. */
  readonly canaryRecoveryRuns: number;
  /** Canary: good runs x interval + timeout + delivery + Route 53's read. */
  readonly canaryRecoverySeconds: number;
  /** The slower of the two recoveries (both children must be healthy again) + record TTL. */
  readonly failbackSeconds: number;
}

/** Computes {@link FailoverTimeBreakdown}. */
export function failoverTimes(inputs: FailoverTimeInputs): FailoverTimeBreakdown {
  const httpsDetectionSeconds = inputs.healthCheckIntervalSeconds * inputs.healthCheckFailureThreshold;
  const lag = inputs.canaryTimeoutSeconds + METRIC_DELIVERY_SECONDS + ROUTE53_ALARM_READ_SECONDS;
  const canaryRunsSeconds = inputs.canaryIntervalSeconds * inputs.canaryFailedRuns;
  const canaryDetectionSeconds = canaryRunsSeconds + lag;
  const detectionSeconds = Math.max(httpsDetectionSeconds, canaryDetectionSeconds);
  const canaryRecoveryRuns = inputs.canaryEvaluationRuns - inputs.canaryFailedRuns + 1;
  const canaryRecoverySeconds = canaryRecoveryRuns * inputs.canaryIntervalSeconds + lag;
  return {
    ...inputs,
    httpsDetectionSeconds,
    canaryRunsSeconds,
    metricDeliverySeconds: METRIC_DELIVERY_SECONDS,
    route53AlarmReadSeconds: ROUTE53_ALARM_READ_SECONDS,
    canaryDetectionSeconds,
    detectionSeconds,
    worstCaseSeconds: detectionSeconds + inputs.recordTtlSeconds,
    canaryRecoveryRuns,
    canaryRecoverySeconds,
    failbackSeconds: Math.max(httpsDetectionSeconds, canaryRecoverySeconds) + inputs.recordTtlSeconds,
  };
}

/** The worst case as labelled steps (the runbook's table). */
export function failoverTimeSteps(times: FailoverTimeBreakdown): Array<{ label: string; seconds: number }> {
  return [
    {
      label: `HTTPS check of /health: ${times.healthCheckIntervalSeconds} s x ${times.healthCheckFailureThreshold} failures `
      + '(in parallel with the canary; Route 53\'s aggregation is not published)',
      seconds: times.httpsDetectionSeconds,
    },
    { label: `Canary: ${times.canaryFailedRuns} failed run(s), one every ${times.canaryIntervalSeconds} s`, seconds: times.canaryRunsSeconds },
    { label: 'Canary: the last run\'s timeout', seconds: times.canaryTimeoutSeconds },
    { label: 'Canary: metric delivery (EMF, typically under a minute; UNCONFIRMED)', seconds: times.metricDeliverySeconds },
    { label: 'Canary: Route 53 reading the alarm\'s data (not documented; UNCONFIRMED)', seconds: times.route53AlarmReadSeconds },
    { label: 'Detection: the slower of the HTTPS check and the canary', seconds: times.detectionSeconds },
    { label: 'Plus the record TTL', seconds: times.recordTtlSeconds },
  ];
}
