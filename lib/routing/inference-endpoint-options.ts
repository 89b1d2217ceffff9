import { RoutingPattern } from './routing-pattern';
import { InvokerSettings } from '../invoker/invoker-settings';
import { RegionPerformanceBaseline } from '../observability/performance-baseline';
import { CrossRegionInferenceProfile } from '../profiles/cross-region-inference-profile';

/** One endpoint of the deployment: a hostname, the profiles it serves and how its traffic is routed. */
export interface InferenceEndpointOptions extends InvokerSettings {
  /** Name of the endpoint: a DNS label (`chat`, `batch`); also names its stacks' constructs and metrics. */
  readonly name: string;
  /** The profiles this endpoint serves; the first is the default. */
  readonly profiles: CrossRegionInferenceProfile[];
  /** How Route 53 routes this endpoint's traffic over its regions. */
  readonly routing: RoutingPattern;
  /**
   * The endpoint's hostname in the hosted zone.
   *
   * @default - `<name>.<zoneName>`
   */
  readonly recordName?: string;

  /**
   * Expected latency and time to first token per region, printed in the runbook's baseline section
   * next to the commands that read each region's real p50 and p99 of the last two weeks.
   *
   * @default - none: the runbook shows how to read them
   */
  readonly performanceBaselines?: RegionPerformanceBaseline[];
}
