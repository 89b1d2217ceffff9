import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HealthCheckSettings } from './health-check-settings';
import { InferenceDomain } from './inference-domain';
import { InferenceEndpointOptions } from './inference-endpoint-options';
import { OperationsOptions } from './operations-options';
import { RegionalInvoker } from '../invoker/regional-invoker';
import { CrossRegionDashboard } from '../observability/cross-region-dashboard';
import { DashboardHealthCheck } from '../observability/dashboard-inputs';
import { InferenceAuditTrail } from '../observability/inference-audit-trail';
import { routeEndpoint } from './private/dns-routing';
import { roleOf } from './private/region-role';
import { resolveHealthCheckSettings } from './private/resolved-health-check-settings';
import { Runbook } from '../observability/private/runbook';
import { Geography } from '../profiles/geography';
import { AlarmTopics } from './private/alarm-topics';
import { checkEndpointsBehindDns, validateEndpointNames } from './private/endpoint-validation';
import { FailoverTimeBreakdown, worstCaseFailoverTime } from './private/failover-time';
import { createHealthCheckAlarms } from './private/health-checks';
import { deployRegion } from './private/regional-deployment';
import { RoutedEndpoint } from './private/routed-endpoint';
import { runbookModelOf, RunbookContext } from './private/runbook-model';
import { createStackTopology } from './private/stack-topology';
import { warnAtSynth } from './private/synth-warning';

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
  public readonly runbookFiles: string[];
  /** Alarms on each region's Route 53 health check (routing stack in us-east-1 only). */
  public readonly healthCheckAlarms: cloudwatch.Alarm[];

  private readonly invokers = new Map<string, RegionalInvoker>();
  private readonly alarmTopics: AlarmTopics;
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
    const settings = resolveHealthCheckSettings(props.healthChecks ?? {});
    const recordTtl = props.recordTtl ?? Duration.seconds(30);
    const operations = props.operations ?? {};
    this.alarmTopics = new AlarmTopics(this.prefix, operations.alarmEmail);

    this.regions = [...new Set(props.endpoints.flatMap(e => e.routing.regions))];
    const stacks = createStackTopology(this, {
      prefix: this.prefix,
      account: props.account ?? process.env.CDK_DEFAULT_ACCOUNT,
      regions: this.regions,
      routingRegion: props.routingRegion ?? 'us-east-1',
    });
    this.regionalStacks = [...stacks.regionalStacks.values()];
    this.routingStack = stacks.routingStack;
    if (props.domain) {
      checkEndpointsBehindDns(this.routingStack, props.endpoints, props.domain);
    }
    if (recordTtl.toSeconds() > 60) {
      warnAtSynth(this.routingStack, 'record-ttl', `recordTtl is ${recordTtl.toSeconds()} s; Route 53 recommends 60 s or less for records with health checks, `
        + 'and every second of TTL adds to the worst-case failover time.');
    }

    const routed = props.endpoints.map((endpoint): RoutedEndpoint => {
      const regionalTargets = endpoint.routing.regions.map(region => {
        const target = deployRegion(stacks.regionalStacks.get(region)!, endpoint, region, {
          prefix: this.prefix, settings, domain: props.domain, alarmTopics: this.alarmTopics,
        });
        this.invokers.set(`${endpoint.name}@${region}`, target.invoker);
        return target;
      });
      const healthChecks = props.domain
        ? routeEndpoint(this.routingStack, endpoint, regionalTargets, settings, recordTtl, props.domain)
        : undefined;
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
      warnAtSynth(this.routingStack, 'dns-routing-off',
        'No domain given: DNS routing and health checks are off. Clients must call the regional endpoints (stack outputs) '
        + 'themselves; only the in-request fallback between regions protects them. Pass `domain: { zoneName, hostedZoneId }` '
        + 'to route with Route 53.');
    }

    this.auditTrail = (operations.auditTrail ?? true) ? this.createAuditTrail(props.endpoints, operations) : undefined;
    this.dashboard = this.createDashboard(routed, operations);
    const healthCheckAlarms = createHealthCheckAlarms(this.routingStack, routed, this.alarmTopics);
    this.healthCheckAlarms = healthCheckAlarms.map(({ alarm }) => alarm);
    const runbookContext: RunbookContext = {
      routingStack: this.routingStack,
      prefix: this.prefix,
      endpointNames: this.endpointNames,
      domain: props.domain,
      settings,
      breakdown,
      healthCheckAlarms,
      auditTrail: this.auditTrail,
      dashboardName: this.dashboardName,
    };
    this.runbookFiles = routed.map(endpoint => this.writeRunbook(endpoint, runbookContext));
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
      topic: this.alarmTopics.of(this.routingStack),
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
  private writeRunbook(routed: RoutedEndpoint, context: RunbookContext): string {
    const runbook = new Runbook(this.routingStack, `${routed.endpoint.name}Runbook`, {
      fileName: `${this.prefix}-${routed.endpoint.name}.runbook.md`,
      model: runbookModelOf(routed, context),
    });
    return runbook.fileName;
  }

  private get dashboardName(): string {
    return `${this.prefix}-bedrock-cross-region`;
  }
}
