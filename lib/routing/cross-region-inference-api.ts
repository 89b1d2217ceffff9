import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as fis from 'aws-cdk-lib/aws-fis';
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
import { AlarmTopics } from './private/alarm-topics';
import { allowedInferenceRegionsFrom } from './private/audit-regions';
import { checkEndpointsBehindDns, validateEndpointNames } from './private/endpoint-validation';
import { FailoverTimeBreakdown, failoverTimes } from './private/failover-time';
import { createHealthCheckAlarms } from './private/health-checks';
import { drillSwitchOf } from './private/outage-drill-settings';
import { RegionOutageDrill } from './private/region-outage-drill';
import { deployRegion } from './private/regional-deployment';
import { RoutedEndpoint } from './private/routed-endpoint';
import { runbookModelOf, RunbookContext } from './private/runbook-model';
import { createStackTopology } from './private/stack-topology';
import { noteAtSynth, warnAtSynth } from './private/synth-warning';
import { auditQueryName } from '../observability/private/audit-metrics';
import { RegionalInferenceAudit } from '../observability/regional-inference-audit';
import { routeEndpoint } from './private/dns-routing';
import { roleOf } from './private/region-role';
import { resolveHealthCheckSettings } from './private/resolved-health-check-settings';
import { Runbook } from '../observability/private/runbook';

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
   * @default - HTTPS checks every 10 s (3 failures) and a canary every minute (2 failed runs of 3)
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
   * @default - every alarm and an audit in each region, no e-mail subscription, no cost widgets
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
   * (interval x threshold) and the canary (interval x failed runs + its timeout + metric delivery +
   * Route 53's reading of the alarm, the last two estimates), plus the record TTL. Zero when DNS
   * routing is off.
   */
  public readonly worstCaseFailoverTime: Duration;
  /** The failure-detection part of {@link worstCaseFailoverTime}. */
  public readonly failureDetectionTime: Duration;
  /**
   * Worst-case time for a recovered region to get its traffic back: the slower of the HTTPS check's
   * recovery (interval x threshold passes) and the canary's (evaluation runs - failed runs + 1 good
   * runs, plus timeout, metric delivery and Route 53's read), plus the record TTL. Zero when DNS
   * routing is off.
   */
  public readonly failbackTime: Duration;
  /** The cross-region dashboard, in the routing stack. */
  public readonly dashboard: CrossRegionDashboard;
  /**
   * The metric filters, alarms and query on the organisation trail's log group, in the routing stack
   * (with `operations.existingTrailLogGroupName` only).
   */
  public readonly auditTrail?: InferenceAuditTrail;
  /** The audit of each region, in its regional stack (empty with an organisation trail's log group or with the audit off). */
  public readonly regionalAudits: RegionalInferenceAudit[];
  /** The runbook files written into the cloud assembly, one per endpoint. */
  public readonly runbookFiles: string[];
  /** Alarms on each region's Route 53 health check (routing stack in us-east-1 only). */
  public readonly healthCheckAlarms: cloudwatch.Alarm[];
  /**
   * The AWS FIS experiment template of each region's outage drill, in the order of `regions` (empty
   * without `operations.outageDrill`). Each stack also has its id as an output; the runbook says how to run it.
   */
  public readonly outageDrillTemplates: fis.CfnExperimentTemplate[];

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
    const drillOptions = operations.outageDrill;
    const drillSwitches = new Map(drillOptions === undefined ? [] : this.regions.map(region =>
      [region, drillSwitchOf(drillOptions, this.prefix, stacks.regionalStacks.get(region)!)] as const));
    if (recordTtl.toSeconds() > 60) {
      warnAtSynth(this.routingStack, 'record-ttl', `recordTtl is ${recordTtl.toSeconds()} s; Route 53 recommends 60 s or less for records with health checks, `
        + 'and every second of TTL adds to the worst-case failover time.');
    }

    const routed = props.endpoints.map((endpoint): RoutedEndpoint => {
      const regionalTargets = endpoint.routing.regions.map(region => {
        const target = deployRegion(stacks.regionalStacks.get(region)!, endpoint, region, {
          prefix: this.prefix, settings, domain: props.domain, alarmTopics: this.alarmTopics, outageDrill: drillSwitches.get(region),
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
      breakdown = failoverTimes({
        healthCheckIntervalSeconds: settings.requestInterval.toSeconds(),
        healthCheckFailureThreshold: settings.failureThreshold,
        canaryIntervalSeconds: settings.canaryInterval.toSeconds(),
        canaryTimeoutSeconds: Math.ceil(settings.canaryTimeout.toMilliseconds() / 1000),
        canaryFailedRuns: settings.canaryFailedRuns,
        canaryEvaluationRuns: settings.canaryEvaluationRuns,
        recordTtlSeconds: recordTtl.toSeconds(),
      });
      this.failureDetectionTime = Duration.seconds(breakdown.detectionSeconds);
      this.worstCaseFailoverTime = Duration.seconds(breakdown.worstCaseSeconds);
      this.failbackTime = Duration.seconds(breakdown.failbackSeconds);
    } else {
      this.failureDetectionTime = Duration.seconds(0);
      this.worstCaseFailoverTime = Duration.seconds(0);
      this.failbackTime = Duration.seconds(0);
      // The props document this default; a choice, not a problem, so a note rather than a warning.
      noteAtSynth(this.routingStack,
        'No domain given: DNS routing and health checks are off. Clients must call the regional endpoints (stack outputs) '
        + 'themselves; only the in-request fallback between regions protects them. Pass `domain: { zoneName, hostedZoneId }` '
        + 'to route with Route 53.');
    }

    // After every endpoint of a region: their alarms are the drill's stop conditions.
    const drills = [...drillSwitches].map(([region, drillSwitch]) => new RegionOutageDrill(this.regionalStack(region), 'OutageDrill', {
      prefix: this.prefix,
      config: drillSwitch.config,
      targets: routed.flatMap(r => r.regionalTargets).filter(target => target.region === region),
    }));
    this.outageDrillTemplates = drills.map(drill => drill.experimentTemplate);

    const audit = this.createAudit(props.endpoints, operations);
    this.auditTrail = audit.trail;
    this.regionalAudits = audit.regional;
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
      regionalAudits: this.regionalAudits,
      dashboardName: this.dashboardName,
      bedrockModelIdDimension: operations.bedrockModelIdDimension,
      outageDrills: drills,
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

  /**
   * The audit: a RegionalInferenceAudit in each regional stack (nothing leaves the source region), or
   * the metric filters on an organisation trail's log group in the routing stack.
   */
  private createAudit(endpoints: InferenceEndpointOptions[], operations: OperationsOptions):
  { trail?: InferenceAuditTrail; regional: RegionalInferenceAudit[] } {
    const enabled = operations.auditTrail ?? true;
    if (!enabled && (operations.createRegionalTrails || operations.existingTrailLogGroupName !== undefined)) {
      throw new Error('operations.auditTrail is false, but createRegionalTrails or existingTrailLogGroupName is set: remove them, or turn the audit on.');
    }
    if (!enabled) {
      return { regional: [] };
    }
    if (operations.existingTrailLogGroupName !== undefined) {
      if (operations.createRegionalTrails) {
        throw new Error('operations.createRegionalTrails and existingTrailLogGroupName exclude each other: an organisation trail that ships to '
          + 'CloudWatch Logs already covers every region. Remove createRegionalTrails.');
      }
      const perRegion = this.regions.map(region => allowedInferenceRegionsFrom(endpoints, region));
      return {
        regional: [],
        trail: new InferenceAuditTrail(this.routingStack, 'AuditTrail', {
          sourceRegions: this.regions,
          allowedInferenceRegions: perRegion.some(r => r === undefined) ? undefined : [...new Set(perRegion.flatMap(r => r!))].sort(),
          existingLogGroup: logs.LogGroup.fromLogGroupName(this.routingStack, 'OrganizationTrailLogs', operations.existingTrailLogGroupName),
          deploymentName: this.prefix,
          queryName: auditQueryName(this.prefix, this.routingStack.region),
          // One alarm topic per stack: the audit alarm shares the routing stack's.
          topic: this.alarmTopics.of(this.routingStack),
        }),
      };
    }
    if (!operations.createRegionalTrails) {
      // Information, not a warning: most accounts have such a trail, and `cdk synth --strict` must stay clean.
      noteAtSynth(this.routingStack, `The audit of ${this.regions.join(', ')} reads the Bedrock calls CloudTrail delivers to `
        + 'EventBridge in each region, which it does only while a trail logs management events there (EventBridge User Guide, "AWS service events '
        + 'delivered via AWS CloudTrail"). If no organisation, Control Tower or other trail covers these regions, set '
        + 'operations.createRegionalTrails: true (one single-region trail per region, its bucket in that region).');
    }
    const regional = this.regions.map(region => {
      const stack = this.regionalStack(region);
      return new RegionalInferenceAudit(stack, 'InferenceAudit', {
        deploymentName: this.prefix,
        allowedInferenceRegions: allowedInferenceRegionsFrom(endpoints, region),
        createTrail: operations.createRegionalTrails ?? false,
        // One alarm topic per stack: the audit alarms share the region's.
        topic: this.alarmTopics.of(stack),
      });
    });
    return { regional };
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
      // The organisation trail's metrics in the routing region, or each source region's own.
      audit: this.auditTrail ? {
        region: this.auditTrail.region,
        sourceRegions: this.regions,
        metricNamespace: this.auditTrail.metricNamespace,
        residencyCheck: this.auditTrail.residencyAlarm !== undefined,
      } : this.regionalAudits.length > 0 ? {
        sourceRegions: this.regions,
        metricNamespace: this.regionalAudits[0].metricNamespace,
        residencyCheck: this.regionalAudits.some(a => a.residencyAlarm !== undefined),
      } : undefined,
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
