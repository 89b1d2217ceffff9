import { Aws, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { createAlarmTopic, subscribeAlarmEmail } from '../private/alarm-topic';
import { allowCloudWatchLogsToUseKey } from '../private/cloudwatch-logs-key-access';

/** The Bedrock runtime calls CloudTrail logs as management events, in the source region. */
export const BEDROCK_INFERENCE_EVENT_NAMES = ['InvokeModel', 'InvokeModelWithResponseStream', 'Converse', 'ConverseStream'];

/** CloudWatch alarm math may reference at most this many metrics. */
const MAX_ALARM_MATH_METRICS = 10;

/**
 * The metric filter pattern that matches a Bedrock inference call made in `sourceRegion` that ran in
 * another region: `additionalEventData.inferenceRegion` is present and differs from the source region.
 *
 * Filter patterns compare a field only with literals, so there is one pattern per source region. The
 * explicit `= "*"` (field exists) keeps calls without `inferenceRegion` (direct, in-region model calls)
 * out whatever `!=` does with a missing field.
 */
export function crossRegionInferencePattern(sourceRegion: string): logs.JsonPattern {
  assertRegionName(sourceRegion);
  return logs.FilterPattern.all(
    logs.FilterPattern.stringValue('$.eventSource', '=', 'bedrock.amazonaws.com'),
    logs.FilterPattern.any(...BEDROCK_INFERENCE_EVENT_NAMES.map(name => logs.FilterPattern.stringValue('$.eventName', '=', name))),
    logs.FilterPattern.stringValue('$.awsRegion', '=', sourceRegion),
    logs.FilterPattern.exists('$.additionalEventData.inferenceRegion'),
    logs.FilterPattern.stringValue('$.additionalEventData.inferenceRegion', '!=', sourceRegion),
  );
}

/** Filter patterns embed region names as literals: accept only names shaped like AWS regions. */
function assertRegionName(region: string, list = 'sourceRegions'): void {
  if (!/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(region)) {
    throw new Error(`${list} must list AWS region names such as 'eu-west-1'; got '${region}'.`);
  }
}

/** CloudWatch Logs' longest metric filter pattern. */
const MAX_FILTER_PATTERN_LENGTH = 1024;

/**
 * The metric filter pattern that matches a Bedrock inference call made in one of `sourceRegions` that
 * ran in none of `allowedRegions`: a breach of the deployment's geography or residency rule.
 */
export function inferenceOutsideAllowedRegionsPattern(sourceRegions: readonly string[], allowedRegions: readonly string[]): logs.JsonPattern {
  sourceRegions.forEach(region => assertRegionName(region));
  allowedRegions.forEach(region => assertRegionName(region, 'allowedInferenceRegions'));
  const pattern = logs.FilterPattern.all(
    logs.FilterPattern.stringValue('$.eventSource', '=', 'bedrock.amazonaws.com'),
    logs.FilterPattern.any(...BEDROCK_INFERENCE_EVENT_NAMES.map(name => logs.FilterPattern.stringValue('$.eventName', '=', name))),
    logs.FilterPattern.any(...sourceRegions.map(region => logs.FilterPattern.stringValue('$.awsRegion', '=', region))),
    logs.FilterPattern.exists('$.additionalEventData.inferenceRegion'),
    ...allowedRegions.map(region => logs.FilterPattern.stringValue('$.additionalEventData.inferenceRegion', '!=', region)),
  );
  if (pattern.logPatternString.length > MAX_FILTER_PATTERN_LENGTH) {
    throw new Error(`The residency filter for ${sourceRegions.length} source and ${allowedRegions.length} allowed regions is `
      + `${pattern.logPatternString.length} characters; CloudWatch Logs accepts ${MAX_FILTER_PATTERN_LENGTH}. List fewer allowedInferenceRegions `
      + '(a global profile can run anywhere: leave the check off for it).');
  }
  return pattern;
}

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
    const duplicate = props.sourceRegions.find((r, i) => props.sourceRegions.indexOf(r) !== i);
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
      const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
      this.encryptionKey = props.encryptionKey ?? this.createKey(removalPolicy);
      const logGroup = new logs.LogGroup(this, 'Logs', {
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        encryptionKey: this.encryptionKey,
        removalPolicy,
      });
      this.logGroup = logGroup;
      this.bucket = this.createBucket(this.encryptionKey, props.logFileRetention ?? Duration.days(2555), removalPolicy);
      this.trail = new cloudtrail.Trail(this, 'Trail', {
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableFileValidation: true,
        managementEvents: cloudtrail.ReadWriteType.ALL,
        encryptionKey: this.encryptionKey,
        bucket: this.bucket,
        sendToCloudWatchLogs: true,
        cloudWatchLogGroup: logGroup,
      });
      this.acknowledgeTrailFindings();
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

  private createKey(removalPolicy: RemovalPolicy): kms.Key {
    const key = new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: 'Encrypts the Bedrock audit trail, its bucket and its log group',
      removalPolicy,
    });
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailToEncryptLogs',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${Aws.PARTITION}:cloudtrail:*:${Aws.ACCOUNT_ID}:trail/*` },
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      },
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailToDescribeKey',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
    }));
    allowCloudWatchLogsToUseKey(key);
    return key;
  }

  private createBucket(key: kms.IKey, retention: Duration, removalPolicy: RemovalPolicy): s3.Bucket {
    // S3 server access logs can only be delivered to a bucket with SSE-S3 default encryption.
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy,
    });
    const bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'trail-bucket/',
      lifecycleRules: [{
        transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) }],
        expiration: retention,
        noncurrentVersionExpiration: Duration.days(30),
      }],
      removalPolicy,
    });
    const ack = (scope: Construct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
    ack(accessLogs, 'AwsSolutions-S1', 'This bucket is the server access log target of the trail bucket; logging it would log its own log deliveries.');
    ack(accessLogs, 'NIST.800.53.R5-S3BucketLoggingEnabled', 'Server access log target; logging it would log its own log deliveries.');
    ack(accessLogs, 'HIPAA.Security-S3BucketLoggingEnabled', 'Server access log target; logging it would log its own log deliveries.');
    ack(accessLogs, 'NIST.800.53.R5-S3DefaultEncryptionKMS', 'S3 server access logging delivers only to buckets whose default encryption is SSE-S3 (SSE-KMS is not supported for the target bucket).');
    ack(accessLogs, 'HIPAA.Security-S3DefaultEncryptionKMS', 'S3 server access logging delivers only to SSE-S3 encrypted target buckets.');
    for (const b of [accessLogs, bucket]) {
      ack(b, 'NIST.800.53.R5-S3BucketReplicationEnabled', 'Cross-region replication of audit logs is an organisation decision (usually an organisation trail into a log-archive account); '
        + 'versioning, a lifecycle and log file validation protect this copy.');
      ack(b, 'HIPAA.Security-S3BucketReplicationEnabled', 'Cross-region replication of audit logs is an organisation decision; versioning and log file validation protect this copy.');
    }
    return bucket;
  }

  private acknowledgeTrailFindings(): void {
    const role = this.trail?.node.tryFindChild('LogsRole');
    if (role) {
      const reason = 'The role CloudTrail assumes to write to this trail\'s log group; its inline policy names only that log group and lives and dies with the trail.';
      Validations.of(role).acknowledge({ id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason });
      Validations.of(role).acknowledge({ id: 'HIPAA.Security-IAMNoInlinePolicy', reason });
    }
  }
}
