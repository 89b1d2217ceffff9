import { CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { RegionalInvoker } from '../../invoker/regional-invoker';
import { InvokerAlarms } from '../../observability/invoker-alarms';
import { InferenceDomain } from '../inference-domain';
import { InferenceEndpointOptions } from '../inference-endpoint-options';
import { AlarmTopics } from './alarm-topics';
import { recordNameOf } from './record-name';
import { ResolvedHealthCheckSettings } from './resolved-health-check-settings';
import { RegionalTarget } from './routed-endpoint';

/** What every region of the deployment shares. */
export interface RegionalDeploymentContext {
  /** The deployment's name prefix (service names, alarm names). */
  readonly prefix: string;
  readonly settings: ResolvedHealthCheckSettings;
  /** The hosted zone; without one, the endpoint gets no custom domain and no health-signal alarms. */
  readonly domain?: InferenceDomain;
  readonly alarmTopics: AlarmTopics;
}

/**
 * Deploys one endpoint in one region's stack: its invoker (falling back to the endpoint's other regions),
 * the invoker's alarms and its regional URL as an output; with a domain, also the Bedrock error and
 * throttle alarms the health checks follow, the certificate, the custom domains and the regional record.
 */
export function deployRegion(stack: Stack, endpoint: InferenceEndpointOptions, region: string, context: RegionalDeploymentContext): RegionalTarget {
  const { prefix, domain } = context;
  const invoker = new RegionalInvoker(stack, endpoint.name, {
    ...endpoint,
    fallbackRegions: endpoint.routing.fallbackOrderFrom(region),
    serviceName: `${prefix}-${endpoint.name}`,
  });
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
    errorAlarmName: `${prefix}-${endpoint.name}-${region}-bedrock-errors`,
    throttleAlarmName: `${prefix}-${endpoint.name}-${region}-bedrock-throttles`,
  };
  if (!domain) {
    return target;
  }
  createHealthSignalAlarms(stack, endpoint, target, context.settings);
  createRegionalDomain(stack, endpoint, target, recordName, domain);
  return target;
}

/** The Bedrock error and throttle alarms that the region's alarm-based health checks follow. */
function createHealthSignalAlarms(stack: Stack, endpoint: InferenceEndpointOptions, target: RegionalTarget,
  settings: ResolvedHealthCheckSettings): void {
  const { region, invoker } = target;
  const alarm = (idSuffix: string, alarmName: string, metric: cloudwatch.IMetric, threshold: number, what: string) =>
    new cloudwatch.Alarm(stack, `${endpoint.name}${idSuffix}`, {
      alarmName,
      alarmDescription: `Route 53 marks '${endpoint.name}' in ${region} unhealthy while this is in ALARM: Bedrock ${what} in ${region}. `
        + `Check the AWS Health Dashboard and Bedrock quotas for ${region}; traffic moves to the other regions meanwhile.`,
      metric,
      threshold,
      evaluationPeriods: settings.alarmEvaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  const healthSignal = (created: cloudwatch.Alarm) => {
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
      Validations.of(created).acknowledge({
        id: `${pack}-CloudWatchAlarmAction`,
        reason: 'A health signal, not a notification: a Route 53 CLOUDWATCH_METRIC health check follows this alarm and moves '
          + 'traffic; people are paged by the InvokerAlarms topic.',
      });
    }
  };
  healthSignal(alarm('BedrockErrorsAlarm', target.errorAlarmName, invoker.metricErrors({ period: settings.alarmPeriod }),
    settings.errorThreshold, `errors (5xx, 529, timeouts) at or above ${settings.errorThreshold} per ${settings.alarmPeriod.toMinutes()} min`));
  healthSignal(alarm('BedrockThrottlesAlarm', target.throttleAlarmName, invoker.metricThrottles({ period: settings.alarmPeriod }),
    settings.throttleThreshold, `throttles at or above ${settings.throttleThreshold} per ${settings.alarmPeriod.toMinutes()} min`));
}

/**
 * The endpoint's hostname and the region's own hostname (`<region>.<recordName>`) on the region's API,
 * with one certificate for both, and the regional record the routing records and the /health check
 * point at.
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
  new apigateway.DomainName(stack, `${endpoint.name}RegionalDomain`, {
    domainName: target.hostname,
    certificate,
    endpointType: apigateway.EndpointType.REGIONAL,
    securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
    mapping: target.invoker.api,
  });
  new route53.ARecord(stack, `${endpoint.name}RegionalRecord`, {
    zone,
    recordName: target.hostname,
    target: route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(sharedDomain)),
    comment: `'${endpoint.name}' in ${target.region}: the target of the routing records and of the /health check`,
  });
}
