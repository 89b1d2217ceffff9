/**
 * The worst-case time for DNS to steer clients away from a failed region, computed from the health
 * check and record configuration. Pure.
 *
 * Detection is the slower of the two signals combined by the calculated health check:
 * - the HTTPS check of /health: request interval x failure threshold;
 * - the alarm-based checks: alarm period x evaluation periods (Route 53 follows the alarm's data).
 * Then resolvers may keep the old answer for up to the record TTL. Not modelled (and so not in the
 * number): CloudWatch metric delivery lag (typically under a minute) and Route 53's health-checker
 * aggregation.
 */
export interface FailoverTimeInputs {
  readonly healthCheckIntervalSeconds: number;
  readonly healthCheckFailureThreshold: number;
  readonly alarmPeriodSeconds: number;
  readonly alarmEvaluationPeriods: number;
  readonly recordTtlSeconds: number;
}

/** The worst case and its parts, in seconds. */
export interface FailoverTimeBreakdown {
  readonly endpointDetectionSeconds: number;
  readonly alarmDetectionSeconds: number;
  readonly detectionSeconds: number;
  readonly recordTtlSeconds: number;
  readonly worstCaseSeconds: number;
}

/** Computes {@link FailoverTimeBreakdown}. */
export function worstCaseFailoverTime(inputs: FailoverTimeInputs): FailoverTimeBreakdown {
  const endpointDetectionSeconds = inputs.healthCheckIntervalSeconds * inputs.healthCheckFailureThreshold;
  const alarmDetectionSeconds = inputs.alarmPeriodSeconds * inputs.alarmEvaluationPeriods;
  const detectionSeconds = Math.max(endpointDetectionSeconds, alarmDetectionSeconds);
  return {
    endpointDetectionSeconds,
    alarmDetectionSeconds,
    detectionSeconds,
    recordTtlSeconds: inputs.recordTtlSeconds,
    worstCaseSeconds: detectionSeconds + inputs.recordTtlSeconds,
  };
}
