import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { InferenceAuditTrail } from '../../observability/inference-audit-trail';
import {
  auditTrailRunbookEntries, invokerAlarmsRunbookEntries, RunbookAlarm, RunbookHealthCheck, RunbookModel, RunbookRegion,
} from '../../observability/private/runbook';
import { InferenceDomain } from '../inference-domain';
import { InferenceEndpointOptions } from '../inference-endpoint-options';
import { FailoverTimeBreakdown } from './failover-time';
import { HealthCheckAlarm } from './health-checks';
import { recordNameOf } from './record-name';
import { roleOf } from './region-role';
import { ResolvedHealthCheckSettings } from './resolved-health-check-settings';
import { RoutedEndpoint } from './routed-endpoint';

/** What the runbook of every endpoint of a deployment shares. */
export interface RunbookContext {
  /** Where the health-check id outputs go. */
  readonly routingStack: Stack;
  /** The deployment's name prefix (the title). */
  readonly prefix: string;
  /** Every endpoint's name, in order. */
  readonly endpointNames: string[];
  readonly domain?: InferenceDomain;
  readonly settings: ResolvedHealthCheckSettings;
  /** The failover time, with DNS routing. */
  readonly breakdown?: FailoverTimeBreakdown;
  /** Every endpoint's health-check alarms. */
  readonly healthCheckAlarms: HealthCheckAlarm[];
  readonly auditTrail?: InferenceAuditTrail;
  /** The cross-region dashboard's name (it is in the routing stack). */
  readonly dashboardName: string;
}

/**
 * The runbook model of one deployed endpoint. Adds a routing-stack output per health check, which the
 * runbook's commands read the id from.
 */
export function runbookModelOf({ endpoint, regionalTargets, healthChecks }: RoutedEndpoint, context: RunbookContext): RunbookModel {
  const { routingStack, prefix, endpointNames, domain, settings, breakdown, auditTrail } = context;
  return {
    title: `${prefix} — endpoint '${endpoint.name}'`,
    routingPattern: endpoint.routing.isActivePassive ? 'active-passive' : 'active-active',
    routingDetail: `${endpoint.routing.kind} over ${endpoint.routing.regions.join(', ')}; profiles `
      + `${endpoint.profiles.map(p => p.profileId).join(', ')}`
      + (endpointNames.length > 1 ? `; one of ${endpointNames.length} endpoints of a hybrid deployment (${endpointNames.join(', ')})` : ''),
    domainName: domain ? recordNameOf(endpoint, domain) : undefined,
    regions: regionalTargets.map((target): RunbookRegion => ({
      region: target.region,
      role: roleOf(endpoint.routing, target.region),
      fallbackRegions: target.invoker.regionPlan.slice(1),
      endpoint: domain ? target.hostname : undefined,
      stackName: Stack.of(target.invoker).stackName,
    })),
    healthChecks: [...(healthChecks?.entries() ?? [])].map(([region, check]): RunbookHealthCheck => ({
      region,
      healthCheckId: check.healthCheckId,
      idLookup: outputHealthCheckId(routingStack, endpoint, region, check),
      type: `calculated: HTTPS GET /health every ${settings.requestInterval.toSeconds()} s (${settings.failureThreshold} failures) `
        + `AND Bedrock errors < ${settings.errorThreshold} AND throttles < ${settings.throttleThreshold} per ${settings.alarmPeriod.toMinutes()} min`,
    })),
    failoverTime: {
      worstCaseSeconds: breakdown?.worstCaseSeconds ?? 0,
      breakdown: breakdown ? [
        { label: `HTTPS check of /health: ${settings.requestInterval.toSeconds()} s x ${settings.failureThreshold} failures (in parallel with the alarms)`, seconds: breakdown.endpointDetectionSeconds },
        { label: `Bedrock error/throttle alarms: ${settings.alarmPeriod.toSeconds()} s x ${settings.alarmEvaluationPeriods} period(s) (in parallel with the HTTPS check)`, seconds: breakdown.alarmDetectionSeconds },
        { label: 'Detection: the slower of the two', seconds: breakdown.detectionSeconds },
        { label: 'Plus the record TTL', seconds: breakdown.recordTtlSeconds },
      ] : [],
    },
    alarms: [
      ...regionalTargets.flatMap(target => invokerAlarmsRunbookEntries(target.alarms)),
      ...healthCheckAlarmEntries(routingStack, endpoint, context.healthCheckAlarms),
      ...(auditTrail ? auditTrailRunbookEntries(auditTrail) : []),
    ],
    dashboard: { name: context.dashboardName, region: routingStack.region },
    auditQuery: auditTrail ? { name: auditTrail.queryName, region: auditTrail.region } : undefined,
  };
}

/** The runbook entries of the endpoint's health-check alarms. */
function healthCheckAlarmEntries(routingStack: Stack, endpoint: InferenceEndpointOptions, alarms: HealthCheckAlarm[]): RunbookAlarm[] {
  return alarms.filter(a => a.endpointName === endpoint.name).map(({ region }): RunbookAlarm => ({
    title: `Route 53 health check of ${region} unhealthy`,
    region: routingStack.region,
    location: `stack ${routingStack.stackName}, alarm on HealthCheckStatus for ${region}`,
    meaning: `Route 53 no longer answers '${endpoint.name}' with ${region}: /health failed there, or Bedrock errors or throttles crossed the health-check alarms.`,
    firstCheck: `Which child of the calculated check failed: GET https://${region}.<endpoint>/health, or the Bedrock error/throttle alarms in ${region}.`,
    action: `Nothing, if another region serves (see "Which region is serving?"). Fix ${region} (quota, service event, deployment); traffic returns by itself once its checks pass.`,
  }));
}

/**
 * Adds a routing-stack output with a region's health check id, and returns the shell command that
 * reads it back once deployed, so the runbook's commands can be pasted as they are.
 */
function outputHealthCheckId(routingStack: Stack, endpoint: InferenceEndpointOptions, region: string, check: route53.IHealthCheck): string {
  const output = new CfnOutput(routingStack, `${endpoint.name}HealthCheck-${region}`, {
    value: check.healthCheckId,
    description: `Route 53 health check attached to the '${endpoint.name}' record of ${region} (invert it to take the region out)`,
  });
  const key = routingStack.resolve(output.logicalId) as string;
  return `$(aws cloudformation describe-stacks --region ${routingStack.region} --stack-name ${routingStack.stackName} `
    + `--query "Stacks[0].Outputs[?OutputKey=='${key}'].OutputValue" --output text)`;
}
