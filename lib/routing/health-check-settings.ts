import { Duration } from 'aws-cdk-lib';

/** Settings of the health checks behind DNS routing. */
export interface HealthCheckSettings {
  /**
   * Interval of the HTTPS check of `/health`: 10 s (fast, extra cost) or 30 s.
   *
   * @default Duration.seconds(10)
   */
  readonly requestInterval?: Duration;
  /**
   * Consecutive failed HTTPS checks before a region is unhealthy (1 to 10).
   *
   * @default 3
   */
  readonly failureThreshold?: number;
  /**
   * Period of the Bedrock error and throttle alarms the alarm-based checks follow (a whole number of
   * minutes: Route 53 needs standard-resolution metrics).
   *
   * @default Duration.minutes(1)
   */
  readonly alarmPeriod?: Duration;
  /**
   * Periods in alarm before a region is unhealthy.
   *
   * @default 1
   */
  readonly alarmEvaluationPeriods?: number;
  /**
   * Bedrock errors (5xx, 529, timeouts) per period in a region that make it unhealthy.
   *
   * @default 5
   */
  readonly errorThreshold?: number;
  /**
   * Bedrock throttles per period in a region that make it unhealthy.
   *
   * @default 10
   */
  readonly throttleThreshold?: number;
}
