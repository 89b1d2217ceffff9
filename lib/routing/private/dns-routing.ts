import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { InferenceDomain } from '../inference-domain';
import { InferenceEndpointOptions } from '../inference-endpoint-options';
import { RoutingKind } from '../routing-pattern';
import { createRegionHealthCheck } from './health-checks';
import { recordNameOf, sharedNameTargetOf } from './record-name';
import { ResolvedHealthCheckSettings } from './resolved-health-check-settings';
import { RegionalTarget } from './routed-endpoint';

/**
 * Routes an endpoint's hostname over its regions: in a construct named after the endpoint in the routing
 * stack, a health check per region and the CNAME records of its routing pattern (each region's answer is
 * {@link sharedNameTargetOf}), plus the URL as a routing-stack output.
 *
 * @returns each region's health check, by region
 */
export function routeEndpoint(routingStack: Stack, endpoint: InferenceEndpointOptions, regionalTargets: RegionalTarget[],
  settings: ResolvedHealthCheckSettings, ttl: Duration, domain: InferenceDomain): Map<string, route53.IHealthCheck> {
  const scope = new Construct(routingStack, endpoint.name);
  const zone = route53.HostedZone.fromHostedZoneAttributes(scope, 'Zone', domain);
  const healthChecks = new Map(regionalTargets.map(target => [target.region, createRegionHealthCheck(scope, target, settings)]));
  const recordName = recordNameOf(endpoint, domain);
  const sharedTarget = (target: RegionalTarget) => sharedNameTargetOf(target.region, recordName);
  const cname = (id: string, name: string, target: string, options: Partial<route53.RecordSetOptions>) =>
    new route53.CnameRecord(scope, id, { zone, recordName: name, domainName: target, ttl, ...options });

  switch (endpoint.routing.kind) {
    case RoutingKind.ACTIVE_PASSIVE: {
      // Route 53 allows one PRIMARY and one SECONDARY per name: further secondaries are chained
      // through `failover-<n>.<recordName>`, each level its own failover pair.
      const chain = regionalTargets;
      for (let level = 0; level < chain.length - 1; level++) {
        const name = level === 0 ? recordName : `failover-${level}.${recordName}`;
        const primary = chain[level];
        cname(`Primary${level}`, name, sharedTarget(primary), {
          failover: route53.Failover.PRIMARY,
          setIdentifier: `${primary.region}-primary`,
          healthCheck: healthChecks.get(primary.region),
        });
        const isLastPair = level === chain.length - 2;
        const secondary = chain[level + 1];
        cname(`Secondary${level}`, name, isLastPair ? sharedTarget(secondary) : `failover-${level + 1}.${recordName}`, {
          failover: route53.Failover.SECONDARY,
          setIdentifier: isLastPair ? `${secondary.region}-secondary` : `failover-${level + 1}`,
          healthCheck: isLastPair ? healthChecks.get(secondary.region) : undefined,
        });
      }
      break;
    }
    case RoutingKind.ACTIVE_ACTIVE_LATENCY:
      for (const target of regionalTargets) {
        cname(`Latency-${target.region}`, recordName, sharedTarget(target), {
          region: target.region,
          setIdentifier: target.region,
          healthCheck: healthChecks.get(target.region),
        });
      }
      break;
    case RoutingKind.ACTIVE_ACTIVE_WEIGHTED:
      for (const target of regionalTargets) {
        cname(`Weighted-${target.region}`, recordName, sharedTarget(target), {
          weight: endpoint.routing.weightOf(target.region),
          setIdentifier: target.region,
          healthCheck: healthChecks.get(target.region),
        });
      }
      break;
  }
  new CfnOutput(routingStack, `${endpoint.name}Url`, {
    value: `https://${recordName}/`,
    description: `'${endpoint.name}' endpoint (${endpoint.routing.kind})`,
  });
  return healthChecks;
}
