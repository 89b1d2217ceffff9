/**
 * The contract between the region canary's construct (lib/routing/private/region-canary.ts) and its
 * handler (lambda/canary/). Like the invoker's contract, it has no CDK imports and no runtime
 * dependencies, so esbuild can bundle it into the handler.
 *
 * The canary publishes in the invoker's namespace (`INVOKER_METRICS_NAMESPACE`) with the invoker's
 * dimension set [`service`, `Region`]: `service` is the measured invoker's service name, `Region` the
 * region the canary called (its own).
 *
 * @internal
 */

import type { OutageDrillConfig } from './invoker-config';

/** Environment variable that carries the JSON-encoded {@link CanaryRuntimeConfig}. */
export const CANARY_CONFIG_ENV = 'CANARY_CONFIG';

/** Metric names the canary emits (embedded metric format), one record per run. */
export const CANARY_METRIC_NAMES = {
  /** 1 when Bedrock in the region answered (a throttle counts: it is an answer), 0 otherwise. */
  success: 'CanarySuccess',
  /** Milliseconds from sending the request to the answer, for successful runs only. */
  latency: 'CanaryLatency',
  /** 1 when the region throttled the canary (429 ThrottlingException, ServiceQuotaExceededException), else 0. */
  throttles: 'CanaryThrottles',
} as const;

/** Configuration of one deployed canary. */
export interface CanaryRuntimeConfig {
  /** The one region the canary calls: its own. It never fails over: it measures this region. */
  readonly region: string;
  /** The inference profile it calls (the endpoint's first). */
  readonly profileId: string;
  /** How long one run waits for Bedrock's answer before counting a failure, in milliseconds. */
  readonly timeoutMs: number;
  /** The region's outage-drill switch: while a drill runs, every run reports a failure without calling Bedrock. */
  readonly outageDrill?: OutageDrillConfig;
}
