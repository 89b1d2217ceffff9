import * as route53 from 'aws-cdk-lib/aws-route53';
import { RegionalInvoker } from '../../invoker/regional-invoker';
import { InvokerAlarms } from '../../observability/invoker-alarms';
import { InferenceEndpointOptions } from '../inference-endpoint-options';

/** One endpoint deployed in one region: its invoker and alarms, and what Route 53 needs to know about it. */
export interface RegionalTarget {
  readonly region: string;
  readonly invoker: RegionalInvoker;
  readonly alarms: InvokerAlarms;
  readonly hostname: string;
  /**
   * Name of the region's canary alarm, which the region's Route 53 health check follows (unique per
   * deployment, endpoint and region; the alarm exists only with DNS routing).
   */
  readonly canaryAlarmName: string;
}

/** One endpoint after deployment: its regional targets and, with DNS, each region's health check. */
export interface RoutedEndpoint {
  readonly endpoint: InferenceEndpointOptions;
  readonly regionalTargets: RegionalTarget[];
  readonly healthChecks?: Map<string, route53.IHealthCheck>;
}
