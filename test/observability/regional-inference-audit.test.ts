import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { RegionalInferenceAudit, RegionalInferenceAuditProps } from '../../lib';
import {
  AuditRecordRoot, crossRegionInferencePattern, inferenceOutsideAllowedRegionsPattern, inferencePattern,
} from '../../lib/observability/private/audit-patterns';
import { matchesFilterPattern } from '../support/filter-pattern';
import { nagFindings } from '../support/nag';

const EU_ALLOWED = ['eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-3'];

function build(props: Partial<RegionalInferenceAuditProps> = {}, region = 'eu-west-1') {
  const app = new App();
  const stack = new Stack(app, 'Regional', { env: { account: '111111111111', region } });
  const audit = new RegionalInferenceAudit(stack, 'Audit', { deploymentName: 'BedrockEu', ...props });
  return { app, stack, audit, template: Template.fromStack(stack) };
}

/** An "AWS API Call via CloudTrail" event as EventBridge delivers it: the CloudTrail record is `detail`. */
function eventBridgeEvent(detail: Record<string, unknown> = {}): any {
  return {
    'version': '0',
    'id': '6f2b1d1c-0000-0000-0000-000000000000',
    'detail-type': 'AWS API Call via CloudTrail',
    'source': 'aws.bedrock',
    'account': '111111111111',
    'time': '2025-06-01T12:00:00Z',
    'region': 'eu-west-1',
    'resources': [],
    'detail': {
      eventVersion: '1.09',
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'Converse',
      awsRegion: 'eu-west-1',
      readOnly: true,
      userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111111111111:assumed-role/app/session' },
      requestParameters: { modelId: 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0' },
      additionalEventData: { inferenceRegion: 'eu-central-1' },
      ...detail,
    },
  };
}

const filters = (template: Template) => Object.values<any>(template.findResources('AWS::Logs::MetricFilter')).map(f => f.Properties);
const filterOf = (template: Template, metricName: string) => {
  const found = filters(template).filter(f => f.MetricTransformations[0].MetricName === metricName);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('the EventBridge rule', () => {
  test('matches Bedrock inference calls delivered by CloudTrail, read-only events included, on the default bus', () => {
    const { template } = build();
    template.resourceCountIs('AWS::Events::Rule', 1);
    const rule = Object.values<any>(template.findResources('AWS::Events::Rule'))[0].Properties;
    expect(rule.EventPattern).toEqual({
      'source': ['aws.bedrock'],
      'detail-type': ['AWS API Call via CloudTrail'],
      'detail': {
        eventSource: ['bedrock.amazonaws.com'],
        eventName: ['InvokeModel', 'InvokeModelWithResponseStream', 'Converse', 'ConverseStream'],
      },
    });
    // An ENABLED rule skips read-only management events; published InvokeModel records are read-only.
    expect(rule.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    expect(rule.EventBusName).toBeUndefined();
  });

  test('targets the audit log group in its own region, with no role (the log group policy lets EventBridge write)', () => {
    const { template, stack, audit } = build();
    const rule = Object.values<any>(template.findResources('AWS::Events::Rule'))[0].Properties;
    expect(rule.Targets).toHaveLength(1);
    expect(rule.Targets[0].RoleArn).toBeUndefined();
    expect(JSON.stringify(rule.Targets[0].Arn)).toContain(':logs:eu-west-1:111111111111:log-group:');
    expect(JSON.stringify(rule.Targets[0].Arn)).toContain(JSON.stringify({ Ref: stack.getLogicalId(audit.logGroup.node.defaultChild as any) }));
    const policies = Object.values<any>(template.findResources('AWS::Logs::ResourcePolicy'));
    expect(policies).toHaveLength(1);
    const document = JSON.parse((stack.resolve(policies[0].Properties.PolicyDocument)['Fn::Join'][1] as any[])
      .map(part => typeof part === 'string' ? part : '<token>').join(''));
    expect(document.Statement).toEqual([expect.objectContaining({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    })]);
  });
});

describe('the log group', () => {
  test('is KMS-encrypted with a rotating key of this stack that CloudWatch Logs in this region may use, kept a year', () => {
    const { template, stack, audit } = build();
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(audit.encryptionKey.node.defaultChild as any), 'Arn'] },
    });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logs.eu-west-1.amazonaws.com' } })]) },
    });
    expect(JSON.stringify(template.findResources('AWS::KMS::Key'))).not.toContain('cloudtrail.amazonaws.com');
  });
});

describe('the metric filters', () => {
  test('count inferences by inference region and cross-region inferences, in the deployment\'s namespace', () => {
    const { template, audit } = build();
    expect(audit.metricNamespace).toBe('CdkBedrockCrossRegion/Audit/BedrockEu');
    const inferences = filterOf(template, 'Inferences');
    expect(inferences.FilterPattern).toBe(inferencePattern(['eu-west-1'], AuditRecordRoot.EVENTBRIDGE).logPatternString);
    expect(inferences.MetricTransformations).toEqual([{
      MetricNamespace: 'CdkBedrockCrossRegion/Audit/BedrockEu',
      MetricName: 'Inferences',
      MetricValue: '1',
      Unit: 'Count',
      Dimensions: [
        { Key: 'SourceRegion', Value: '$.detail.awsRegion' },
        { Key: 'InferenceRegion', Value: '$.detail.additionalEventData.inferenceRegion' },
      ],
    }]);
    const crossRegion = filterOf(template, 'CrossRegionInferences');
    expect(crossRegion.FilterPattern).toBe(crossRegionInferencePattern('eu-west-1', AuditRecordRoot.EVENTBRIDGE).logPatternString);
    expect(crossRegion.MetricTransformations[0]).toMatchObject({
      MetricNamespace: 'CdkBedrockCrossRegion/Audit/BedrockEu', Dimensions: [{ Key: 'SourceRegion', Value: '$.detail.awsRegion' }],
    });
    expect(filters(template)).toHaveLength(2);
  });

  test('the patterns read the CloudTrail record under detail, as EventBridge writes it', () => {
    const { template } = build({ allowedInferenceRegions: EU_ALLOWED });
    const crossRegion = filterOf(template, 'CrossRegionInferences').FilterPattern;
    const inferences = filterOf(template, 'Inferences').FilterPattern;
    const outside = filterOf(template, 'InferencesOutsideAllowedRegions').FilterPattern;
    expect(matchesFilterPattern(crossRegion, eventBridgeEvent())).toBe(true);
    expect(matchesFilterPattern(inferences, eventBridgeEvent())).toBe(true);
    expect(matchesFilterPattern(outside, eventBridgeEvent())).toBe(false);
    expect(matchesFilterPattern(outside, eventBridgeEvent({ additionalEventData: { inferenceRegion: 'us-east-1' } }))).toBe(true);
    expect(matchesFilterPattern(crossRegion, eventBridgeEvent({ additionalEventData: { inferenceRegion: 'eu-west-1' } }))).toBe(false);
    expect(matchesFilterPattern(inferences, eventBridgeEvent({ additionalEventData: { inferenceRegion: 'eu-west-1' } }))).toBe(true);
    // The same record at the root (a trail's delivery) is not what these filters read.
    expect(matchesFilterPattern(outside, eventBridgeEvent({ additionalEventData: { inferenceRegion: 'us-east-1' } }).detail)).toBe(false);
    for (const eventName of ['InvokeModel', 'InvokeModelWithResponseStream', 'ConverseStream']) {
      expect(matchesFilterPattern(crossRegion, eventBridgeEvent({ eventName }))).toBe(true);
    }
    expect(matchesFilterPattern(crossRegion, eventBridgeEvent({ eventName: 'ListFoundationModels' }))).toBe(false);
    expect(matchesFilterPattern(inferences, eventBridgeEvent({ additionalEventData: undefined }))).toBe(false);
  });

  test('metricInferences reads the Inferences series of the filter, for one inference region, in this region', () => {
    const { template, audit } = build();
    const metric = audit.metricInferences('eu-central-1');
    expect(metric).toMatchObject({ namespace: 'CdkBedrockCrossRegion/Audit/BedrockEu', metricName: 'Inferences', statistic: 'Sum', region: 'eu-west-1' });
    expect(metric.dimensions).toEqual({ SourceRegion: 'eu-west-1', InferenceRegion: 'eu-central-1' });
    expect(filterOf(template, 'Inferences').MetricTransformations[0].Dimensions.map((d: any) => d.Key)).toEqual(Object.keys(metric.dimensions!));
    expect(metric.period.toMinutes()).toBe(5);
    expect(audit.metricInferences('eu-central-1', { period: Duration.hours(1) }).period.toMinutes()).toBe(60);
  });

  test('the residency filter has no dimension: its alarm reads one series, named by the deployment and kept in this region', () => {
    const { template, audit, stack } = build({ allowedInferenceRegions: EU_ALLOWED });
    const outside = filterOf(template, 'InferencesOutsideAllowedRegions');
    expect(outside.FilterPattern).toBe(inferenceOutsideAllowedRegionsPattern(['eu-west-1'], EU_ALLOWED, AuditRecordRoot.EVENTBRIDGE).logPatternString);
    expect(outside.MetricTransformations).toEqual([{
      MetricNamespace: 'CdkBedrockCrossRegion/Audit/BedrockEu', MetricName: 'InferencesOutsideAllowedRegions', MetricValue: '1', Unit: 'Count',
    }]);
    const alarm = template.toJSON().Resources[stack.getLogicalId(audit.residencyAlarm!.node.defaultChild as any)].Properties;
    expect(alarm).toMatchObject({
      Namespace: 'CdkBedrockCrossRegion/Audit/BedrockEu',
      MetricName: 'InferencesOutsideAllowedRegions',
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.Dimensions).toBeUndefined();
    expect(alarm.AlarmDescription).toMatch(/a Bedrock call from eu-west-1 ran outside eu-central-1, eu-north-1, eu-west-1, eu-west-3\./);
    expect(alarm.AlarmDescription).toContain('"Bedrock/BedrockEu/Where inference ran from eu-west-1" in eu-west-1');
    expect(build().audit.residencyAlarm).toBeUndefined();
  });
});

describe('alarms, topic and query', () => {
  test('the alarms notify the given topic of this region on ALARM and OK', () => {
    const app = new App();
    const stack = new Stack(app, 'Regional', { env: { account: '111111111111', region: 'eu-central-1' } });
    const topic = sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:eu-central-1:111111111111:regional');
    new RegionalInferenceAudit(stack, 'Audit', { deploymentName: 'BedrockEu', topic, allowedInferenceRegions: EU_ALLOWED, alarmWindow: Duration.minutes(30) });
    const template = Template.fromStack(stack);
    const alarms = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties);
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual(['arn:aws:sns:eu-central-1:111111111111:regional']);
      expect(alarm.OKActions).toEqual(['arn:aws:sns:eu-central-1:111111111111:regional']);
    }
    const unusual = alarms.find(a => a.ComparisonOperator === 'GreaterThanUpperThreshold');
    const input = unusual.Metrics.find((m: any) => m.MetricStat).MetricStat;
    expect(input).toMatchObject({
      Period: 1800,
      Stat: 'Sum',
      Metric: { Namespace: 'CdkBedrockCrossRegion/Audit/BedrockEu', MetricName: 'CrossRegionInferences', Dimensions: [{ Name: 'SourceRegion', Value: 'eu-central-1' }] },
    });
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  test('the saved query reads the record under detail, and is named per deployment and region', () => {
    const { template, audit } = build();
    const query = Object.values<any>(template.findResources('AWS::Logs::QueryDefinition'))[0].Properties;
    expect(query.Name).toBe('Bedrock/BedrockEu/Where inference ran from eu-west-1');
    expect(audit.queryName).toBe(query.Name);
    const text: string = query.QueryString;
    expect(text).toContain('coalesce(detail.additionalEventData.inferenceRegion, detail.awsRegion) as inferenceRegion');
    expect(text).toContain('detail.userIdentity.arn as caller');
    expect(text).toContain('filter detail.eventSource = "bedrock.amazonaws.com"');
  });

  test('two deployments in one region keep separate metrics, alarms and query names', () => {
    const app = new App();
    const env = { account: '111111111111', region: 'us-east-1' };
    const a = new RegionalInferenceAudit(new Stack(app, 'A', { env }), 'Audit', { deploymentName: 'BedrockUs', allowedInferenceRegions: ['us-east-1'] });
    const b = new RegionalInferenceAudit(new Stack(app, 'B', { env }), 'Audit', { deploymentName: 'BedrockEu', allowedInferenceRegions: ['us-east-1'] });
    const namespaces = [a, b].map(audit => filters(Template.fromStack(Stack.of(audit))).map(f => f.MetricTransformations[0].MetricNamespace));
    expect(new Set(namespaces[0])).toEqual(new Set(['CdkBedrockCrossRegion/Audit/BedrockUs']));
    expect(new Set(namespaces[1])).toEqual(new Set(['CdkBedrockCrossRegion/Audit/BedrockEu']));
    const queryNames = [a, b].map(audit => Object.values<any>(Template.fromStack(Stack.of(audit)).findResources('AWS::Logs::QueryDefinition'))[0].Properties.Name);
    expect(queryNames[0]).not.toBe(queryNames[1]);
    expect(a.metricInferencesOutsideAllowedRegions().namespace).not.toBe(b.metricInferencesOutsideAllowedRegions().namespace);
  });
});

describe('the trail', () => {
  test('none by default: the audit relies on the account\'s trail', () => {
    const { template, audit } = build();
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    expect(audit.trail).toBeUndefined();
  });

  test('with createTrail: a single-region trail of read and write management events, to a KMS bucket here, not to CloudWatch Logs', () => {
    const { template, audit, stack } = build({ createTrail: true });
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    const trail = Object.values<any>(template.findResources('AWS::CloudTrail::Trail'))[0].Properties;
    expect(trail).toMatchObject({ IsMultiRegionTrail: false, IncludeGlobalServiceEvents: false, EnableLogFileValidation: true, IsLogging: true });
    expect(trail.CloudWatchLogsLogGroupArn).toBeUndefined();
    // Read-only events too: published InvokeModel records carry "readOnly": true.
    expect(trail.EventSelectors).toEqual([{ ReadWriteType: 'All', IncludeManagementEvents: true }]);
    expect(trail.S3BucketName).toEqual({ Ref: stack.getLogicalId(audit.bucket!.node.defaultChild as any) });
    const bucket = template.toJSON().Resources[stack.getLogicalId(audit.bucket!.node.defaultChild as any)].Properties;
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*' })]) },
    });
  });
});

describe('validation and cdk-nag', () => {
  test('validates its props', () => {
    expect(() => build({ deploymentName: 'a/b' })).toThrow(/deploymentName must be 1 to 100 letters/);
    expect(() => build({ allowedInferenceRegions: [] })).toThrow(/allowedInferenceRegions is empty/);
    expect(() => build({ allowedInferenceRegions: ['Europe'] })).toThrow(/region names/);
    expect(() => build({ logFileRetention: Duration.days(30) })).toThrow(/logFileRetention applies to the trail's bucket/);
    expect(() => build({ alarmWindow: Duration.seconds(30) })).toThrow(/alarmWindow must be a whole number of minutes/);
    const app = new App();
    expect(() => new RegionalInferenceAudit(new Stack(app, 'Agnostic'), 'Audit', { deploymentName: 'x' })).toThrow(/concrete region/);
  });

  test('a stack region that is no AWS region name is refused, naming the stack region', () => {
    expect(() => build({}, 'moon')).toThrow(/RegionalInferenceAudit needs a stack whose region is an AWS region name such as 'eu-west-1'.*got 'moon'/);
  });

  test('the allowed regions count once each, and the residency alarm names the command that prints the SCP', () => {
    const { audit, template, stack } = build({ allowedInferenceRegions: ['eu-west-1', 'eu-west-3', 'eu-west-1'] });
    expect(audit.allowedInferenceRegions).toEqual(['eu-west-1', 'eu-west-3']);
    const alarm = template.toJSON().Resources[stack.getLogicalId(audit.residencyAlarm!.node.defaultChild as any)].Properties;
    expect(alarm.AlarmDescription).toMatch(/ran outside eu-west-1, eu-west-3\./);
    expect(alarm.AlarmDescription).toContain('(npx cdk-bedrock-cross-region generate-scp)');
  });

  test('no cdk-nag findings, without and with a trail', () => {
    expect(nagFindings(build({ allowedInferenceRegions: EU_ALLOWED }).app)).toEqual([]);
    expect(nagFindings(build({ createTrail: true, alarmEmail: 'audit@example.com' }).app)).toEqual([]);
  });
});
