import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { allowCloudWatchLogsToUseKey } from '../../private/cloudwatch-logs-key-access';

/*
 * The trails the audit constructs can create: the multi-region trail of an InferenceAuditTrail given
 * no log group, and the single-region trail of a RegionalInferenceAudit with `createTrail`; with their
 * KMS key and hardened bucket.
 */

/** The settings of the trail an InferenceAuditTrail creates when it is given no log group. */
export interface AuditTrailDeliveryOptions {
  /** The key of the trail, its bucket and its log group; a new key when undefined. */
  readonly encryptionKey?: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly logFileRetention: Duration;
  readonly removalPolicy: RemovalPolicy;
}

/** What the new trail consists of. */
export interface AuditTrailDelivery {
  readonly encryptionKey: kms.IKey;
  readonly logGroup: logs.LogGroup;
  readonly bucket: s3.Bucket;
  readonly trail: cloudtrail.Trail;
}

/**
 * A new multi-region trail of every management event, delivering to an encrypted bucket (with its
 * server access log bucket) and to a new CloudWatch Logs log group, created in `scope`.
 */
export function createAuditTrailDelivery(scope: Construct, options: AuditTrailDeliveryOptions): AuditTrailDelivery {
  const removalPolicy = options.removalPolicy;
  const encryptionKey = options.encryptionKey ?? createAuditKey(scope, removalPolicy, true);
  const logGroup = new logs.LogGroup(scope, 'Logs', {
    retention: options.logRetention,
    encryptionKey,
    removalPolicy,
  });
  const bucket = createBucket(scope, encryptionKey, options.logFileRetention, removalPolicy);
  const trail = new cloudtrail.Trail(scope, 'Trail', {
    isMultiRegionTrail: true,
    includeGlobalServiceEvents: true,
    enableFileValidation: true,
    managementEvents: cloudtrail.ReadWriteType.ALL,
    encryptionKey,
    bucket,
    sendToCloudWatchLogs: true,
    cloudWatchLogGroup: logGroup,
  });
  acknowledgeTrailFindings(trail);
  return { encryptionKey, logGroup, bucket, trail };
}

/** The settings of the single-region trail of a RegionalInferenceAudit. */
export interface RegionalTrailOptions {
  /** The key of the trail and its bucket (its policy must let CloudTrail use it). */
  readonly encryptionKey: kms.IKey;
  readonly logFileRetention: Duration;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A single-region trail of this region's management events, to an encrypted bucket in this region,
 * created in `scope`. It exists so that CloudTrail delivers Bedrock's calls to EventBridge here ("To
 * record events with one of the CloudTrail detail-type values, you must enable a CloudTrail trail with
 * logging", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html);
 * it sends nothing to CloudWatch Logs, and nothing leaves the region. Read-only events are logged
 * too: published InvokeModel records carry `"readOnly": true`.
 */
export function createRegionalTrail(scope: Construct, options: RegionalTrailOptions): { bucket: s3.Bucket; trail: cloudtrail.Trail } {
  const bucket = createBucket(scope, options.encryptionKey, options.logFileRetention, options.removalPolicy);
  const trail = new cloudtrail.Trail(scope, 'Trail', {
    isMultiRegionTrail: false,
    includeGlobalServiceEvents: false,
    enableFileValidation: true,
    managementEvents: cloudtrail.ReadWriteType.ALL,
    encryptionKey: options.encryptionKey,
    bucket,
    sendToCloudWatchLogs: false,
  });
  const reason = 'This single-region trail exists so that CloudTrail delivers Bedrock calls to EventBridge in this region; the audit\'s rule '
    + 'writes only the Bedrock inference events to an encrypted CloudWatch Logs log group here. Copying every management event of the region '
    + 'to CloudWatch Logs would be paid per GB for events the audit never reads.';
  Validations.of(trail).acknowledge({ id: 'NIST.800.53.R5-CloudTrailCloudWatchLogsEnabled', reason });
  Validations.of(trail).acknowledge({ id: 'HIPAA.Security-CloudTrailCloudWatchLogsEnabled', reason });
  return { bucket, trail };
}

/**
 * The audit's KMS key (construct id `Key`, rotation on) with CloudWatch Logs allowed to use it and,
 * when `cloudTrail`, CloudTrail too.
 */
export function createAuditKey(scope: Construct, removalPolicy: RemovalPolicy, cloudTrail: boolean): kms.Key {
  const key = new kms.Key(scope, 'Key', {
    enableKeyRotation: true,
    description: cloudTrail ? 'Encrypts the Bedrock audit trail, its bucket and its log group' : 'Encrypts the Bedrock audit log group',
    removalPolicy,
  });
  allowCloudWatchLogsToUseKey(key);
  if (!cloudTrail) {
    return key;
  }
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
  return key;
}

function createBucket(scope: Construct, key: kms.IKey, retention: Duration, removalPolicy: RemovalPolicy): s3.Bucket {
  // S3 server access logs can only be delivered to a bucket with SSE-S3 default encryption.
  const accessLogs = new s3.Bucket(scope, 'AccessLogs', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    versioned: true,
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    removalPolicy,
  });
  const bucket = new s3.Bucket(scope, 'Bucket', {
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
  const ack = (target: Construct, id: string, reason: string) => Validations.of(target).acknowledge({ id, reason });
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

function acknowledgeTrailFindings(trail: cloudtrail.Trail): void {
  const role = trail.node.tryFindChild('LogsRole');
  if (role) {
    const reason = 'The role CloudTrail assumes to write to this trail\'s log group; its inline policy names only that log group and lives and dies with the trail.';
    Validations.of(role).acknowledge({ id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason });
    Validations.of(role).acknowledge({ id: 'HIPAA.Security-IAMNoInlinePolicy', reason });
  }
}
