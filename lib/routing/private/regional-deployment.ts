import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { RegionalInvoker } from '../../invoker/regional-invoker';
import { InvokerAlarms } from '../../observability/invoker-alarms';
import { InferenceDomain } from '../inference-domain';
import { InferenceEndpointOptions } from '../inference-endpoint-options';
import { AlarmTopics } from './alarm-topics';
import { DrillSwitchReference } from './outage-drill-settings';
import { recordNameOf, sharedNameTargetOf } from './record-name';
import { canaryAlarmNameOf, RegionCanary } from './region-canary';
import { ResolvedHealthCheckSettings } from './resolved-health-check-settings';
import { RegionalTarget } from './routed-endpoint';

/** What every region of the deployment shares. */
export interface RegionalDeploymentContext {
  /** The deployment's name prefix (service names, alarm names). */
  readonly prefix: string;
  readonly settings: ResolvedHealthCheckSettings;
  /** The hosted zone; without one, the endpoint gets no custom domain and no canary. */
  readonly domain?: InferenceDomain;
  readonly alarmTopics: AlarmTopics;
  /** The region's outage-drill switch, which the invoker and the canary read; without one, no drill. */
  readonly outageDrill?: DrillSwitchReference;
}

/**
 * Deploys one endpoint in one region's stack: its invoker (falling back to the endpoint's other regions),
 * the invoker's alarms and its regional URL as an output; with a domain, also the region's canary (whose
 * alarm the health check follows), the certificate, the custom domains and the regional record.
 */
export function deployRegion(stack: Stack, endpoint: InferenceEndpointOptions, region: string, context: RegionalDeploymentContext): RegionalTarget {
  const { prefix, domain } = context;
  const invoker = new RegionalInvoker(stack, endpoint.name, {
    ...endpoint,
    fallbackRegions: endpoint.routing.fallbackOrderFrom(region),
    serviceName: `${prefix}-${endpoint.name}`,
  });
  if (context.outageDrill !== undefined) {
    invoker._enableOutageDrill(context.outageDrill.config, context.outageDrill.parameterArn);
  }
  const alarms = new InvokerAlarms(stack, `${endpoint.name}Alarms`, {
    invoker,
    topic: context.alarmTopics.of(stack),
  });
  new CfnOutput(stack, `${endpoint.name}RegionalUrl`, {
    value: invoker.url,
    description: `Regional URL of the '${endpoint.name}' endpoint in ${region}`,
  });

  const recordName = domain ? recordNameOf(endpoint, domain) : endpoint.name;
  const target: RegionalTarget = {
    region,
    invoker,
    alarms,
    hostname: `${region}.${recordName}`,
    canaryAlarmName: canaryAlarmNameOf(prefix, endpoint.name, region),
  };
  if (!domain) {
    return target;
  }
  new RegionCanary(stack, `${endpoint.name}Canary`, {
    invoker,
    endpointName: endpoint.name,
    alarmName: target.canaryAlarmName,
    settings: context.settings,
    logRetention: endpoint.logRetention,
    removalPolicy: endpoint.removalPolicy,
    outageDrill: context.outageDrill,
  });
  createRegionalDomain(stack, endpoint, target, recordName, domain);
  return target;
}

/**
 * The endpoint's hostname and the region's own hostname (`<region>.<recordName>`) on the region's API,
 * with one certificate for both, and one alias record per custom domain to that domain's own target:
 * `<region>.<recordName>` (the /health check's name, with SNI `<region>.<recordName>`) to the regional
 * domain, and `<region>.shared.<recordName>` (what the routing records of `<recordName>` point at, see
 * sharedNameTargetOf) to the domain `<recordName>`. API Gateway: "you must create a DNS record to point
 * the custom domain name to the Regional domain"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-regional-api-custom-domain-create.html,
 * aws-facts §9.1). So a client of `<recordName>` (SNI `<recordName>`) reaches the custom domain
 * `<recordName>` and the check reaches `<region>.<recordName>`, each through its own target, instead of
 * both through the shared one and relying on API Gateway to route a name by SNI alone.
 */
function createRegionalDomain(stack: Stack, endpoint: InferenceEndpointOptions, target: RegionalTarget, recordName: string,
  domain: InferenceDomain): void {
  const zone = route53.HostedZone.fromHostedZoneAttributes(stack, `${endpoint.name}Zone`, domain);
  const certificate = new acm.Certificate(stack, `${endpoint.name}Certificate`, {
    domainName: recordName,
    subjectAlternativeNames: [target.hostname],
    validation: acm.CertificateValidation.fromDns(zone),
  });
  const sharedDomain = new apigateway.DomainName(stack, `${endpoint.name}Domain`, {
    domainName: recordName,
    certificate,
    endpointType: apigateway.EndpointType.REGIONAL,
    securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
    mapping: target.invoker.api,
  });
  const regionalDomain = new apigateway.DomainName(stack, `${endpoint.name}RegionalDomain`, {
    domainName: target.hostname,
    certificate,
    endpointType: apigateway.EndpointType.REGIONAL,
    securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
    mapping: target.invoker.api,
  });
  new route53.ARecord(stack, `${endpoint.name}RegionalRecord`, {
    zone,
    recordName: target.hostname,
    target: route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(regionalDomain)),
    comment: `'${endpoint.name}' in ${target.region}: the custom domain ${target.hostname}, the target of the /health check`,
  });
  new route53.ARecord(stack, `${endpoint.name}SharedNameRecord`, {
    zone,
    recordName: sharedNameTargetOf(target.region, recordName),
    target: route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(sharedDomain)),
    comment: `'${endpoint.name}' in ${target.region}: the custom domain ${recordName} there, the target of its routing records`,
  });
}
