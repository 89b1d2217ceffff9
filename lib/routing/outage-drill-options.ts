import { Duration } from 'aws-cdk-lib';

/**
 * A rehearsal of a regional outage in the real account, with no code change: per region, a switch (an SSM
 * parameter the region's invokers and canary read) and an AWS FIS experiment template that turns it on for
 * `duration`. While it is on, the region's invokers treat Bedrock in their own region as failing (a 503,
 * so requests fail over to the next region in the request and the circuit breaker opens as in a real
 * outage) and the region's canary reports failures (so, with DNS routing, Route 53 moves clients away).
 * The experiment stops itself when the region's API 5xx alarm or Bedrock-rejection alarm fires. The
 * switch fails safe: an unreadable, malformed or expired value is no drill. The runbook says how to run it.
 */
export interface OutageDrillOptions {
  /**
   * How long one drill treats the region as failing, in whole minutes (1 to 600). It is also the longest
   * any value of the switch is honoured: the handlers refuse a switch that claims to last longer.
   *
   * @default Duration.minutes(30)
   */
  readonly duration?: Duration;

  /**
   * How long the handlers trust a read of the switch (or a failure to read it), in whole seconds (1 to
   * 300): a drill reaches every warm invoker within this time, and each invoker container reads SSM at
   * most once per period.
   *
   * @default Duration.seconds(10)
   */
  readonly parameterCacheTime?: Duration;
}
