import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { AlarmTopics } from './alarm-topics';
import { ResolvedHealthCheckSettings } from './resolved-health-check-settings';
import { RegionalTarget, RoutedEndpoint } from './routed-endpoint';
import { warnAtSynth } from './synth-warning';
import { healthCheckStatusMetric, ROUTE53_METRICS_REGION } from '../../private/metric-identity';

/** An alarm on the Route 53 health check of one region of one endpoint. */
export interface HealthCheckAlarm {
  readonly endpointName: string;
  readonly region: string;
  readonly alarm: cloudwatch.Alarm;
}

/**
 * A region is healthy only if its API answers /health AND Bedrock is neither erroring nor throttling
 * there: a CALCULATED check over one HTTPS check and two alarm-based checks.
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
  // Route 53 reads the alarm's data, not its state. The invoker publishes Errors and Throttles only when
  // they happen, and a region DNS has taken out receives no requests at all, so "no data" means "no
  // errors seen": healthy. With LastKnownStatus a region taken out would stay out for good; this way it
  // comes back on its own, and if it still fails, the alarms take it out again (the HTTPS check covers
  // an endpoint that is down).
  const alarmCheck = (id: string, alarmName: string) => new route53.HealthCheck(scope, `${id}-${target.region}`, {
    type: route53.HealthCheckType.CLOUDWATCH_METRIC,
    alarmIdentifier: { name: alarmName, region: target.region },
    insufficientDataHealthStatus: route53.InsufficientDataHealthStatusEnum.HEALTHY,
  });
  const children = [https, alarmCheck('BedrockErrors', target.errorAlarmName), alarmCheck('BedrockThrottles', target.throttleAlarmName)];
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
  const withChecks = routed.filter(r => r.healthChecks);
  if (withChecks.length === 0) { return []; }
  if (routingStack.region !== ROUTE53_METRICS_REGION) {
    warnAtSynth(routingStack, 'health-check-alarms',
      `The routing stack is in ${routingStack.region}: Route 53 health-check metrics exist only in ${ROUTE53_METRICS_REGION}, so no alarm `
      + `notifies when a region's health check turns unhealthy (the dashboard still shows them). Use routingRegion: '${ROUTE53_METRICS_REGION}'.`);
    return [];
  }
  const topic = alarmTopics.of(routingStack);
  const alarms: HealthCheckAlarm[] = [];
  for (const { endpoint, healthChecks } of withChecks) {
    for (const [region, check] of healthChecks!) {
      const alarm = new cloudwatch.Alarm(routingStack, `${endpoint.name}HealthCheckAlarm-${region}`, {
        alarmDescription: `Route 53 considers '${endpoint.name}' in ${region} unhealthy and is answering with other regions. `
          + `First check the health check's children: GET /health on ${region}, then the Bedrock error and throttle alarms in ${region}.`,
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
