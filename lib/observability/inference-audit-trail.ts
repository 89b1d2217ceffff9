import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { createResidencyAlarm, createUnusualActivityAlarm, notifyOnAlarmAndOk, resolveAlarmWindow } from './private/audit-alarms';
import {
  AUDIT_METRIC_NAMES, AUDIT_METRIC_NAMESPACE, auditMetricNamespace, INFERENCE_REGION_DIMENSION, SOURCE_REGION_DIMENSION,
} from './private/audit-metrics';
import {
  assertRegionName, AuditRecordRoot, crossRegionInferencePattern, inferenceOutsideAllowedRegionsPattern, inferencePattern,
} from './private/audit-patterns';
import { createWhereInferenceRanQuery } from './private/audit-query';
import { createAuditTrailDelivery } from './private/audit-trail-delivery';
import { createAlarmTopic, subscribeAlarmEmail } from '../private/alarm-topic';
import { MAX_ALARM_MATH_METRICS } from '../private/metric-identity';
import { firstDuplicate } from '../private/validation';


/** Properties of an {@link InferenceAuditTrail}. */
export interface InferenceAuditTrailProps {
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
   * The regions inference may run in: the destinations the profiles may route to, within your
   * geography or residency rule. A Bedrock call from one of `sourceRegions` that ran anywhere else
   * (`additionalEventData.inferenceRegion` not listed) is counted by the `InferencesOutsideAllowedRegions`
   * metric, and the residency alarm fires at the first one.
   *
   * @default - no residency check
   */
  readonly allowedInferenceRegions?: string[];

  /**
   * A fixed number of cross-region invocations (all source regions together) within `alarmWindow`
   * above which the unusual-cross-region-activity alarm fires. Cross-region profiles route to other
   * regions by design, so any fixed number must come from your own traffic (the dashboard's normal level).
   *
   * @default - anomaly detection: the count above the upper edge of a band 3 standard deviations wide,
   * learnt from the metric's own history
   */
  readonly alarmThreshold?: number;

  /**
   * Window of the unusual-cross-region-activity alarm. CloudTrail delivers events 5 to 15 minutes
   * late, so windows shorter than 15 minutes miss events.
   *
   * @default Duration.hours(1)
   */
  readonly alarmWindow?: Duration;

  /**
   * Topic the alarm notifies (on ALARM and OK), for example {@link InvokerAlarms.topic} of the same stack.
   *
   * @default - a new topic encrypted with a new customer managed KMS key, TLS enforced
   */
  readonly topic?: sns.ITopic;

  /**
   * E-mail address subscribed to the topic (the recipient must confirm).
   *
   * @default - no subscription
   */
  readonly alarmEmail?: string;

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
  /** The topic the alarm notifies. */
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
    if (props.allowedInferenceRegions !== undefined && props.allowedInferenceRegions.length === 0) {
      throw new Error('allowedInferenceRegions is empty: list the regions inference may run in, or leave it out for no residency check.');
    }
    const residencyPattern = props.allowedInferenceRegions === undefined
      ? undefined
      : inferenceOutsideAllowedRegionsPattern(this.sourceRegions, [...new Set(props.allowedInferenceRegions)]);
    const threshold = props.alarmThreshold;
    const window = resolveAlarmWindow(threshold, props.alarmWindow);
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

    this.metricFilters = this.sourceRegions.map(region => new logs.MetricFilter(this, `CrossRegion-${region}`, {
      logGroup: this.logGroup,
      filterPattern: crossRegionInferencePattern(region),
      metricNamespace: this.metricNamespace,
      metricName: AUDIT_METRIC_NAMES.crossRegion,
      metricValue: '1',
      dimensions: { [SOURCE_REGION_DIMENSION]: '$.awsRegion' },
      unit: cloudwatch.Unit.COUNT,
    }));
    this.inferencesFilter = new logs.MetricFilter(this, 'Inferences', {
      logGroup: this.logGroup,
      filterPattern: inferencePattern(this.sourceRegions, AuditRecordRoot.CLOUDTRAIL),
      metricNamespace: this.metricNamespace,
      metricName: AUDIT_METRIC_NAMES.inferences,
      metricValue: '1',
      dimensions: { [SOURCE_REGION_DIMENSION]: '$.awsRegion', [INFERENCE_REGION_DIMENSION]: '$.additionalEventData.inferenceRegion' },
      unit: cloudwatch.Unit.COUNT,
    });

    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    this.sourceRegions.forEach((region, i) => { usingMetrics[`r${i}`] = this.metricCrossRegionInferences(region, { period: window }); });
    const crossRegionCalls = new cloudwatch.MathExpression({
      expression: Object.keys(usingMetrics).map(k => `FILL(${k}, 0)`).join(' + '),
      usingMetrics,
      period: window,
      label: 'Bedrock calls that ran outside their source region',
    });
    const alarmContext = { sourceRegions: this.sourceRegions, queryName: this.queryName, queryRegion: this.region };
    this.alarm = createUnusualActivityAlarm(this, crossRegionCalls, threshold, window, alarmContext);
    this.topic = props.topic ?? createAlarmTopic(this, 'Bedrock cross-region audit alarms').topic;
    if (props.alarmEmail !== undefined) {
      subscribeAlarmEmail(this.topic, props.alarmEmail);
    }
    notifyOnAlarmAndOk(this.topic, this.alarm);

    if (residencyPattern !== undefined) {
      this.allowedInferenceRegions = [...new Set(props.allowedInferenceRegions!)];
      new logs.MetricFilter(this, 'OutsideAllowedRegions', {
        logGroup: this.logGroup,
        filterPattern: residencyPattern,
        metricNamespace: this.metricNamespace,
        metricName: AUDIT_METRIC_NAMES.outsideAllowedRegions,
        metricValue: '1',
        unit: cloudwatch.Unit.COUNT,
      });
      this.residencyAlarm = createResidencyAlarm(this, this.metricInferencesOutsideAllowedRegions({ period: window }),
        this.allowedInferenceRegions, alarmContext);
      notifyOnAlarmAndOk(this.topic, this.residencyAlarm);
    }

    this.query = createWhereInferenceRanQuery(this, this.queryName, this.logGroup, AuditRecordRoot.CLOUDTRAIL);
  }

  /** Bedrock calls that ran outside `allowedInferenceRegions`, all source regions together (sum per 5 minutes by default). */
  public metricInferencesOutsideAllowedRegions(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricNamespace,
      metricName: AUDIT_METRIC_NAMES.outsideAllowedRegions,
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      region: this.region,
      ...props,
    });
  }

  /** Bedrock calls made in `sourceRegion` that ran in another region (sum per 5 minutes by default). */
  public metricCrossRegionInferences(sourceRegion: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricNamespace,
      metricName: AUDIT_METRIC_NAMES.crossRegion,
      dimensionsMap: { [SOURCE_REGION_DIMENSION]: sourceRegion },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      region: this.region,
      ...props,
    });
  }
}
