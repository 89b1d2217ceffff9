import { Annotations, CfnOutput, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { createAlarmTopic, subscribeAlarmEmail } from '../private/alarm-topic';
import { BedrockModelIdDimension, CrossRegionDashboard, DashboardHealthCheck, TokenPrice } from '../observability/cross-region-dashboard';
import { CrossRegionInferenceProfile } from '../profiles/cross-region-inference-profile';
import { FailoverTimeBreakdown, worstCaseFailoverTime } from './private/failover-time';
import { Geography } from '../profiles/geography';
import { InferenceAuditTrail } from '../observability/inference-audit-trail';
import { InvokerAlarms } from '../observability/invoker-alarms';
import { InvokerAuthorization, InvokerAuthorizationKind } from '../invoker/invoker-authorization';
import { InvokerSettings, RegionalInvoker } from '../invoker/regional-invoker';
import { RoutingKind, RoutingPattern } from './routing-pattern';
import { auditTrailRunbookEntries, invokerAlarmsRunbookEntries, Runbook, RunbookAlarm, RunbookHealthCheck, RunbookRegion } from '../observability/private/runbook';

/** A public hosted zone the deployment adds its records to. Plain strings, so every regional stack can use it. */
export interface InferenceDomain {
  /** The zone's name, e.g. `example.com`. */
  readonly zoneName: string;
  /** The zone's id, e.g. `Z0123456789ABCDEFGHIJ`. */
  readonly hostedZoneId: string;
}

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
}

/** Settings of the health checks behind DNS routing. */
export interface HealthCheckSettings {
  /**
   * Interval of the HTTPS check of `/health`: 10 s (fast, extra cost) or 30 s.
   *
   * @default Duration.seconds(10)
   */
  readonly requestInterval?: Duration;
  /**
   * Consecutive failed HTTPS checks before a region is unhealthy (1 to 10).
   *
   * @default 3
   */
  readonly failureThreshold?: number;
  /**
   * Period of the Bedrock error and throttle alarms the alarm-based checks follow (a whole number of
   * minutes: Route 53 needs standard-resolution metrics).
   *
   * @default Duration.minutes(1)
   */
  readonly alarmPeriod?: Duration;
  /**
   * Periods in alarm before a region is unhealthy.
   *
   * @default 1
   */
  readonly alarmEvaluationPeriods?: number;
  /**
   * Bedrock errors (5xx, 529, timeouts) per period in a region that make it unhealthy.
   *
   * @default 5
   */
  readonly errorThreshold?: number;
  /**
   * Bedrock throttles per period in a region that make it unhealthy.
   *
   * @default 10
   */
  readonly throttleThreshold?: number;
}

/** Dashboards, alarms, audit and runbooks of a deployment. */
export interface OperationsOptions {
  /**
   * E-mail address subscribed to every alarm topic (one per region, plus the audit topic).
   *
   * @default - no subscription; subscribe to the topics yourself
   */
  readonly alarmEmail?: string;

  /**
   * Token prices for the dashboard's cost estimate, priced at the source region (as Bedrock bills
   * cross-region inference).
   *
   * @default - no cost widgets
   */
  readonly prices?: TokenPrice[];

  /**
   * Which `ModelId` dimension value the native `AWS/Bedrock` widgets read.
   *
   * @default BedrockModelIdDimension.PROFILE_ID
   */
  readonly bedrockModelIdDimension?: BedrockModelIdDimension;

  /**
   * Create a CloudTrail trail for the cross-region audit metric and query.
   *
   * @default true
   */
  readonly auditTrail?: boolean;

  /**
   * Name of an existing log group, in the routing region, that an organisation trail delivers to; used
   * instead of a new trail.
   *
   * @default - a new multi-region trail (when `auditTrail` is true)
   */
  readonly existingTrailLogGroupName?: string;
}

/** Properties of a {@link CrossRegionInferenceApi}. */
export interface CrossRegionInferenceApiProps {
  /** The endpoints; several make a hybrid deployment (for example `chat` active–active and `batch` active–passive). */
  readonly endpoints: InferenceEndpointOptions[];

  /**
   * The AWS account of every stack.
   *
   * @default - the CLI's default account (`CDK_DEFAULT_ACCOUNT`), or account-agnostic stacks
   */
  readonly account?: string;

  /**
   * The hosted zone for the endpoints' hostnames, certificates and DNS routing.
   *
   * @default - no DNS routing: the regional endpoints are stack outputs, and a warning says so
   */
  readonly domain?: InferenceDomain;

  /**
   * The region of the routing stack (health checks, records, global dashboard). Route 53 publishes
   * health-check metrics in us-east-1 only, so that is the natural home.
   *
   * @default 'us-east-1'
   */
  readonly routingRegion?: string;

  /**
   * Health-check settings.
   *
   * @default - 10 s HTTPS checks, 3 failures, 1-minute alarms on 5 errors or 10 throttles
   */
  readonly healthChecks?: HealthCheckSettings;

  /**
   * TTL of the routing records (Route 53 recommends 60 s or less with health checks).
   *
   * @default Duration.seconds(30)
   */
  readonly recordTtl?: Duration;

  /**
   * Dashboards, alarms, audit trail and runbooks.
   *
   * @default - every alarm and a new audit trail, no e-mail subscription, no cost widgets
   */
  readonly operations?: OperationsOptions;

  /**
   * Prefix of the stack names and of the alarm names.
   *
   * @default - the construct id
   */
  readonly namePrefix?: string;
}

/** What Route 53 needs to know about one region of one endpoint. */
interface RegionalTarget {
  readonly region: string;
  readonly invoker: RegionalInvoker;
  readonly hostname: string;
  readonly errorAlarmName: string;
  readonly throttleAlarmName: string;
}

/** One endpoint after deployment: its regional targets and, with DNS, each region's health check. */
interface RoutedEndpoint {
  readonly endpoint: InferenceEndpointOptions;
  readonly regionalTargets: RegionalTarget[];
  readonly healthChecks?: Map<string, route53.IHealthCheck>;
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

/**
 * A multi-region Bedrock inference API in one construct: a regional stack per region with the
 * invokers (each falling back to the endpoint's other regions), and a routing stack with Route 53
 * health checks and records for active–passive, active–active or hybrid routing.
 *
 * Place it in an `App` or a `Stage`. Cross-stack values are plain strings (hostnames, alarm names),
 * so no cross-region references are needed; the routing stack depends on the regional stacks.
 */
export class CrossRegionInferenceApi extends Construct {
  /** The regional stacks, in order of first appearance across the endpoints. */
  public readonly regionalStacks: Stack[];
  /** The routing stack. */
  public readonly routingStack: Stack;
  /** Every region deployed to. */
  public readonly regions: string[];
  /**
   * Worst-case time for DNS to move clients off a failed region: the slower of the HTTPS check
   * (interval x threshold) and the alarm checks (period x evaluation periods), plus the record TTL.
   * Zero when DNS routing is off.
   */
  public readonly worstCaseFailoverTime: Duration;
  /** The failure-detection part of {@link worstCaseFailoverTime}. */
  public readonly failureDetectionTime: Duration;
  /** The cross-region dashboard, in the routing stack. */
  public readonly dashboard: CrossRegionDashboard;
  /** The audit trail (or the organisation trail's metric filters), in the routing stack, when enabled. */
  public readonly auditTrail?: InferenceAuditTrail;
  /** The runbook files written into the cloud assembly, one per endpoint. */
  public readonly runbookFiles: string[] = [];
  /** Alarms on each region's Route 53 health check (routing stack in us-east-1 only). */
  public readonly healthCheckAlarms: cloudwatch.Alarm[] = [];
  private readonly healthCheckAlarmsByEndpoint = new Map<string, Array<{ region: string; alarm: cloudwatch.Alarm }>>();

  private readonly invokers = new Map<string, RegionalInvoker>();
  private readonly alarmsByInvoker = new Map<RegionalInvoker, InvokerAlarms>();
  private readonly alarmTopics = new Map<string, sns.ITopic>();
  private readonly endpointNames: string[];
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: CrossRegionInferenceApiProps) {
    super(scope, id);
    if (props.endpoints.length === 0) {
      throw new Error('endpoints is empty: give at least one endpoint ({ name, profiles, routing }).');
    }
    this.prefix = props.namePrefix ?? id;
    this.endpointNames = props.endpoints.map(e => e.name);
    validateEndpointNames(this.endpointNames);
    const settings = resolveHealthChecks(props.healthChecks ?? {});
    const recordTtl = props.recordTtl ?? Duration.seconds(30);

    const account = props.account ?? process.env.CDK_DEFAULT_ACCOUNT;
    this.regions = [...new Set(props.endpoints.flatMap(e => e.routing.regions))];
    const stacks = new Map<string, Stack>();
    for (const region of this.regions) {
      stacks.set(region, new Stack(this, region, {
        stackName: `${this.prefix}-${region}`,
        env: { account, region },
        description: `Bedrock cross-region inference: invokers in ${region} (${this.prefix})`,
      }));
    }
    this.regionalStacks = [...stacks.values()];
    const routingRegion = props.routingRegion ?? 'us-east-1';
    this.routingStack = new Stack(this, 'Routing', {
      stackName: `${this.prefix}-routing`,
      env: { account, region: routingRegion },
      description: `Bedrock cross-region inference: DNS routing and health checks (${this.prefix})`,
    });
    this.regionalStacks.forEach(stack => this.routingStack.addDependency(stack, 'health checks follow the regional alarms and hostnames'));
    if (props.domain) {
      this.checkEndpointsBehindDns(props.endpoints, props.domain);
    }
    if (recordTtl.toSeconds() > 60) {
      this.warn('record-ttl', `recordTtl is ${recordTtl.toSeconds()} s; Route 53 recommends 60 s or less for records with health checks, `
        + 'and every second of TTL adds to the worst-case failover time.');
    }

    const operations = props.operations ?? {};
    const routed = props.endpoints.map((endpoint): RoutedEndpoint => {
      const regionalTargets = endpoint.routing.regions.map(region => this.deployRegion(
        stacks.get(region)!, endpoint, region, settings, props.domain, operations));
      const healthChecks = props.domain ? this.route(endpoint, regionalTargets, settings, recordTtl, props.domain) : undefined;
      return { endpoint, regionalTargets, healthChecks };
    });

    let breakdown: FailoverTimeBreakdown | undefined;
    if (props.domain) {
      breakdown = worstCaseFailoverTime({
        healthCheckIntervalSeconds: settings.requestInterval.toSeconds(),
        healthCheckFailureThreshold: settings.failureThreshold,
        alarmPeriodSeconds: settings.alarmPeriod.toSeconds(),
        alarmEvaluationPeriods: settings.alarmEvaluationPeriods,
        recordTtlSeconds: recordTtl.toSeconds(),
      });
      this.failureDetectionTime = Duration.seconds(breakdown.detectionSeconds);
      this.worstCaseFailoverTime = Duration.seconds(breakdown.worstCaseSeconds);
    } else {
      this.failureDetectionTime = Duration.seconds(0);
      this.worstCaseFailoverTime = Duration.seconds(0);
      this.warn('dns-routing-off',
        'No domain given: DNS routing and health checks are off. Clients must call the regional endpoints (stack outputs) '
        + 'themselves; only the in-request fallback between regions protects them. Pass `domain: { zoneName, hostedZoneId }` '
        + 'to route with Route 53.');
    }

    this.auditTrail = (operations.auditTrail ?? true) ? this.createAuditTrail(props.endpoints, operations) : undefined;
    this.dashboard = this.createDashboard(routed, operations);
    this.alarmOnHealthChecks(routed, operations);
    for (const endpoint of routed) {
      this.runbookFiles.push(this.writeRunbook(endpoint, props, settings, breakdown));
    }
  }

  /**
   * The invoker of an endpoint in a region.
   *
   * @throws if the endpoint is not deployed in that region
   */
  public invoker(endpointName: string, region: string): RegionalInvoker {
    const invoker = this.invokers.get(`${endpointName}@${region}`);
    if (!invoker) {
      throw new Error(`No invoker for endpoint '${endpointName}' in '${region}'. Endpoints: ${this.endpointNames.join(', ')}; `
        + `regions: ${this.regions.join(', ')}.`);
    }
    return invoker;
  }

  /** The regional stack of a region. */
  public regionalStack(region: string): Stack {
    const stack = this.regionalStacks.find(s => s.region === region);
    if (!stack) {
      throw new Error(`'${region}' is not deployed; regions: ${this.regions.join(', ')}.`);
    }
    return stack;
  }

  private createAuditTrail(endpoints: InferenceEndpointOptions[], operations: OperationsOptions): InferenceAuditTrail {
    // Where inference may run: every destination of every profile from every planned source region
    // (each already checked against the endpoint's residency rule). Global profiles can run anywhere.
    const global = endpoints.some(e => e.profiles.some(p => p.geography === Geography.GLOBAL));
    const destinations = endpoints.flatMap(e => e.profiles.flatMap(p => e.routing.regions.flatMap(r => p.destinationsFrom(r))));
    const allowed = global ? undefined : [...new Set(destinations)].sort();
    return new InferenceAuditTrail(this.routingStack, 'AuditTrail', {
      sourceRegions: this.regions,
      allowedInferenceRegions: allowed,
      existingLogGroup: operations.existingTrailLogGroupName
        ? logs.LogGroup.fromLogGroupName(this.routingStack, 'OrganizationTrailLogs', operations.existingTrailLogGroupName)
        : undefined,
      // One alarm topic per stack: the audit alarm shares the routing stack's.
      topic: this.alarmTopicOf(this.routingStack, operations.alarmEmail),
    });
  }

  private createDashboard(routed: RoutedEndpoint[], operations: OperationsOptions): CrossRegionDashboard {
    return new CrossRegionDashboard(this.routingStack, 'Dashboard', {
      dashboardName: this.dashboardName,
      invokers: routed.flatMap(({ endpoint, regionalTargets }) => regionalTargets.map(target =>
        CrossRegionDashboard.describeInvoker(target.invoker, `${endpoint.name}: ${roleOf(endpoint.routing, target.region)}`))),
      healthChecks: routed.flatMap(({ endpoint, healthChecks }) => [...(healthChecks?.entries() ?? [])]
        .map(([region, check]): DashboardHealthCheck => ({ region, healthCheckId: check.healthCheckId, name: endpoint.name }))),
      prices: operations.prices,
      bedrockModelIdDimension: operations.bedrockModelIdDimension,
      audit: this.auditTrail ? { region: this.routingStack.region, sourceRegions: this.regions } : undefined,
    });
  }

  /** Writes the endpoint's runbook next to the templates; returns its file name. */
  private writeRunbook({ endpoint, regionalTargets, healthChecks }: RoutedEndpoint, props: CrossRegionInferenceApiProps,
    settings: Required<HealthCheckSettings>, breakdown: FailoverTimeBreakdown | undefined): string {
    const domain = props.domain;
    const runbook = new Runbook(this.routingStack, `${endpoint.name}Runbook`, {
      fileName: `${this.prefix}-${endpoint.name}.runbook.md`,
      model: {
        title: `${this.prefix} — endpoint '${endpoint.name}'`,
        routingPattern: endpoint.routing.isActivePassive ? 'active-passive' : 'active-active',
        routingDetail: `${endpoint.routing.kind} over ${endpoint.routing.regions.join(', ')}; profiles `
          + `${endpoint.profiles.map(p => p.profileId).join(', ')}`
          + (props.endpoints.length > 1 ? `; one of ${props.endpoints.length} endpoints of a hybrid deployment (${this.endpointNames.join(', ')})` : ''),
        domainName: domain ? this.recordNameOf(endpoint, domain) : undefined,
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
          idLookup: this.outputHealthCheckId(endpoint, region, check),
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
          ...regionalTargets.flatMap(target => invokerAlarmsRunbookEntries(this.alarmsByInvoker.get(target.invoker)!)),
          ...this.healthCheckAlarmEntries(endpoint),
          ...(this.auditTrail ? auditTrailRunbookEntries(this.auditTrail) : []),
        ],
        dashboard: { name: this.dashboardName, region: this.routingStack.region },
        auditQuery: this.auditTrail ? { name: this.auditTrail.queryName, region: this.auditTrail.region } : undefined,
      },
    });
    return runbook.fileName;
  }

  private healthCheckAlarmEntries(endpoint: InferenceEndpointOptions): RunbookAlarm[] {
    return (this.healthCheckAlarmsByEndpoint.get(endpoint.name) ?? []).map(({ region }): RunbookAlarm => ({
      title: `Route 53 health check of ${region} unhealthy`,
      region: this.routingStack.region,
      location: `stack ${this.routingStack.stackName}, alarm on HealthCheckStatus for ${region}`,
      meaning: `Route 53 no longer answers '${endpoint.name}' with ${region}: /health failed there, or Bedrock errors or throttles crossed the health-check alarms.`,
      firstCheck: `Which child of the calculated check failed: GET https://${region}.<endpoint>/health, or the Bedrock error/throttle alarms in ${region}.`,
      action: `Nothing, if another region serves (see "Which region is serving?"). Fix ${region} (quota, service event, deployment); traffic returns by itself once its checks pass.`,
    }));
  }

  private get dashboardName(): string {
    return `${this.prefix}-bedrock-cross-region`;
  }

  private deployRegion(stack: Stack, endpoint: InferenceEndpointOptions, region: string,
    settings: Required<HealthCheckSettings>, domain: InferenceDomain | undefined, operations: OperationsOptions): RegionalTarget {
    const invoker = new RegionalInvoker(stack, endpoint.name, {
      ...endpoint,
      fallbackRegions: endpoint.routing.fallbackOrderFrom(region),
      serviceName: `${this.prefix}-${endpoint.name}`,
    });
    this.invokers.set(`${endpoint.name}@${region}`, invoker);
    this.alarmsByInvoker.set(invoker, new InvokerAlarms(stack, `${endpoint.name}Alarms`, {
      invoker,
      topic: this.alarmTopicOf(stack, operations.alarmEmail),
    }));
    new CfnOutput(stack, `${endpoint.name}RegionalUrl`, {
      value: invoker.url,
      description: `Regional URL of the '${endpoint.name}' endpoint in ${region}`,
    });

    const recordName = domain ? this.recordNameOf(endpoint, domain) : endpoint.name;
    const target: RegionalTarget = {
      region,
      invoker,
      hostname: `${region}.${recordName}`,
      errorAlarmName: `${this.prefix}-${endpoint.name}-${region}-bedrock-errors`,
      throttleAlarmName: `${this.prefix}-${endpoint.name}-${region}-bedrock-throttles`,
    };
    if (!domain) {
      return target;
    }

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
      mapping: invoker.api,
    });
    new apigateway.DomainName(stack, `${endpoint.name}RegionalDomain`, {
      domainName: target.hostname,
      certificate,
      endpointType: apigateway.EndpointType.REGIONAL,
      securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
      mapping: invoker.api,
    });
    new route53.ARecord(stack, `${endpoint.name}RegionalRecord`, {
      zone,
      recordName: target.hostname,
      target: route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(sharedDomain)),
      comment: `'${endpoint.name}' in ${region}: the target of the routing records and of the /health check`,
    });
    return target;
  }

  private route(endpoint: InferenceEndpointOptions, regionalTargets: RegionalTarget[], settings: Required<HealthCheckSettings>,
    ttl: Duration, domain: InferenceDomain): Map<string, route53.IHealthCheck> {
    const scope = new Construct(this.routingStack, endpoint.name);
    const zone = route53.HostedZone.fromHostedZoneAttributes(scope, 'Zone', domain);
    const healthChecks = new Map(regionalTargets.map(target => [target.region, this.healthCheckFor(scope, target, settings)]));
    const recordName = this.recordNameOf(endpoint, domain);
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
          cname(`Primary${level}`, name, primary.hostname, {
            failover: route53.Failover.PRIMARY,
            setIdentifier: `${primary.region}-primary`,
            healthCheck: healthChecks.get(primary.region),
          });
          const isLastPair = level === chain.length - 2;
          const secondary = chain[level + 1];
          cname(`Secondary${level}`, name, isLastPair ? secondary.hostname : `failover-${level + 1}.${recordName}`, {
            failover: route53.Failover.SECONDARY,
            setIdentifier: isLastPair ? `${secondary.region}-secondary` : `failover-${level + 1}`,
            healthCheck: isLastPair ? healthChecks.get(secondary.region) : undefined,
          });
        }
        break;
      }
      case RoutingKind.ACTIVE_ACTIVE_LATENCY:
        for (const target of regionalTargets) {
          cname(`Latency-${target.region}`, recordName, target.hostname, {
            region: target.region,
            setIdentifier: target.region,
            healthCheck: healthChecks.get(target.region),
          });
        }
        break;
      case RoutingKind.ACTIVE_ACTIVE_WEIGHTED:
        for (const target of regionalTargets) {
          cname(`Weighted-${target.region}`, recordName, target.hostname, {
            weight: endpoint.routing.weightOf(target.region),
            setIdentifier: target.region,
            healthCheck: healthChecks.get(target.region),
          });
        }
        break;
    }
    new CfnOutput(this.routingStack, `${endpoint.name}Url`, {
      value: `https://${recordName}/`,
      description: `'${endpoint.name}' endpoint (${endpoint.routing.kind})`,
    });
    return healthChecks;
  }

  /**
   * An alarm per region's calculated health check. Route 53 publishes HealthCheckStatus in us-east-1
   * only, and alarms can only watch metrics of their own region.
   */
  private alarmOnHealthChecks(routed: RoutedEndpoint[], operations: OperationsOptions): void {
    const withChecks = routed.filter(r => r.healthChecks);
    if (withChecks.length === 0) { return; }
    if (this.routingStack.region !== 'us-east-1') {
      this.warn('health-check-alarms',
        `The routing stack is in ${this.routingStack.region}: Route 53 health-check metrics exist only in us-east-1, so no alarm `
        + 'notifies when a region\'s health check turns unhealthy (the dashboard still shows them). Use routingRegion: \'us-east-1\'.');
      return;
    }
    const topic = this.alarmTopicOf(this.routingStack, operations.alarmEmail);
    for (const { endpoint, healthChecks } of withChecks) {
      for (const [region, check] of healthChecks!) {
        const alarm = new cloudwatch.Alarm(this.routingStack, `${endpoint.name}HealthCheckAlarm-${region}`, {
          alarmDescription: `Route 53 considers '${endpoint.name}' in ${region} unhealthy and is answering with other regions. `
            + `First check the health check's children: GET /health on ${region}, then the Bedrock error and throttle alarms in ${region}.`,
          metric: new cloudwatch.Metric({
            namespace: 'AWS/Route53',
            metricName: 'HealthCheckStatus',
            dimensionsMap: { HealthCheckId: check.healthCheckId },
            statistic: cloudwatch.Stats.MINIMUM,
            period: Duration.minutes(1),
            region: 'us-east-1',
          }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.MISSING,
        });
        alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
        this.healthCheckAlarms.push(alarm);
        const byEndpoint = this.healthCheckAlarmsByEndpoint.get(endpoint.name) ?? [];
        byEndpoint.push({ region, alarm });
        this.healthCheckAlarmsByEndpoint.set(endpoint.name, byEndpoint);
      }
    }
  }

  /**
   * A synth warning. It is attached to the routing stack: annotations on constructs outside any stack
   * never reach the cloud assembly, so the CLI would not show them.
   */
  private warn(id: string, message: string): void {
    Annotations.of(this.routingStack).addWarningV2(`cdk-bedrock-cross-region:${id}`, message);
  }

  /** One encrypted alarm topic per stack, shared by the alarms there. */
  private alarmTopicOf(stack: Stack, alarmEmail: string | undefined): sns.ITopic {
    let topic = this.alarmTopics.get(stack.node.path);
    if (!topic) {
      const created = createAlarmTopic(new Construct(stack, 'AlarmTopic'), `${this.prefix} Bedrock alarms (${stack.region})`).topic;
      if (alarmEmail !== undefined) {
        subscribeAlarmEmail(created, alarmEmail);
      }
      topic = created;
      this.alarmTopics.set(stack.node.path, topic);
    }
    return topic;
  }

  /**
   * A region is healthy only if its API answers /health AND Bedrock is neither erroring nor throttling
   * there: a CALCULATED check over one HTTPS check and two alarm-based checks.
   */
  private healthCheckFor(scope: Construct, target: RegionalTarget, settings: Required<HealthCheckSettings>): route53.IHealthCheck {
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
   * What DNS routing asks of each endpoint: a hostname inside the zone (not its apex, where a CNAME is not
   * allowed), and credentials that work in whichever region DNS answers with.
   */
  private checkEndpointsBehindDns(endpoints: InferenceEndpointOptions[], domain: InferenceDomain): void {
    const zone = domain.zoneName.replace(/\.$/, '').toLowerCase();
    for (const endpoint of endpoints) {
      const recordName = this.recordNameOf(endpoint, domain).replace(/\.$/, '').toLowerCase();
      if (!Token.isUnresolved(recordName) && !Token.isUnresolved(zone) && !recordName.endsWith(`.${zone}`)) {
        throw new Error(`Endpoint '${endpoint.name}': recordName '${recordName}' must be a name inside the zone '${zone}' and not `
          + `its apex (the routing records are CNAMEs, which the apex cannot hold), e.g. '${endpoint.name}.${zone}'.`);
      }
      if (endpoint.routing.regions.length < 2) {
        continue;
      }
      const authorization = endpoint.authorization ?? InvokerAuthorization.iam();
      if (authorization.kind === InvokerAuthorizationKind.API_KEY && authorization.apiKeyOptions.value === undefined) {
        throw new Error(`Endpoint '${endpoint.name}' uses API keys behind one DNS name for ${endpoint.routing.regions.length} regions: `
          + 'give the key a value (InvokerAuthorization.apiKey({ value: SecretValue.secretsManager(\'<secret replicated to every region>\') })). '
          + 'Without one, API Gateway generates a different key in each region, and a client\'s key fails as soon as DNS answers with another region.');
      }
      if (authorization.kind === InvokerAuthorizationKind.IAM) {
        this.warn(`sigv4-region-${endpoint.name}`,
          `Endpoint '${endpoint.name}' uses IAM (SigV4) authorization behind DNS routing over ${endpoint.routing.regions.join(', ')}. `
          + 'A SigV4 signature is valid in one region only, so clients must sign each request for the region the name resolves to '
          + `(its CNAME target is '<region>.${recordName}'), and be granted execute-api:Invoke in every region `
          + '(grantInvokeApi on each regional invoker). For clients that cannot, use InvokerAuthorization.apiKey({ value }).');
      }
    }
  }

  /**
   * Adds a routing-stack output with a region's health check id, and returns the shell command that
   * reads it back once deployed, so the runbook's commands can be pasted as they are.
   */
  private outputHealthCheckId(endpoint: InferenceEndpointOptions, region: string, check: route53.IHealthCheck): string {
    const output = new CfnOutput(this.routingStack, `${endpoint.name}HealthCheck-${region}`, {
      value: check.healthCheckId,
      description: `Route 53 health check attached to the '${endpoint.name}' record of ${region} (invert it to take the region out)`,
    });
    const key = this.routingStack.resolve(output.logicalId) as string;
    return `$(aws cloudformation describe-stacks --region ${this.routingStack.region} --stack-name ${this.routingStack.stackName} `
      + `--query "Stacks[0].Outputs[?OutputKey=='${key}'].OutputValue" --output text)`;
  }

  private recordNameOf(endpoint: InferenceEndpointOptions, domain: InferenceDomain): string {
    return endpoint.recordName ?? `${endpoint.name}.${domain.zoneName}`;
  }
}

function roleOf(routing: RoutingPattern, region: string): string {
  if (!routing.isActivePassive) { return 'active'; }
  const index = routing.regions.indexOf(region);
  return index === 0 ? 'primary' : `secondary ${index}`;
}

function validateEndpointNames(names: string[]): void {
  for (const name of names) {
    if (!DNS_LABEL.test(name)) {
      throw new Error(`Endpoint name '${name}' must be a DNS label: 1 to 40 lowercase letters, digits or hyphens, `
        + 'not starting or ending with a hyphen (it becomes part of the hostname and of construct ids).');
    }
  }
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) {
    throw new Error(`Endpoint name '${duplicate}' is used twice; give each endpoint its own name.`);
  }
}

function resolveHealthChecks(settings: HealthCheckSettings): Required<HealthCheckSettings> {
  const resolved: Required<HealthCheckSettings> = {
    requestInterval: settings.requestInterval ?? Duration.seconds(10),
    failureThreshold: settings.failureThreshold ?? 3,
    alarmPeriod: settings.alarmPeriod ?? Duration.minutes(1),
    alarmEvaluationPeriods: settings.alarmEvaluationPeriods ?? 1,
    errorThreshold: settings.errorThreshold ?? 5,
    throttleThreshold: settings.throttleThreshold ?? 10,
  };
  const interval = resolved.requestInterval.toSeconds();
  if (interval !== 10 && interval !== 30) {
    throw new Error(`healthChecks.requestInterval must be 10 or 30 seconds (Route 53's only choices); got ${interval} s.`);
  }
  if (!Number.isInteger(resolved.failureThreshold) || resolved.failureThreshold < 1 || resolved.failureThreshold > 10) {
    throw new Error(`healthChecks.failureThreshold must be a whole number from 1 to 10; got ${resolved.failureThreshold}.`);
  }
  const period = resolved.alarmPeriod.toSeconds();
  if (period < 60 || period % 60 !== 0) {
    throw new Error('healthChecks.alarmPeriod must be a whole number of minutes: Route 53 alarm-based health checks need '
      + `standard-resolution metrics; got ${period} s.`);
  }
  for (const key of ['alarmEvaluationPeriods', 'errorThreshold', 'throttleThreshold'] as const) {
    const value = resolved[key];
    if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < 1)) {
      throw new Error(`healthChecks.${key} must be a whole number of at least 1; got ${value}.`);
    }
  }
  return resolved;
}
