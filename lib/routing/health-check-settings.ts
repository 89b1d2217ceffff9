import { Duration } from 'aws-cdk-lib';

/**
 * Settings of the health checks behind DNS routing. Each region's health check is healthy only while
 * both signals are: its front door answers an HTTPS `GET /health`, and its canary (a scheduled function
 * that calls Bedrock in that region with a tiny request) succeeds. Neither depends on traffic.
 */
export interface HealthCheckSettings {
  /**
   * Interval of the HTTPS check of `/health`: 10 s (fast, extra cost) or 30 s.
   *
   * @default Duration.seconds(10)
   */
  readonly requestInterval?: Duration;
  /**
   * Consecutive failed (or, to recover, passed) HTTPS checks before a region changes status (1 to 10).
   *
   * @default 3
   */
  readonly failureThreshold?: number;
  /**
   * How often each region's canary calls Bedrock there: a whole number of minutes from 1 to 60 (the
   * alarm the health check follows has this period, and Route 53 needs standard-resolution metrics).
   *
   * @default Duration.minutes(1)
   */
  readonly canaryInterval?: Duration;
  /**
   * How long one canary run waits for Bedrock's answer before it counts as a failure (1 to 30 s). A
   * one-token answer normally takes well under a second.
   *
   * @default Duration.seconds(10)
   */
  readonly canaryTimeout?: Duration;
  /**
   * Failed (or missing) canary runs among the last `canaryEvaluationRuns` that make a region unhealthy.
   *
   * @default 2
   */
  readonly canaryFailedRuns?: number;
  /**
   * How many of the latest canary runs the alarm looks at (at least `canaryFailedRuns`). A region
   * comes back after `canaryEvaluationRuns - canaryFailedRuns + 1` good runs in a row.
   *
   * @default 3
   */
  readonly canaryEvaluationRuns?: number;
}
