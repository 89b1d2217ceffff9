import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { AlarmTopics } from './alarm-topics';
import { ResolvedHealthCheckSettings } from './resolved-health-check-settings';
import { RegionalTarget, RoutedEndpoint } from './routed-endpoint';
import { warnAtSynth } from './synth-warning';
import { healthCheckStatusMetric } from '../../private/metric-identity';
import { ROUTE53_METRICS_REGION } from '../../shared/route53-metrics';

/** An alarm on the Route 53 health check of one region of one endpoint. */
export interface HealthCheckAlarm {
  readonly endpointName: string;
  readonly region: string;
  readonly alarm: cloudwatch.Alarm;
}

/**
 * A region is healthy only while its front door answers AND Bedrock there answers: a CALCULATED check
 * (every child healthy) over
 * - an HTTPS check of `GET /health` on `<region>.<record>`: DNS, TLS, the custom domain and API Gateway
 *   of that region;
 * - a CLOUDWATCH_METRIC check on the region's canary alarm: Bedrock in that region, called through the
 *   endpoint's first profile every canary interval, whatever the traffic.
 *
 * What does not take a region out: throttling (the invoker moves a throttled request on at once, and the
 * canary counts a throttle as an answer), and the invoker's own Errors and Throttles, which depend on
 * traffic (a drained region publishes none) and on its size (absolute counts evict busy regions).
 *
 * When every record of a name is unhealthy, Route 53 "considers all resource record sets in the group
 * healthy" (Route 53 API reference, ResourceRecordSet.HealthCheckId): latency and weighted records are
 * answered as if all were healthy, and a failover pair answers with its PRIMARY (DERIVED from that
 * sentence for failover records: UNCONFIRMED). So a canary failing everywhere at once (a model access
 * revoked in the account) degrades to plain routing, never to no answer.
 */
export function createRegionHealthCheck(scope: Construct, target: RegionalTarget, settings: ResolvedHealthCheckSettings): route53.IHealthCheck {
  const https = new route53.HealthCheck(scope, `Https-${target.region}`, {
    type: route53.HealthCheckType.HTTPS,
    fqdn: target.hostname,
    port: 443,
    resourcePath: '/health',
    enableSNI: true,
    requestInterval: settings.requestInterval,
    failureThreshold: settings.failureThreshold,
  });
  // Route 53 reads the alarm's data stream, not its state (Route 53 Developer Guide, "How Route 53
  // determines whether a health check is healthy"). The canary reports every interval, so no data means
  // the canary could not run or report there: the region is not proven, and silence is not health.
  // UNHEALTHY here (and BREACHING on the alarm) keeps a region out until Bedrock there answers again;
  // a drained region keeps being measured, so it neither flaps back in nor stays out for good.
  const canary = new route53.HealthCheck(scope, `Canary-${target.region}`, {
    type: route53.HealthCheckType.CLOUDWATCH_METRIC,
    alarmIdentifier: { name: target.canaryAlarmName, region: target.region },
    insufficientDataHealthStatus: route53.InsufficientDataHealthStatusEnum.UNHEALTHY,
  });
  const children = [https, canary];
  return new route53.HealthCheck(scope, `Region-${target.region}`, {
    type: route53.HealthCheckType.CALCULATED,
    childHealthChecks: children,
    healthThreshold: children.length,
  });
}

/**
 * An alarm per region's calculated health check, in the routing stack, notifying its alarm topic.
 * Route 53 publishes HealthCheckStatus in us-east-1 only, and alarms can only watch metrics of their own
 * region: with the routing stack elsewhere, there are none and a warning says so.
 */
export function createHealthCheckAlarms(routingStack: Stack, routed: RoutedEndpoint[], alarmTopics: AlarmTopics): HealthCheckAlarm[] {
  const withChecks = routed.filter((r): r is Required<RoutedEndpoint> => r.healthChecks !== undefined);
  if (withChecks.length === 0) { return []; }
  if (routingStack.region !== ROUTE53_METRICS_REGION) {
    warnAtSynth(routingStack, 'health-check-alarms',
      `The routing stack is in ${routingStack.region}: Route 53 health-check metrics exist only in ${ROUTE53_METRICS_REGION}, so no alarm `
      + `notifies when a region's health check turns unhealthy (the dashboard still shows them). Use routingRegion: '${ROUTE53_METRICS_REGION}'.`);
    return [];
  }
  const topic = alarmTopics.of(routingStack);
  const alarms: HealthCheckAlarm[] = [];
  for (const { endpoint, regionalTargets, healthChecks } of withChecks) {
    for (const { region, hostname, canaryAlarmName } of regionalTargets) {
      // routeEndpoint gives every regional target a health check.
      const check = healthChecks.get(region)!;
      const alarm = new cloudwatch.Alarm(routingStack, `${endpoint.name}HealthCheckAlarm-${region}`, {
        alarmDescription: `Route 53 considers '${endpoint.name}' in ${region} unhealthy and is answering with other regions. `
          + `First check the health check's children: GET https://${hostname}/health, then the canary in ${region} `
          + `(alarm ${canaryAlarmName} and the canary's log group there: Bedrock failed, or the canary did not report).`,
        metric: healthCheckStatusMetric(check.healthCheckId),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.MISSING,
      });
      alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
      alarms.push({ endpointName: endpoint.name, region, alarm });
    }
  }
  return alarms;
}
