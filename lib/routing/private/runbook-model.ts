import { CfnElement, CfnOutput, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { BedrockModelIdDimension } from '../../observability/dashboard-inputs';
import { InferenceAuditTrail } from '../../observability/inference-audit-trail';
import { auditQueryName } from '../../observability/private/audit-metrics';
import { auditTrailRunbookEntries, regionalAuditRunbookEntries } from '../../observability/private/audit-runbook';
import {
  invokerAlarmsRunbookEntries, RunbookAlarm, RunbookHealthCheck, RunbookModel, RunbookRegion,
} from '../../observability/private/runbook';
import { alarmIdentityOf } from '../../observability/private/runbook-alarms';
import { baselineOf, expectedPerformanceByRegion } from '../../observability/private/runbook-baseline';
import { physicalIdLookup, RunbookOutageDrillSection } from '../../observability/private/runbook-outage-drill';
import { RegionalInferenceAudit } from '../../observability/regional-inference-audit';
import { InferenceDomain } from '../inference-domain';
import { InferenceEndpointOptions } from '../inference-endpoint-options';
import { FailoverTimeBreakdown, failoverTimeSteps } from './failover-time';
import { HealthCheckAlarm } from './health-checks';
import { recordNameOf } from './record-name';
import { canaryAlarmNameOf } from './region-canary';
import { RegionOutageDrill } from './region-outage-drill';
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
  /** The audit on an organisation trail's log group, in the routing stack. */
  readonly auditTrail?: InferenceAuditTrail;
  /** The audit of each region, in its regional stack. */
  readonly regionalAudits?: RegionalInferenceAudit[];
  /** The cross-region dashboard's name (it is in the routing stack). */
  readonly dashboardName: string;
  /** The `ModelId` value the dashboard reads (`OperationsOptions.bedrockModelIdDimension`); the baseline commands read the same. */
  readonly bedrockModelIdDimension?: BedrockModelIdDimension;
  /** The outage drill of each region (`operations.outageDrill`). */
  readonly outageDrills?: RegionOutageDrill[];
}

/**
 * The runbook model of one deployed endpoint. Adds a routing-stack output per health check, which the
 * runbook's commands read the id from.
 */
export function runbookModelOf({ endpoint, regionalTargets, healthChecks }: RoutedEndpoint, context: RunbookContext): RunbookModel {
  const { routingStack, prefix, endpointNames, domain, settings, breakdown, auditTrail } = context;
  // The audits of the regions this endpoint calls Bedrock in.
  const regionalAudits = (context.regionalAudits ?? []).filter(a => endpoint.routing.regions.includes(a.region));
  const expected = expectedPerformanceByRegion(endpoint.name, endpoint.routing.regions, endpoint.performanceBaselines);
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
        + `AND the Bedrock canary every ${settings.canaryInterval.toMinutes()} min (unhealthy after ${settings.canaryFailedRuns} failed or missing runs of ${settings.canaryEvaluationRuns})`,
    })),
    failoverTime: {
      worstCaseSeconds: breakdown?.worstCaseSeconds ?? 0,
      breakdown: breakdown ? failoverTimeSteps(breakdown) : [],
    },
    alarms: [
      ...regionalTargets.flatMap(target => invokerAlarmsRunbookEntries(target.alarms)),
      ...healthCheckAlarmEntries(routingStack, endpoint, context.healthCheckAlarms),
      ...(auditTrail ? auditTrailRunbookEntries(auditTrail) : []),
      ...regionalAudits.flatMap(regionalAuditRunbookEntries),
    ],
    baselines: regionalTargets.map(target => baselineOf(target.invoker, {
      modelIdDimension: context.bedrockModelIdDimension,
      expected: expected.get(target.region),
      latencyAnomalyBand: target.alarms.latencyUsesAnomalyDetection,
    })),
    dashboard: { name: context.dashboardName, region: routingStack.region },
    auditQuery: auditTrail
      ? { name: auditTrail.queryName, region: auditTrail.region }
      : regionalAudits.length > 0
        // One query per region, named after it.
        ? { name: auditQueryName(regionalAudits[0].deploymentName, '<source region>'), region: regionalAudits.map(a => a.region).join(', ') }
        : undefined,
    outageDrill: outageDrillSectionOf(endpoint, context),
  };
}

/** The drills of the regions the endpoint is deployed in, and when DNS reacts to one. */
function outageDrillSectionOf(endpoint: InferenceEndpointOptions, context: RunbookContext): RunbookOutageDrillSection | undefined {
  const drills = (context.outageDrills ?? []).filter(drill => endpoint.routing.regions.includes(Stack.of(drill).region));
  if (drills.length === 0) {
    return undefined;
  }
  const { breakdown, settings, domain } = context;
  return {
    drills: drills.map(drill => {
      const stack = Stack.of(drill);
      const logGroupId = stack.resolve(stack.getLogicalId(drill.experimentLogGroup.node.defaultChild as CfnElement)) as string;
      return {
        region: stack.region,
        templateIdLookup: stackOutputLookup(drill.templateIdOutput),
        logGroupLookup: physicalIdLookup(stack.region, stack.stackName, logGroupId),
        parameterName: drill.config.parameterName,
        durationMinutes: drill.config.maxDurationMinutes,
        cacheSeconds: drill.config.cacheSeconds,
        stopAlarms: drill.stopAlarms.map(alarmIdentityOf),
      };
    }),
    // The drill fails the canary only: /health (answered by API Gateway) keeps passing, so DNS moves on the canary's path.
    dns: breakdown ? {
      canaryIntervalSeconds: settings.canaryInterval.toSeconds(),
      canaryFailedRuns: settings.canaryFailedRuns,
      failoverSeconds: breakdown.canaryDetectionSeconds + breakdown.recordTtlSeconds,
      failbackSeconds: breakdown.failbackSeconds,
    } : undefined,
    domainName: domain ? recordNameOf(endpoint, domain) : undefined,
  };
}

/** The runbook entries of the endpoint's health-check alarms. */
function healthCheckAlarmEntries(routingStack: Stack, endpoint: InferenceEndpointOptions, alarms: HealthCheckAlarm[]): RunbookAlarm[] {
  // One runbook section for every region's alarm: the region is the row, so the text says "this region".
  return alarms.filter(a => a.endpointName === endpoint.name).map(({ region, alarm }): RunbookAlarm => ({
    title: 'Route 53 health check unhealthy',
    region,
    location: `stack ${routingStack.stackName}, alarm on HealthCheckStatus for ${region}`,
    alarm: alarmIdentityOf(alarm),
    meaning: `Route 53 no longer answers '${endpoint.name}' with this region: /health failed there, or the canary's calls to Bedrock there failed (or it did not report).`,
    firstCheck: 'Which child of the calculated check failed: GET https://<region>.<endpoint>/health, or the canary alarm '
      + `(${canaryAlarmNameOf('<prefix>', '<endpoint>', '<region>')}) and its log group in this region.`,
    action: 'Nothing, if another region serves (see "Which region is serving?"). Fix this region (quota, service event, deployment); traffic returns by itself once its checks pass.',
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
  return stackOutputLookup(output);
}

/** The shell command that prints a stack output's value once deployed. */
function stackOutputLookup(output: CfnOutput): string {
  const stack = Stack.of(output);
  const key = stack.resolve(output.logicalId) as string;
  return `$(aws cloudformation describe-stacks --region ${stack.region} --stack-name ${stack.stackName} `
    + `--query "Stacks[0].Outputs[?OutputKey=='${key}'].OutputValue" --output text)`;
}
