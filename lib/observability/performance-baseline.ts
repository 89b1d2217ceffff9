import { Duration } from 'aws-cdk-lib';

/**
 * The performance one region of an endpoint is expected to deliver, as callers see it through the
 * invoker. The runbook prints it next to the commands that read the last two weeks' real figures, so
 * whoever is on call can tell "slow" from "normal for this region".
 *
 * Give the figures you have; those left out are shown as "not stated".
 */
export interface RegionPerformanceBaseline {
  /** The region (one of the endpoint's regions). */
  readonly region: string;

  /**
   * Expected median end-to-end latency of a request served from this region (the invoker's `Latency`).
   *
   * @default - not stated
   */
  readonly latencyP50?: Duration;

  /**
   * Expected 99th-percentile end-to-end latency of a request served from this region.
   *
   * @default - not stated
   */
  readonly latencyP99?: Duration;

  /**
   * Expected median time to the first streamed token (the invoker's `TimeToFirstToken`).
   *
   * @default - not stated
   */
  readonly timeToFirstTokenP50?: Duration;

  /**
   * Expected 99th-percentile time to the first streamed token.
   *
   * @default - not stated
   */
  readonly timeToFirstTokenP99?: Duration;
}
