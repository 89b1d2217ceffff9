import { ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { InferenceAuditAlarmOptions } from './inference-audit-alarm-options';
import { createAuditAlarms, resolveAlarmWindow, resolveAllowedRegions } from './private/audit-alarms';
import { AuditMetric, createAuditMetricFilter } from './private/audit-metric-filters';
import {
  AUDIT_METRIC_NAMES, auditMetric, auditMetricNamespace, auditQueryName, INFERENCE_REGION_DIMENSION, SOURCE_REGION_DIMENSION,
} from './private/audit-metrics';
import {
  AuditRecordRoot, bedrockInferenceEventPattern, crossRegionInferencePattern, inferenceOutsideAllowedRegionsPattern, inferencePattern,
} from './private/audit-patterns';
import { createWhereInferenceRanQuery } from './private/audit-query';
import { createAuditKey, createRegionalTrail } from './private/audit-trail-delivery';
import { isRegionName } from '../shared/region-name';

/** Properties of a {@link RegionalInferenceAudit}. */
export interface RegionalInferenceAuditProps extends InferenceAuditAlarmOptions {
  /**
   * The deployment this audit belongs to. It names the metric namespace
   * (`CdkBedrockCrossRegion/Audit/<deploymentName>`: metric filter dimensions can only take values from
   * the log event, which does not name the deployment) and the saved query
   * (`Bedrock/<deploymentName>/Where inference ran from <region>`), so two deployments auditing one
   * region keep separate series, alarms and queries. Letters, digits, spaces and `. _ - # :`.
   */
  readonly deploymentName: string;

  /**
   * Create a single-region CloudTrail trail in this region (management events, read and write, to a
   * KMS-encrypted bucket here; nothing to CloudWatch Logs). CloudTrail delivers Bedrock calls to
   * EventBridge only while a trail logs management events in the region; create one here when no
   * organisation, Control Tower or other trail of the account covers this region. The first copy of
   * management events in a region is free; if another trail already logs them, this one is charged per
   * event (every Bedrock call is one), plus the bucket's storage.
   *
   * @default false - rely on the account's trail
   */
  readonly createTrail?: boolean;

  /**
   * KMS key of the log group (and of the trail and its bucket, with `createTrail`). Its policy must let
   * CloudWatch Logs in this region (and CloudTrail) use it.
   *
   * @default - a new key with rotation enabled and those permissions
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Retention of the log group of Bedrock inference events.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * How long the trail's log files stay in its bucket (with `createTrail`); they move to S3 Glacier
   * Flexible Retrieval after 90 days.
   *
   * @default Duration.days(2555) (7 years)
   */
  readonly logFileRetention?: Duration;

  /**
   * What happens to the log group, key, trail bucket when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Proof of where inference ran, kept in the region the calls were made in. CloudTrail logs every
 * Bedrock runtime call (InvokeModel, Converse and their streaming forms) as a management event in its
 * SOURCE region, with `additionalEventData.inferenceRegion`, the region that ran it
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/cross-region-inference.html), and delivers it to
 * EventBridge in that region. An EventBridge rule here writes only those events to a KMS-encrypted log
 * group here; metric filters count the calls by inference region, those that ran outside this region
 * and, given the allowed regions, those that ran anywhere else; alarms notify a topic here; a saved
 * Logs Insights query lists where inference ran by profile and caller. No record leaves the region.
 *
 * Place one in each source region's stack. EventBridge receives these events only while a CloudTrail
 * trail logs management events in the region (see `createTrail`). Cost per region: CloudWatch Logs
 * ingestion and storage of one EventBridge event (a few KB) per Bedrock call, two custom metrics plus
 * one per inference region, the alarms, and the KMS key; EventBridge does not charge for AWS service
 * events on the default bus. The log group's resource policy (EventBridge's permission to write) is
 * one of the few CloudWatch Logs resource policies a region allows per account.
 */
export class RegionalInferenceAudit extends Construct {
  /** The region audited: this stack's region, where the calls were made and everything is kept. */
  public readonly region: string;
  /** The deployment this audit belongs to. */
  public readonly deploymentName: string;
  /** The namespace of this audit's metrics. */
  public readonly metricNamespace: string;
  /** The EventBridge rule that writes Bedrock inference events to {@link logGroup}. */
  public readonly rule: events.Rule;
  /** The log group of Bedrock inference events (EventBridge events, the CloudTrail record under `detail`). */
  public readonly logGroup: logs.LogGroup;
  /** The key encrypting the log group (and the trail and its bucket). */
  public readonly encryptionKey: kms.IKey;
  /** The trail, with `createTrail`. */
  public readonly trail?: cloudtrail.Trail;
  /** The bucket of the trail's log files, with `createTrail`. */
  public readonly bucket?: s3.Bucket;
  /** The metric filters: inferences by inference region, cross-region inferences and, with a residency check, inferences outside the allowed regions. */
  public readonly metricFilters: logs.MetricFilter[];
  /** The unusual-cross-region-activity alarm. */
  public readonly alarm: cloudwatch.Alarm;
  /** Fires at the first call that ran outside `allowedInferenceRegions` (only when they are given). */
  public readonly residencyAlarm?: cloudwatch.Alarm;
  /** The regions inference may run in, when a residency check was asked for. */
  public readonly allowedInferenceRegions?: string[];
  /** The topic the alarms notify. */
  public readonly topic: sns.ITopic;
  /** The saved Logs Insights query. */
  public readonly query: logs.QueryDefinition;
  /** The name of the saved Logs Insights query. */
  public readonly queryName: string;

  constructor(scope: Construct, id: string, props: RegionalInferenceAuditProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region)) {
      throw new Error('RegionalInferenceAudit needs a stack with a concrete region (env: { region }): its filter patterns name the region.');
    }
    if (!isRegionName(region)) {
      throw new Error(`RegionalInferenceAudit needs a stack whose region is an AWS region name such as 'eu-west-1' (its filter patterns name it); got '${region}'.`);
    }
    this.region = region;
    this.metricNamespace = auditMetricNamespace(props.deploymentName);
    this.deploymentName = props.deploymentName;
    this.queryName = auditQueryName(props.deploymentName, region);
    const allowed = resolveAllowedRegions(props.allowedInferenceRegions);
    const residencyPattern = allowed === undefined
      ? undefined
      : inferenceOutsideAllowedRegionsPattern([region], allowed, AuditRecordRoot.EVENTBRIDGE);
    const window = resolveAlarmWindow(props.alarmThreshold, props.alarmWindow);
    if (!props.createTrail && props.logFileRetention !== undefined) {
      throw new Error('logFileRetention applies to the trail\'s bucket: set createTrail: true, or remove it.');
    }

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey = props.encryptionKey ?? createAuditKey(this, removalPolicy, props.createTrail ?? false);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.encryptionKey,
      removalPolicy,
    });
    if (props.createTrail) {
      const { bucket, trail } = createRegionalTrail(this, {
        encryptionKey: this.encryptionKey,
        logFileRetention: props.logFileRetention ?? Duration.days(2555),
        removalPolicy,
      });
      this.bucket = bucket;
      this.trail = trail;
    }
    this.rule = this.createRule();

    const filter = (filterId: string, filterPattern: logs.IFilterPattern, metric: AuditMetric) => createAuditMetricFilter(this, filterId, {
      logGroup: this.logGroup, filterPattern, metricNamespace: this.metricNamespace, metric, root: AuditRecordRoot.EVENTBRIDGE,
    });
    this.metricFilters = [
      filter('Inferences', inferencePattern([region], AuditRecordRoot.EVENTBRIDGE), 'inferences'),
      filter('CrossRegion', crossRegionInferencePattern(region, AuditRecordRoot.EVENTBRIDGE), 'crossRegion'),
      ...(residencyPattern === undefined ? [] : [filter('OutsideAllowedRegions', residencyPattern, 'outsideAllowedRegions')]),
    ];
    this.allowedInferenceRegions = allowed;
    const alarms = createAuditAlarms(this, props, {
      window,
      crossRegionCalls: this.metricCrossRegionInferences({ period: window }),
      residency: allowed === undefined
        ? undefined
        : { allowedRegions: allowed, outsideAllowedRegions: this.metricInferencesOutsideAllowedRegions({ period: window }) },
      context: { sourceRegions: [region], queryName: this.queryName, queryRegion: region },
      topicDisplayName: `Bedrock cross-region audit alarms (${region})`,
    });
    this.alarm = alarms.alarm;
    this.residencyAlarm = alarms.residencyAlarm;
    this.topic = alarms.topic;

    this.query = createWhereInferenceRanQuery(this, this.queryName, this.logGroup, AuditRecordRoot.EVENTBRIDGE);
  }

  /** Bedrock calls made here that ran in `inferenceRegion` (sum per 5 minutes by default). */
  public metricInferences(inferenceRegion: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    const dimensions = { [SOURCE_REGION_DIMENSION]: this.region, [INFERENCE_REGION_DIMENSION]: inferenceRegion };
    return auditMetric(this, AUDIT_METRIC_NAMES.inferences, dimensions, props);
  }

  /** Bedrock calls made here that ran in another region (sum per 5 minutes by default). */
  public metricCrossRegionInferences(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return auditMetric(this, AUDIT_METRIC_NAMES.crossRegion, { [SOURCE_REGION_DIMENSION]: this.region }, props);
  }

  /** Bedrock calls made here that ran outside `allowedInferenceRegions` (sum per 5 minutes by default). */
  public metricInferencesOutsideAllowedRegions(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return auditMetric(this, AUDIT_METRIC_NAMES.outsideAllowedRegions, undefined, props);
  }

  /**
   * The rule on the default bus. Published InvokeModel records carry `"readOnly": true`, and a rule that
   * is merely ENABLED does not match read-only management events
   * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html),
   * so the rule matches all management events; its pattern keeps it to Bedrock's inference calls.
   * The log group target needs no role: EventBridge writes through the log group's resource policy
   * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions).
   */
  private createRule(): events.Rule {
    const rule = new events.Rule(this, 'Rule', {
      description: `Bedrock inference calls made in ${this.region} (CloudTrail), for the ${this.deploymentName} audit`,
      eventPattern: bedrockInferenceEventPattern(),
    });
    (rule.node.defaultChild as events.CfnRule).state = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
    const logGroupArn = Stack.of(this).formatArn({
      service: 'logs', resource: 'log-group', resourceName: this.logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    rule.addTarget({ bind: () => ({ arn: logGroupArn, targetResource: this.logGroup }) });
    Validations.of(rule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason: 'The rule copies CloudTrail records into the audit log group; EventBridge retries a failed delivery for 24 hours, and the '
        + 'record itself stays in CloudTrail (the account\'s trail and the 90-day Event history), which a dead-letter queue would only duplicate.',
    });
    this.logGroup.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'EventBridgeWritesBedrockInferenceEvents',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [this.logGroup.logGroupArn],
    }));
    return rule;
  }
}
