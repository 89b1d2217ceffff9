import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { DrillSwitchReference } from './outage-drill-settings';
import { ResolvedHealthCheckSettings } from './resolved-health-check-settings';
import { RegionalInvoker } from '../../invoker/regional-invoker';
import { bundledHandlerCode } from '../../private/bundled-handler-code';
import { canaryMetric } from '../../private/metric-identity';
import { CANARY_CONFIG_ENV, CANARY_METRIC_NAMES, CanaryRuntimeConfig } from '../../shared/canary-config';
import { INVOKER_METRICS_NAMESPACE } from '../../shared/invoker-config';

/** The one Bedrock action a Converse call needs (Converse is authorised as `bedrock:InvokeModel`). */
const CONVERSE_ACTION = 'bedrock:InvokeModel';

/** Time the function gets beyond the canary's own timeout: the init phase and publishing the result. */
const FUNCTION_MARGIN_SECONDS = 10;

/** Properties of a {@link RegionCanary}. */
export interface RegionCanaryProps {
  /** The invoker measured: its region, first profile, service name (the metrics' `service`) and log key. */
  readonly invoker: RegionalInvoker;
  /** The endpoint's name, for descriptions. */
  readonly endpointName: string;
  /** Name of the alarm the region's Route 53 health check follows. */
  readonly alarmName: string;
  readonly settings: ResolvedHealthCheckSettings;
  /** The invoker's log retention and removal policy, which the canary's log group follows. */
  readonly logRetention?: logs.RetentionDays;
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The region's outage-drill switch and its ARN: while a drill runs, every run reports a failure, so
   * that DNS moves as in a real outage.
   *
   * @default - no drill
   */
  readonly outageDrill?: DrillSwitchReference;
}

/** Name of the canary alarm of `endpointName` in `region`, unique per deployment (`prefix`), endpoint and region. */
export function canaryAlarmNameOf(prefix: string, endpointName: string, region: string): string {
  return `${prefix}-${endpointName}-${region}-bedrock-canary`;
}

/**
 * A region's canary: an EventBridge schedule runs a small function that sends one tiny Converse request
 * to Bedrock in this region (never elsewhere) through the endpoint's first profile and publishes
 * `CanarySuccess`, `CanaryLatency` and `CanaryThrottles`; the alarm on `CanarySuccess` is what the
 * region's Route 53 health check follows. Unlike the invoker's own metrics it reports every interval
 * whatever the traffic, so a region DNS has drained keeps being measured. Its function runs on the
 * invoker's runtime.
 */
export class RegionCanary extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  public readonly schedule: events.Rule;
  /** In ALARM (unhealthy) after `canaryFailedRuns` failed or missing runs among the last `canaryEvaluationRuns`. */
  public readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RegionCanaryProps) {
    super(scope, id);
    const code = bundledHandlerCode('canary');
    const { invoker, settings } = props;
    const stack = Stack.of(this);
    const region = stack.region;
    const profile = invoker.profiles[0];

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      encryptionKey: invoker.encryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Canary of '${props.endpointName}': invokes ${profile.profileId} from ${region} only`,
    });
    this.logGroup.grantWrite(this.role);
    // The profile's own least-privilege statements for this one source region, narrowed to InvokeModel.
    for (const spec of profile._invokeStatementsFrom(region, { partition: Aws.PARTITION, account: stack.account })) {
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: spec.sid, actions: [CONVERSE_ACTION], resources: [...spec.resources], conditions: spec.conditions,
      }));
    }

    if (props.outageDrill !== undefined) {
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'ReadTheOutageDrillSwitch', actions: ['ssm:GetParameter'], resources: [props.outageDrill.parameterArn],
      }));
    }
    const config: CanaryRuntimeConfig = {
      region,
      profileId: profile.profileId,
      timeoutMs: settings.canaryTimeout.toMilliseconds(),
      ...(props.outageDrill === undefined ? {} : { outageDrill: props.outageDrill.config }),
    };
    this.function = new lambda.Function(this, 'Function', {
      description: `Bedrock canary of '${props.endpointName}' in ${region} (${profile.profileId}, every ${settings.canaryInterval.toMinutes()} min)`,
      runtime: invoker.function.runtime,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code,
      memorySize: 256,
      timeout: Duration.seconds(Math.ceil(config.timeoutMs / 1000) + FUNCTION_MARGIN_SECONDS),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // A run whose minute has passed proves nothing about now: no retry, no stale event.
      retryAttempts: 0,
      maxEventAge: Duration.seconds(60),
      environment: {
        [CANARY_CONFIG_ENV]: JSON.stringify(config),
        POWERTOOLS_SERVICE_NAME: invoker.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: INVOKER_METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Runs the Bedrock canary of '${props.endpointName}' in ${region}`,
      schedule: events.Schedule.rate(settings.canaryInterval),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.seconds(60) })],
    });

    // Route 53 reads this alarm's data stream, not its state (Route 53 Developer Guide, "How Route 53
    // determines whether a health check is healthy": "Route 53 monitors the data stream for the
    // corresponding alarm instead of monitoring the alarm state"). Every run publishes a datapoint, so a
    // minute without one means the canary could not run or report (Lambda down in the region, the
    // function broken): the region is not proven, and silence is not health. Hence BREACHING here and
    // InsufficientDataHealthStatus UNHEALTHY on the health check: whichever way Route 53 reads a gap,
    // the region stays out until Bedrock there answers again.
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmName: props.alarmName,
      alarmDescription: `Route 53 marks '${props.endpointName}' in ${region} unhealthy while this is in ALARM: the canary's call to `
        + `Bedrock in ${region} (${profile.profileId}) failed or did not report in ${settings.canaryFailedRuns} of the last `
        + `${settings.canaryEvaluationRuns} runs. Read the canary's log group for the error (AccessDenied, model access, 5xx, timeout); `
        + 'throttles count as answers. Traffic moves to the other regions meanwhile.',
      metric: canaryMetric(invoker.serviceName, region, CANARY_METRIC_NAMES.success, { period: settings.canaryInterval }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: settings.canaryEvaluationRuns,
      datapointsToAlarm: settings.canaryFailedRuns,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    acknowledgeCanaryFindings(this);
  }
}

/** The cdk-nag findings the canary raises by design, each with the reason it does not apply. */
function acknowledgeCanaryFindings(canary: RegionCanary): void {
  const ack = (target: IConstruct, ids: string[], reason: string) => ids.forEach(id => Validations.of(target).acknowledge({ id, reason }));
  const fn = canary.function;
  ack(fn, ['NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security-LambdaInsideVPC'],
    'The canary reaches only the public Bedrock runtime endpoint of its own region over TLS; a VPC adds NAT cost and a failure domain that would make the health signal measure the VPC.');
  ack(fn, ['NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ', 'Serverless-LambdaDLQ', 'Serverless-LambdaAsyncFailureDestination'],
    'A scheduled probe: a failed or lost run is a missing datapoint, which the canary alarm reads as a failure; the next run is the retry, and a stale event has no value to keep.');
  ack(fn, ['NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security-LambdaConcurrency'],
    'One run per interval; reserving concurrency would fail deployment in accounts with the minimum concurrency quota, and a region whose Lambda pool is exhausted cannot serve either.');
  ack(fn, ['Serverless-LambdaTracing'],
    'One call per run: its outcome and latency are the metrics it publishes; X-Ray would add a trace a minute per region and no insight.');
  const inlineReason = 'The canary role\'s policy is generated per deployment (one profile in one region, its own log group) and lives '
    + 'and dies with the role; a customer managed policy would be a separately attachable copy of the same grant.';
  ack(canary.role, ['NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'], inlineReason);
  ack(canary.schedule, ['Serverless-EventBusDLQ'],
    'A schedule tick that cannot be delivered is a missing run, which the canary alarm already reads as a failure; a queue of stale ticks would have no use.');
  ack(canary.alarm, ['NIST.800.53.R5-CloudWatchAlarmAction', 'HIPAA.Security-CloudWatchAlarmAction'],
    'A health signal, not a notification: a Route 53 CLOUDWATCH_METRIC health check follows this alarm and moves traffic; '
    + 'people are paged by the InvokerAlarms topic and the health-check alarms.');
}
