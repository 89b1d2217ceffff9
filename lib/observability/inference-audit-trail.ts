import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { assertRegionName, BEDROCK_INFERENCE_EVENT_NAMES, crossRegionInferencePattern, inferenceOutsideAllowedRegionsPattern } from './private/audit-patterns';
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
}

/**
 * Proof of where inference ran: CloudTrail logs every Bedrock call in its source region with
 * `additionalEventData.inferenceRegion`, the region that ran it. This construct delivers those events
 * to CloudWatch Logs (a new multi-region trail, or an organisation trail's log group), counts the calls
 * that ran outside their source region per source region, alarms on unusual volume and, given the
 * allowed inference regions, at the first call that ran anywhere else; and saves a Logs Insights query
 * that lists where inference ran by profile and caller.
 *
 * A multi-region trail delivers every region's events to the log group in this stack's region, so
 * one instance covers all source regions. Note that a second trail's copy of management events is
 * charged; with an organisation trail, pass its log group instead.
 */
export class InferenceAuditTrail extends Construct {
  /** Namespace of the audit metric. */
  public static readonly METRIC_NAMESPACE = 'CdkBedrockCrossRegion/Audit';
  /** Name of the audit metric: Bedrock calls that ran outside their source region. */
  public static readonly METRIC_NAME = 'CrossRegionInferences';
  /** Dimension of the audit metric: the source region of the call (from `$.awsRegion`). */
  public static readonly SOURCE_REGION_DIMENSION = 'SourceRegion';
  /** Name of the residency metric: Bedrock calls that ran outside `allowedInferenceRegions`. */
  public static readonly OUTSIDE_ALLOWED_REGIONS_METRIC_NAME = 'InferencesOutsideAllowedRegions';

  /** The log group holding the CloudTrail events (created or given). */
  public readonly logGroup: logs.ILogGroup;
  /** The trail, when this construct created one. */
  public readonly trail?: cloudtrail.Trail;
  /** The bucket of the trail's log files, when this construct created the trail. */
  public readonly bucket?: s3.Bucket;
  /** The key encrypting the trail, its bucket and its log group, when this construct created the trail. */
  public readonly encryptionKey?: kms.IKey;
  /** One metric filter per source region. */
  public readonly metricFilters: logs.MetricFilter[];
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
    if (threshold !== undefined && !Token.isUnresolved(threshold) && !(threshold >= 0)) {
      throw new Error(`alarmThreshold must be zero or more; got ${threshold}.`);
    }
    const window = props.alarmWindow ?? Duration.hours(1);
    const windowMinutes = window.toMinutes({ integral: false });
    if (!Token.isUnresolved(windowMinutes) && (!Number.isInteger(windowMinutes) || windowMinutes < 1 || windowMinutes > 1440)) {
      throw new Error(`alarmWindow must be a whole number of minutes between 1 and 1440; got ${window.toHumanString()}.`);
    }

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
      metricNamespace: InferenceAuditTrail.METRIC_NAMESPACE,
      metricName: InferenceAuditTrail.METRIC_NAME,
      metricValue: '1',
      dimensions: { [InferenceAuditTrail.SOURCE_REGION_DIMENSION]: '$.awsRegion' },
      unit: cloudwatch.Unit.COUNT,
    }));

    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    this.sourceRegions.forEach((region, i) => { usingMetrics[`r${i}`] = this.metricCrossRegionInferences(region, { period: window }); });
    const crossRegionCalls = new cloudwatch.MathExpression({
      expression: Object.keys(usingMetrics).map(k => `FILL(${k}, 0)`).join(' + '),
      usingMetrics,
      period: window,
      label: 'Bedrock calls that ran outside their source region',
    });
    const condition = threshold === undefined
      ? `more Bedrock calls than usual (above the anomaly band learnt from the metric's history) from ${this.sourceRegions.join(', ')} ran in another region`
      : `more than ${threshold} Bedrock calls from ${this.sourceRegions.join(', ')} ran in another region`;
    const alarmDescription = `Unusual cross-region activity: ${condition} within ${window.toHumanString()}. First check: run the saved Logs Insights `
      + `query "${props.queryName ?? 'Bedrock/Where inference ran'}" in ${this.region} to see which profiles and callers, and which inference `
      + 'regions; then check whether the source region throttles (cross-region profiles route away under load) or a new caller uses a global profile.';
    // Cross-region profiles route away by design, so a fixed number fits nobody by default: compare with the metric's own history.
    this.alarm = threshold === undefined
      ? new cloudwatch.AnomalyDetectionAlarm(this, 'UnusualCrossRegionActivity', {
        metric: crossRegionCalls,
        stdDevs: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
        evaluationPeriods: 1,
        // No matching CloudTrail event publishes nothing: no data is zero cross-region calls.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription,
      })
      : new cloudwatch.Alarm(this, 'UnusualCrossRegionActivity', {
        metric: crossRegionCalls,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription,
      });
    this.topic = props.topic ?? createAlarmTopic(this, 'Bedrock cross-region audit alarms').topic;
    if (props.alarmEmail !== undefined) {
      subscribeAlarmEmail(this.topic, props.alarmEmail);
    }
    const action = new cloudwatchActions.SnsAction(this.topic);
    this.alarm.addAlarmAction(action);
    this.alarm.addOkAction(action);

    if (residencyPattern !== undefined) {
      this.allowedInferenceRegions = [...new Set(props.allowedInferenceRegions!)];
      new logs.MetricFilter(this, 'OutsideAllowedRegions', {
        logGroup: this.logGroup,
        filterPattern: residencyPattern,
        metricNamespace: InferenceAuditTrail.METRIC_NAMESPACE,
        metricName: InferenceAuditTrail.OUTSIDE_ALLOWED_REGIONS_METRIC_NAME,
        metricValue: '1',
        unit: cloudwatch.Unit.COUNT,
      });
      this.residencyAlarm = new cloudwatch.Alarm(this, 'InferenceOutsideAllowedRegions', {
        metric: this.metricInferencesOutsideAllowedRegions({ period: window }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // No matching CloudTrail event publishes nothing: no data is no breach.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `Inference outside the allowed regions: a Bedrock call from ${this.sourceRegions.join(', ')} ran outside `
          + `${this.allowedInferenceRegions.join(', ')}. First check: run the saved Logs Insights query "${props.queryName ?? 'Bedrock/Where inference ran'}" `
          + `in ${this.region} for the profile, caller and inference region; a caller using another (for example global) profile, or a `
          + 'profile whose destinations changed, are the usual causes. Then deny the region with an SCP (generate-scp).',
      });
      this.residencyAlarm.addAlarmAction(action);
      this.residencyAlarm.addOkAction(action);
    }

    this.queryName = props.queryName ?? 'Bedrock/Where inference ran';
    this.query = new logs.QueryDefinition(this, 'WhereInferenceRan', {
      queryDefinitionName: this.queryName,
      logGroups: [this.logGroup],
      queryString: new logs.QueryString({
        fields: [
          'awsRegion as sourceRegion',
          'coalesce(additionalEventData.inferenceRegion, awsRegion) as inferenceRegion',
          'requestParameters.modelId as profile',
          'userIdentity.arn as caller',
        ],
        filterStatements: [
          'eventSource = "bedrock.amazonaws.com"',
          `eventName in [${BEDROCK_INFERENCE_EVENT_NAMES.map(n => `"${n}"`).join(', ')}]`,
        ],
        statsStatements: ['count(*) as invocations, latest(@timestamp) as lastSeen by sourceRegion, inferenceRegion, profile, caller'],
        sort: 'invocations desc',
      }),
    });
  }

  /** Bedrock calls that ran outside `allowedInferenceRegions`, all source regions together (sum per 5 minutes by default). */
  public metricInferencesOutsideAllowedRegions(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: InferenceAuditTrail.METRIC_NAMESPACE,
      metricName: InferenceAuditTrail.OUTSIDE_ALLOWED_REGIONS_METRIC_NAME,
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      region: this.region,
      ...props,
    });
  }

  /** Bedrock calls made in `sourceRegion` that ran in another region (sum per 5 minutes by default). */
  public metricCrossRegionInferences(sourceRegion: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: InferenceAuditTrail.METRIC_NAMESPACE,
      metricName: InferenceAuditTrail.METRIC_NAME,
      dimensionsMap: { [InferenceAuditTrail.SOURCE_REGION_DIMENSION]: sourceRegion },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      region: this.region,
      ...props,
    });
  }
}
