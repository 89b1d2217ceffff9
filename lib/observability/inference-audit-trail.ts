import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { InferenceAuditAlarmOptions } from './inference-audit-alarm-options';
import { createAuditAlarms, resolveAlarmWindow, resolveAllowedRegions } from './private/audit-alarms';
import { createAuditMetricFilter } from './private/audit-metric-filters';
import {
  AUDIT_METRIC_NAMES, AUDIT_METRIC_NAMESPACE, auditMetric, auditMetricNamespace, INFERENCE_REGION_DIMENSION, SOURCE_REGION_DIMENSION,
} from './private/audit-metrics';
import {
  assertRegionName, AuditRecordRoot, crossRegionInferencePattern, inferenceOutsideAllowedRegionsPattern, inferencePattern,
} from './private/audit-patterns';
import { createWhereInferenceRanQuery } from './private/audit-query';
import { createAuditTrailDelivery } from './private/audit-trail-delivery';
import { MAX_ALARM_MATH_METRICS } from '../private/metric-identity';
import { firstDuplicate } from '../private/validation';

/** Properties of an {@link InferenceAuditTrail}. */
export interface InferenceAuditTrailProps extends InferenceAuditAlarmOptions {
  /**
   * The source regions whose Bedrock calls are checked (one metric filter each); at most 10, the
   * number of metrics one alarm can add up.
   */
  readonly sourceRegions: string[];

  /**
   * The CloudWatch Logs log group an organisation (or other existing multi-region) trail delivers to,
   * in this stack's region. When given, no trail, bucket or key is created; the metric filters,
   * the query and the alarm use this log group.
   *
   * @default - a new multi-region trail delivering to a new log group
   */
  readonly existingLogGroup?: logs.ILogGroup;

  /**
   * KMS key for the trail's log files, its bucket and its log group (new trail only). Its policy must
   * let CloudTrail and CloudWatch Logs use it.
   *
   * @default - a new key with rotation enabled and those permissions
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Retention of the trail's CloudWatch Logs log group (new trail only).
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * How long log files stay in the bucket (new trail only); they move to S3 Glacier Flexible
   * Retrieval after 90 days.
   *
   * @default Duration.days(2555) (7 years)
   */
  readonly logFileRetention?: Duration;

  /**
   * What happens to the bucket, key and log group when the stack is deleted (new trail only).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Name of the saved Logs Insights query.
   *
   * @default 'Bedrock/Where inference ran'
   */
  readonly queryName?: string;

  /**
   * The deployment these metrics belong to: the metric namespace becomes
   * `CdkBedrockCrossRegion/Audit/<deploymentName>`, so two deployments reading one log group in one
   * region publish separate series and each residency alarm fires only for its own deployment's
   * breaches. Letters, digits, spaces and `. _ - # :`.
   *
   * @default - namespace `CdkBedrockCrossRegion/Audit`, shared by every audit without a deployment name
   */
  readonly deploymentName?: string;
}

/**
 * Proof of where inference ran, read from a CloudTrail trail's CloudWatch Logs log group: CloudTrail
 * logs every Bedrock call in its source region with `additionalEventData.inferenceRegion`, the region
 * that ran it. This construct counts the calls per source and inference region and the calls that ran
 * outside their source region, alarms on unusual volume and, given the allowed inference regions, at
 * the first call that ran anywhere else; and saves a Logs Insights query that lists where inference
 * ran by profile and caller.
 *
 * Given no log group, it creates a multi-region trail that copies EVERY management event of the
 * account, from every region, to a bucket and a log group in this stack's region: CloudWatch Logs
 * ingestion is paid per GB, a second trail's copy of management events is paid per event, and the
 * callers' identities and IP addresses of every region are stored in this region (a residency matter
 * when it is outside your geography). With an organisation trail that already ships to CloudWatch
 * Logs, pass its log group instead. To audit without any of this, use {@link RegionalInferenceAudit}
 * in each source region.
 */
export class InferenceAuditTrail extends Construct {
  /** Namespace of the audit metrics when no `deploymentName` is given. */
  public static readonly METRIC_NAMESPACE = AUDIT_METRIC_NAMESPACE;
  /** Name of the audit metric: Bedrock calls that ran outside their source region. */
  public static readonly METRIC_NAME = AUDIT_METRIC_NAMES.crossRegion;
  /** Dimension of the audit metrics: the source region of the call (from `$.awsRegion`). */
  public static readonly SOURCE_REGION_DIMENSION = SOURCE_REGION_DIMENSION;
  /** Dimension of the inferences metric: the region that ran the call (from `additionalEventData.inferenceRegion`). */
  public static readonly INFERENCE_REGION_DIMENSION = INFERENCE_REGION_DIMENSION;
  /** Name of the metric of every inference call that says where it ran, by source and inference region. */
  public static readonly INFERENCES_METRIC_NAME = AUDIT_METRIC_NAMES.inferences;
  /** Name of the residency metric: Bedrock calls that ran outside `allowedInferenceRegions`. */
  public static readonly OUTSIDE_ALLOWED_REGIONS_METRIC_NAME = AUDIT_METRIC_NAMES.outsideAllowedRegions;

  /** The log group holding the CloudTrail events (created or given). */
  public readonly logGroup: logs.ILogGroup;
  /** The trail, when this construct created one. */
  public readonly trail?: cloudtrail.Trail;
  /** The bucket of the trail's log files, when this construct created the trail. */
  public readonly bucket?: s3.Bucket;
  /** The key encrypting the trail, its bucket and its log group, when this construct created the trail. */
  public readonly encryptionKey?: kms.IKey;
  /** One metric filter per source region, counting the calls that ran outside it. */
  public readonly metricFilters: logs.MetricFilter[];
  /** The metric filter counting every inference call by source and inference region. */
  public readonly inferencesFilter: logs.MetricFilter;
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
  /** The source regions counted. */
  public readonly sourceRegions: string[];
  /** The region of the log group, metrics and alarm. */
  public readonly region: string;
  /** The namespace of the audit metrics. */
  public readonly metricNamespace: string;

  constructor(scope: Construct, id: string, props: InferenceAuditTrailProps) {
    super(scope, id);
    this.region = Stack.of(this).region;
    if (props.sourceRegions.length === 0 || props.sourceRegions.length > MAX_ALARM_MATH_METRICS) {
      throw new Error(`sourceRegions must list 1 to ${MAX_ALARM_MATH_METRICS} regions; got ${props.sourceRegions.length}.`);
    }
    const duplicate = firstDuplicate(props.sourceRegions);
    if (duplicate) {
      throw new Error(`sourceRegions lists '${duplicate}' twice.`);
    }
    this.sourceRegions = [...props.sourceRegions];
    this.sourceRegions.forEach(region => assertRegionName(region)); // before anything is created
    const allowed = resolveAllowedRegions(props.allowedInferenceRegions);
    const residencyPattern = allowed === undefined ? undefined : inferenceOutsideAllowedRegionsPattern(this.sourceRegions, allowed);
    const window = resolveAlarmWindow(props.alarmThreshold, props.alarmWindow);
    this.metricNamespace = props.deploymentName === undefined ? AUDIT_METRIC_NAMESPACE : auditMetricNamespace(props.deploymentName);
    this.queryName = props.queryName ?? 'Bedrock/Where inference ran';

    if (props.existingLogGroup) {
      if (props.encryptionKey || props.logRetention || props.logFileRetention) {
        throw new Error('encryptionKey, logRetention and logFileRetention apply to a new trail; with existingLogGroup the '
          + 'organisation trail keeps its own settings. Remove them.');
      }
      this.logGroup = props.existingLogGroup;
    } else {
      const delivery = createAuditTrailDelivery(this, {
        encryptionKey: props.encryptionKey,
        logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        logFileRetention: props.logFileRetention ?? Duration.days(2555),
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      this.encryptionKey = delivery.encryptionKey;
      this.logGroup = delivery.logGroup;
      this.bucket = delivery.bucket;
      this.trail = delivery.trail;
    }

    const filterOn = { logGroup: this.logGroup, metricNamespace: this.metricNamespace, root: AuditRecordRoot.CLOUDTRAIL };
    this.metricFilters = this.sourceRegions.map(region => createAuditMetricFilter(this, `CrossRegion-${region}`, {
      ...filterOn, filterPattern: crossRegionInferencePattern(region), metric: 'crossRegion',
    }));
    this.inferencesFilter = createAuditMetricFilter(this, 'Inferences', {
      ...filterOn, filterPattern: inferencePattern(this.sourceRegions, AuditRecordRoot.CLOUDTRAIL), metric: 'inferences',
    });
    if (residencyPattern !== undefined) {
      createAuditMetricFilter(this, 'OutsideAllowedRegions', { ...filterOn, filterPattern: residencyPattern, metric: 'outsideAllowedRegions' });
    }

    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    this.sourceRegions.forEach((region, i) => { usingMetrics[`r${i}`] = this.metricCrossRegionInferences(region, { period: window }); });
    const crossRegionCalls = new cloudwatch.MathExpression({
      expression: Object.keys(usingMetrics).map(k => `FILL(${k}, 0)`).join(' + '),
      usingMetrics,
      period: window,
      label: 'Bedrock calls that ran outside their source region',
    });
    this.allowedInferenceRegions = allowed;
    const alarms = createAuditAlarms(this, props, {
      window,
      crossRegionCalls,
      residency: allowed === undefined
        ? undefined
        : { allowedRegions: allowed, outsideAllowedRegions: this.metricInferencesOutsideAllowedRegions({ period: window }) },
      context: { sourceRegions: this.sourceRegions, queryName: this.queryName, queryRegion: this.region },
      topicDisplayName: 'Bedrock cross-region audit alarms',
    });
    this.alarm = alarms.alarm;
    this.residencyAlarm = alarms.residencyAlarm;
    this.topic = alarms.topic;

    this.query = createWhereInferenceRanQuery(this, this.queryName, this.logGroup, AuditRecordRoot.CLOUDTRAIL);
  }

  /** Bedrock calls that ran outside `allowedInferenceRegions`, all source regions together (sum per 5 minutes by default). */
  public metricInferencesOutsideAllowedRegions(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return auditMetric(this, AUDIT_METRIC_NAMES.outsideAllowedRegions, undefined, props);
  }

  /** Bedrock calls made in `sourceRegion` that ran in another region (sum per 5 minutes by default). */
  public metricCrossRegionInferences(sourceRegion: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return auditMetric(this, AUDIT_METRIC_NAMES.crossRegion, { [SOURCE_REGION_DIMENSION]: sourceRegion }, props);
  }
}
