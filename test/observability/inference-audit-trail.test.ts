import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { InferenceAuditTrail, InferenceAuditTrailProps } from '../../lib';
import { crossRegionInferencePattern, inferenceOutsideAllowedRegionsPattern, inferencePattern } from '../../lib/observability/private/audit-patterns';
import { matchesFilterPattern } from '../support/filter-pattern';
import { nagFindings } from '../support/nag';

function build(props: Partial<InferenceAuditTrailProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Audit', { env: { account: '111111111111', region: 'eu-west-1' } });
  const audit = new InferenceAuditTrail(stack, 'Audit', { sourceRegions: ['eu-west-1', 'eu-central-1', 'ap-southeast-2'], ...props });
  return { app, stack, audit, template: Template.fromStack(stack) };
}

/** Sample CloudTrail records shaped like the reference (§4): the source region logs the call. */
function bedrockEvent(overrides: Record<string, unknown> = {}): any {
  return {
    eventVersion: '1.09',
    eventSource: 'bedrock.amazonaws.com',
    eventName: 'InvokeModel',
    eventCategory: 'Management',
    awsRegion: 'ap-southeast-2',
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111111111111:assumed-role/app/session' },
    requestParameters: { modelId: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0' },
    additionalEventData: { inferenceRegion: 'ap-southeast-4' },
    ...overrides,
  };
}

describe('inferenceOutsideAllowedRegionsPattern', () => {
  const pattern = inferenceOutsideAllowedRegionsPattern(['ap-southeast-2', 'ap-southeast-4'], ['ap-southeast-2', 'ap-southeast-4']).logPatternString;

  test('matches a call from a source region that ran outside the allowed regions', () => {
    expect(matchesFilterPattern(pattern, bedrockEvent({ additionalEventData: { inferenceRegion: 'us-east-1' } }))).toBe(true);
    expect(matchesFilterPattern(pattern, bedrockEvent({ awsRegion: 'ap-southeast-4', additionalEventData: { inferenceRegion: 'ap-northeast-1' } }))).toBe(true);
  });

  test('ignores calls that stayed inside, calls from other source regions, and events without an inference region', () => {
    expect(matchesFilterPattern(pattern, bedrockEvent({ additionalEventData: { inferenceRegion: 'ap-southeast-4' } }))).toBe(false);
    expect(matchesFilterPattern(pattern, bedrockEvent({ additionalEventData: { inferenceRegion: 'ap-southeast-2' } }))).toBe(false);
    expect(matchesFilterPattern(pattern, bedrockEvent({ awsRegion: 'eu-west-1', additionalEventData: { inferenceRegion: 'us-east-1' } }))).toBe(false);
    expect(matchesFilterPattern(pattern, bedrockEvent({ additionalEventData: undefined }))).toBe(false);
    expect(matchesFilterPattern(pattern, bedrockEvent({ eventName: 'ListFoundationModels', additionalEventData: { inferenceRegion: 'us-east-1' } }))).toBe(false);
  });

  test('refuses a pattern CloudWatch Logs would reject, and bad region names', () => {
    const many = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1',
      'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1'];
    expect(() => inferenceOutsideAllowedRegionsPattern(['us-east-1'], many)).toThrow(/characters; CloudWatch Logs accepts 1024/);
    expect(() => inferenceOutsideAllowedRegionsPattern(['us-east-1'], ['US East'])).toThrow(/must list AWS region names/);
  });
});

describe('crossRegionInferencePattern', () => {
  const pattern = crossRegionInferencePattern('ap-southeast-2').logPatternString;

  test('counts a call whose inferenceRegion differs from its source region', () => {
    expect(matchesFilterPattern(pattern, bedrockEvent())).toBe(true);
  });

  test.each(['InvokeModelWithResponseStream', 'Converse', 'ConverseStream'])('counts %s as well', eventName => {
    expect(matchesFilterPattern(pattern, bedrockEvent({ eventName }))).toBe(true);
  });

  test('does not count a call that ran in its source region', () => {
    expect(matchesFilterPattern(pattern, bedrockEvent({ additionalEventData: { inferenceRegion: 'ap-southeast-2' } }))).toBe(false);
  });

  test('does not count a call without inferenceRegion (a direct in-region model call)', () => {
    expect(matchesFilterPattern(pattern, bedrockEvent({ additionalEventData: undefined }))).toBe(false);
    expect(matchesFilterPattern(pattern, bedrockEvent({ additionalEventData: { other: 'x' } }))).toBe(false);
  });

  test('does not count other services, other Bedrock operations, or other source regions', () => {
    expect(matchesFilterPattern(pattern, bedrockEvent({ eventSource: 's3.amazonaws.com', eventName: 'GetObject' }))).toBe(false);
    expect(matchesFilterPattern(pattern, bedrockEvent({ eventName: 'ListFoundationModels' }))).toBe(false);
    expect(matchesFilterPattern(pattern, bedrockEvent({ awsRegion: 'eu-west-1', additionalEventData: { inferenceRegion: 'eu-west-3' } }))).toBe(false);
  });

  test('rejects something that is not a region name', () => {
    expect(() => crossRegionInferencePattern('eu-west-1" || $.x = "y')).toThrow(/region names/);
  });
});

describe('InferenceAuditTrail', () => {
  test('a multi-region trail with log file validation and KMS encryption, delivering to an encrypted log group', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      KMSKeyId: Match.anyValue(),
      CloudWatchLogsLogGroupArn: Match.anyValue(),
      CloudWatchLogsRoleArn: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: 365 });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*' })]) },
    });
  });

  test('the trail bucket: KMS, no public access, TLS only, versioned, lifecycle, server access logs', () => {
    const { template, audit, stack } = build();
    const bucketId = stack.getLogicalId(audit.bucket!.node.defaultChild as any);
    const bucket = template.toJSON().Resources[bucketId].Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    const accessLogsId = stack.getLogicalId(audit.bucket!.node.scope!.node.findChild('AccessLogs').node.defaultChild as any);
    expect(bucket.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: accessLogsId }, LogFilePrefix: 'trail-bucket/' });
    expect(bucket.LifecycleConfiguration.Rules[0]).toMatchObject({
      ExpirationInDays: 2555,
      Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }],
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
    });
    const policies = Object.values<any>(template.findResources('AWS::S3::BucketPolicy'))
      .filter(p => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucketId }));
    expect(policies).toHaveLength(1);
    const statements = policies[0].Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject' }));
  });

  test('one metric filter per source region, counting into the audit metric with a SourceRegion dimension', () => {
    const { template, audit } = build();
    const filters = Object.values<any>(template.findResources('AWS::Logs::MetricFilter')).map(f => f.Properties)
      .filter(f => f.MetricTransformations[0].MetricName === 'CrossRegionInferences');
    expect(filters).toHaveLength(3);
    for (const [i, region] of ['eu-west-1', 'eu-central-1', 'ap-southeast-2'].entries()) {
      expect(filters[i].FilterPattern).toBe(crossRegionInferencePattern(region).logPatternString);
      expect(filters[i].MetricTransformations).toEqual([{
        MetricNamespace: 'CdkBedrockCrossRegion/Audit',
        MetricName: 'CrossRegionInferences',
        MetricValue: '1',
        Unit: 'Count',
        Dimensions: [{ Key: 'SourceRegion', Value: '$.awsRegion' }],
      }]);
    }
    expect(audit.metricCrossRegionInferences('eu-central-1').dimensions).toEqual({ SourceRegion: 'eu-central-1' });
  });

  test('one filter counts every inference by source and inference region', () => {
    const { template } = build();
    const filters = Object.values<any>(template.findResources('AWS::Logs::MetricFilter')).map(f => f.Properties)
      .filter(f => f.MetricTransformations[0].MetricName === 'Inferences');
    expect(filters).toHaveLength(1);
    expect(filters[0].FilterPattern).toBe(inferencePattern(['eu-west-1', 'eu-central-1', 'ap-southeast-2']).logPatternString);
    expect(filters[0].MetricTransformations[0].Dimensions).toEqual([
      { Key: 'SourceRegion', Value: '$.awsRegion' }, { Key: 'InferenceRegion', Value: '$.additionalEventData.inferenceRegion' },
    ]);
  });

  test('a deployment name puts every metric, filter and alarm in its own namespace', () => {
    const app = new App();
    const stack = new Stack(app, 'Audit', { env: { account: '111111111111', region: 'us-east-1' } });
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Org', 'aws-cloudtrail-logs-org');
    const make = (id: string, deploymentName: string) => new InferenceAuditTrail(stack, id, {
      sourceRegions: ['us-east-1'],
      existingLogGroup: logGroup,
      deploymentName,
      allowedInferenceRegions: ['us-east-1', 'us-west-2'],
      queryName: `Bedrock/${deploymentName}/Where inference ran`,
    });
    const [a, b] = [make('A', 'BedrockUs'), make('B', 'BedrockEu')];
    expect(a.metricNamespace).toBe('CdkBedrockCrossRegion/Audit/BedrockUs');
    const template = Template.fromStack(stack);
    const namespaces = Object.values<any>(template.findResources('AWS::Logs::MetricFilter')).map(f => f.Properties.MetricTransformations[0].MetricNamespace);
    expect(namespaces.sort()).toEqual([...Array(3).fill('CdkBedrockCrossRegion/Audit/BedrockEu'), ...Array(3).fill('CdkBedrockCrossRegion/Audit/BedrockUs')]);
    const residency = [a, b].map(audit =>
      template.toJSON().Resources[stack.getLogicalId(audit.residencyAlarm!.node.defaultChild as any)].Properties.Namespace);
    expect(residency).toEqual(['CdkBedrockCrossRegion/Audit/BedrockUs', 'CdkBedrockCrossRegion/Audit/BedrockEu']);
    const queries = Object.values<any>(template.findResources('AWS::Logs::QueryDefinition')).map(q => q.Properties.Name);
    expect(new Set(queries).size).toBe(2);
    expect(() => make('C', 'a/b')).toThrow(/deploymentName must be/);
  });

  test('the unusual-activity alarm adds up every source region and, by default, compares the hourly count with its anomaly band', () => {
    const { template } = build();
    const alarm = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))[0].Properties;
    expect(alarm).toMatchObject({ ComparisonOperator: 'GreaterThanUpperThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    expect(alarm.Threshold).toBeUndefined();
    const band = alarm.Metrics.find((m: any) => m.Id === alarm.ThresholdMetricId);
    expect(band.Expression).toMatch(/^ANOMALY_DETECTION_BAND\((\w+), 3\)$/);
    const bandInput = /^ANOMALY_DETECTION_BAND\((\w+), 3\)$/.exec(band.Expression)![1];
    const sum = alarm.Metrics.find((m: any) => m.Id === bandInput);
    expect(sum.Expression).toBe('FILL(r0, 0) + FILL(r1, 0) + FILL(r2, 0)');
    const inputs = alarm.Metrics.filter((m: any) => m.MetricStat);
    expect(inputs.map((m: any) => m.MetricStat.Metric.Dimensions[0].Value)).toEqual(['eu-west-1', 'eu-central-1', 'ap-southeast-2']);
    expect(inputs[0].MetricStat).toMatchObject({ Period: 3600, Stat: 'Sum', Metric: { Namespace: 'CdkBedrockCrossRegion/Audit', MetricName: 'CrossRegionInferences' } });
    expect(alarm.AlarmDescription).toMatch(/more Bedrock calls than usual .* First check: run the saved Logs Insights query/);
  });

  test('a fixed threshold replaces the anomaly band', () => {
    const { template } = build({ alarmThreshold: 250 });
    const alarm = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))[0].Properties;
    expect(alarm).toMatchObject({ Threshold: 250, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    expect(alarm.Metrics.find((m: any) => m.Expression).Expression).toBe('FILL(r0, 0) + FILL(r1, 0) + FILL(r2, 0)');
    expect(alarm.AlarmDescription).toMatch(/more than 250 Bedrock calls/);
  });

  test('given the allowed inference regions: a residency filter and an alarm at the first call that ran anywhere else', () => {
    const { template, audit, stack } = build({ allowedInferenceRegions: ['eu-west-1', 'eu-central-1', 'eu-west-3', 'eu-west-1'] });
    expect(audit.allowedInferenceRegions).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3']);
    const filters = Object.values<any>(template.findResources('AWS::Logs::MetricFilter')).map(f => f.Properties)
      .filter(f => f.MetricTransformations[0].MetricName === 'InferencesOutsideAllowedRegions');
    expect(filters).toHaveLength(1);
    const pattern = filters[0].FilterPattern;
    expect(matchesFilterPattern(pattern, bedrockEvent({ awsRegion: 'eu-central-1', additionalEventData: { inferenceRegion: 'us-east-1' } }))).toBe(true);
    expect(matchesFilterPattern(pattern, bedrockEvent({ awsRegion: 'eu-central-1', additionalEventData: { inferenceRegion: 'eu-west-3' } }))).toBe(false);
    const alarm = template.toJSON().Resources[stack.getLogicalId(audit.residencyAlarm!.node.defaultChild as any)].Properties;
    expect(alarm).toMatchObject({
      MetricName: 'InferencesOutsideAllowedRegions',
      Namespace: 'CdkBedrockCrossRegion/Audit',
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.AlarmDescription).toMatch(/ran outside eu-west-1, eu-central-1, eu-west-3/);
    expect(build().audit.residencyAlarm).toBeUndefined();
    expect(() => build({ allowedInferenceRegions: [] })).toThrow(/allowedInferenceRegions is empty/);
  });

  test('alarm threshold, window and topic are props', () => {
    const app = new App();
    const stack = new Stack(app, 'Audit', { env: { account: '111111111111', region: 'eu-west-1' } });
    const topic = sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:eu-west-1:111111111111:oncall');
    new InferenceAuditTrail(stack, 'Audit', { sourceRegions: ['eu-west-1'], alarmThreshold: 5, alarmWindow: Duration.minutes(30), topic });
    const alarm = Object.values<any>(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))[0].Properties;
    expect(alarm.Threshold).toBe(5);
    expect(alarm.Metrics.find((m: any) => m.MetricStat).MetricStat.Period).toBe(1800);
    expect(alarm.AlarmActions).toEqual(['arn:aws:sns:eu-west-1:111111111111:oncall']);
    expect(alarm.OKActions).toEqual(['arn:aws:sns:eu-west-1:111111111111:oncall']);
  });

  test('by default the alarm notifies a new encrypted topic, with an optional e-mail subscription', () => {
    const { template, audit, stack } = build({ alarmEmail: 'audit@example.com' });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'audit@example.com' });
    const alarm = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))[0].Properties;
    expect(alarm.AlarmActions).toEqual([stack.resolve(audit.topic.topicArn)]);
    expect(nagFindings(build({ alarmEmail: 'audit@example.com' }).app)).toEqual([]);
  });

  test('the saved query lists where inference ran, by profile and caller', () => {
    const { template } = build();
    const query = Object.values<any>(template.findResources('AWS::Logs::QueryDefinition'))[0].Properties;
    expect(query.Name).toBe('Bedrock/Where inference ran');
    expect(query.LogGroupNames).toHaveLength(1);
    const text: string = query.QueryString;
    expect(text).toContain('coalesce(additionalEventData.inferenceRegion, awsRegion) as inferenceRegion');
    expect(text).toContain('requestParameters.modelId as profile');
    expect(text).toContain('userIdentity.arn as caller');
    expect(text).toContain('filter eventSource = "bedrock.amazonaws.com"');
    expect(text).toContain('eventName in ["InvokeModel", "InvokeModelWithResponseStream", "Converse", "ConverseStream"]');
    expect(text).toMatch(/stats count\(\*\) as invocations.* by sourceRegion, inferenceRegion, profile, caller/);
  });

  test('with an organisation trail\'s log group: no trail, bucket or key; filters and query on that group', () => {
    const app = new App();
    const stack = new Stack(app, 'Audit', { env: { account: '111111111111', region: 'eu-west-1' } });
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Org', 'aws-cloudtrail-logs-org');
    const audit = new InferenceAuditTrail(stack, 'Audit', { sourceRegions: ['eu-west-1', 'eu-central-1'], existingLogGroup: logGroup });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    expect(JSON.stringify(template.findResources('AWS::KMS::Key'))).not.toContain('cloudtrail.amazonaws.com');
    template.resourcePropertiesCountIs('AWS::Logs::MetricFilter', { LogGroupName: 'aws-cloudtrail-logs-org' }, 3);
    template.hasResourceProperties('AWS::Logs::QueryDefinition', { LogGroupNames: ['aws-cloudtrail-logs-org'] });
    expect(audit.trail).toBeUndefined();
    expect(nagFindings(app)).toEqual([]);
  });

  test('validates its props', () => {
    expect(() => build({ sourceRegions: [] })).toThrow(/sourceRegions must list 1 to 10 regions; got 0/);
    expect(() => build({ sourceRegions: ['eu-west-1', 'eu-west-1'] })).toThrow(/lists 'eu-west-1' twice/);
    expect(() => build({ sourceRegions: ['europe'] })).toThrow(/region names/);
    expect(() => build({ alarmWindow: Duration.seconds(30) })).toThrow(/alarmWindow must be a whole number of minutes/);
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    expect(() => new InferenceAuditTrail(stack, 'A', {
      sourceRegions: ['eu-west-1'],
      existingLogGroup: logs.LogGroup.fromLogGroupName(stack, 'L', 'x'),
      logRetention: logs.RetentionDays.ONE_DAY,
    })).toThrow(/apply to a new trail/);
  });

  test('cdk-nag: no findings', () => {
    expect(nagFindings(build().app)).toEqual([]);
  });
});
