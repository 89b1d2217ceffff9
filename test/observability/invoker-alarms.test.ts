import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CrossRegionInferenceProfile, InvokerAlarms, InvokerAlarmsProps, RegionalInvoker } from '../../lib';
import { nagFindings } from '../support/nag';

const EU_SONNET = 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0';

function build(props: Partial<InvokerAlarmsProps> = {}, fallbackRegions = ['eu-central-1', 'eu-west-3']) {
  const app = new App();
  const stack = new Stack(app, 'Invoker', { env: { account: '111111111111', region: 'eu-west-1' } });
  const invoker = new RegionalInvoker(stack, 'Invoker', {
    profiles: [CrossRegionInferenceProfile.fromId(EU_SONNET)],
    fallbackRegions,
    serviceName: 'chat',
  });
  const alarms = new InvokerAlarms(stack, 'Alarms', { invoker, ...props });
  return { app, stack, invoker, alarms, template: Template.fromStack(stack) };
}

/** The CloudFormation properties of one alarm construct. */
function alarmProps(stack: Stack, alarm: { node: { defaultChild?: unknown } }): any {
  const logicalId = stack.getLogicalId(alarm.node.defaultChild as any);
  return Template.fromStack(stack).toJSON().Resources[logicalId].Properties;
}

function metricsById(props: any): Record<string, any> {
  return Object.fromEntries(props.Metrics.map((m: any) => [m.Id, m]));
}

describe('InvokerAlarms', () => {
  test('failover frequency sums Failovers over every planned region and fires above 10 in 5 minutes', () => {
    const { stack, alarms } = build();
    const props = alarmProps(stack, alarms.failoverFrequency);
    expect(props.Threshold).toBe(10);
    expect(props.ComparisonOperator).toBe('GreaterThanThreshold');
    expect(props.EvaluationPeriods).toBe(1);
    expect(props.TreatMissingData).toBe('notBreaching');
    const metrics = metricsById(props);
    const expression = Object.values(metrics).find((m: any) => m.Expression);
    expect(expression.Expression).toBe('FILL(f0, 0) + FILL(f1, 0) + FILL(f2, 0)');
    expect(['f0', 'f1', 'f2'].map(id => metrics[id].MetricStat.Metric.Dimensions)).toEqual([
      [{ Name: 'Region', Value: 'eu-west-1' }, { Name: 'service', Value: 'chat' }],
      [{ Name: 'Region', Value: 'eu-central-1' }, { Name: 'service', Value: 'chat' }],
      [{ Name: 'Region', Value: 'eu-west-3' }, { Name: 'service', Value: 'chat' }],
    ].map(d => expect.arrayContaining(d)));
    expect(metrics.f0.MetricStat).toMatchObject({ Metric: { Namespace: 'CdkBedrockCrossRegion/Invoker', MetricName: 'Failovers' }, Period: 300, Stat: 'Sum' });
  });

  test('failover threshold and window are props', () => {
    const { stack, alarms } = build({ failoverThreshold: 3, failoverWindow: Duration.minutes(10) });
    const props = alarmProps(stack, alarms.failoverFrequency);
    expect(props.Threshold).toBe(3);
    expect(metricsById(props).f0.MetricStat.Period).toBe(600);
  });

  test('secondary majority: fallback share of requests above 50 % for three 5-minute periods, only over busy periods', () => {
    const { stack, alarms } = build();
    const props = alarmProps(stack, alarms.secondaryMajority!);
    expect(props).toMatchObject({ Threshold: 50, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 3, TreatMissingData: 'notBreaching' });
    const metrics = metricsById(props);
    const expression = Object.values(metrics).find((m: any) => m.Expression);
    expect(expression.Expression).toBe('IF((FILL(own, 0) + (FILL(s1, 0) + FILL(s2, 0))) >= 20, 100 * (FILL(s1, 0) + FILL(s2, 0)) / (FILL(own, 0) + (FILL(s1, 0) + FILL(s2, 0))), 0)');
    expect(expression.ReturnData).toBe(true);
    expect(metrics.own.MetricStat.Metric.MetricName).toBe('RequestsServed');
    expect(metrics.own.MetricStat.Metric.Dimensions).toContainEqual({ Name: 'Region', Value: 'eu-west-1' });
    expect(metrics.s1.MetricStat.Metric.MetricName).toBe('ServedBySecondary');
    expect(metrics.s1.MetricStat.Metric.Dimensions).toContainEqual({ Name: 'Region', Value: 'eu-central-1' });
    expect(metrics.s2.MetricStat.Metric.Dimensions).toContainEqual({ Name: 'Region', Value: 'eu-west-3' });
    expect(metrics.s1.MetricStat.Period).toBe(300);
  });

  test('no secondary-majority alarm for an invoker without fallback regions', () => {
    const { alarms, template } = build({}, []);
    expect(alarms.secondaryMajority).toBeUndefined();
    expect(alarms.alarms).toHaveLength(7);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 7);
  });

  test('latency: by default an anomaly band on p90 (upper edge only), else a fixed threshold', () => {
    const { stack, alarms } = build();
    expect(alarms.latencyUsesAnomalyDetection).toBe(true);
    const props = alarmProps(stack, alarms.latency);
    expect(props.ComparisonOperator).toBe('GreaterThanUpperThreshold');
    expect(props.TreatMissingData).toBe('notBreaching');
    const band = props.Metrics.find((m: any) => m.Expression);
    expect(band.Expression).toMatch(/^ANOMALY_DETECTION_BAND\(\w+, 3\)$/);
    expect(props.ThresholdMetricId).toBe(band.Id);
    const p90 = props.Metrics.find((m: any) => m.MetricStat);
    expect(p90.MetricStat).toMatchObject({ Metric: { MetricName: 'Latency' }, Stat: 'p90', Period: 300 });

    const fixed = build({ latencyThreshold: Duration.seconds(8) });
    const fixedProps = alarmProps(fixed.stack, fixed.alarms.latency);
    expect(fixed.alarms.latencyUsesAnomalyDetection).toBe(false);
    expect(fixedProps).toMatchObject({ Threshold: 8000, ComparisonOperator: 'GreaterThanThreshold', ExtendedStatistic: 'p90', MetricName: 'Latency', EvaluationPeriods: 3 });
  });

  test.each([
    ['errorRate', 'Errors', 5],
    ['throttleRate', 'Throttles', 10],
  ] as const)('%s: %s as a percentage of the own region\'s attempts, guarded by a minimum sample', (key, metricName, threshold) => {
    const { stack, alarms } = build();
    const props = alarmProps(stack, alarms[key]);
    expect(props).toMatchObject({ Threshold: threshold, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' });
    const metrics = metricsById(props);
    const expression = Object.values(metrics).find((m: any) => m.Expression);
    expect(expression.Expression).toBe('IF(FILL(attempts, 0) >= 20, 100 * FILL(failures, 0) / attempts, 0)');
    expect(metrics.failures.MetricStat.Metric.MetricName).toBe(metricName);
    expect(metrics.attempts.MetricStat.Metric.MetricName).toBe('Attempts');
    for (const m of [metrics.failures, metrics.attempts]) {
      expect(m.MetricStat.Metric.Dimensions).toContainEqual({ Name: 'Region', Value: 'eu-west-1' });
    }
  });

  test('Bedrock rejections: ClientErrors as a share of this region\'s attempts above 50 % for 10 minutes (a configuration problem failover cannot fix)', () => {
    const { stack, alarms } = build();
    const props = alarmProps(stack, alarms.rejectionRate);
    expect(props).toMatchObject({ Threshold: 50, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' });
    const metrics = metricsById(props);
    expect(Object.values(metrics).find((m: any) => m.Expression).Expression).toBe('IF(FILL(attempts, 0) >= 20, 100 * FILL(failures, 0) / attempts, 0)');
    expect(metrics.failures.MetricStat.Metric).toMatchObject({ Namespace: 'CdkBedrockCrossRegion/Invoker', MetricName: 'ClientErrors' });
    expect(metrics.failures.MetricStat.Metric.Dimensions).toContainEqual({ Name: 'Region', Value: 'eu-west-1' });
    expect(props.AlarmDescription).toMatch(/AccessDeniedException.*check-scp/);
  });

  test('the handler function: Lambda Errors + Throttles of this very function, 5 or more in 5 minutes', () => {
    const { stack, alarms, invoker } = build();
    const props = alarmProps(stack, alarms.functionFailures);
    expect(props).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    const metrics = metricsById(props);
    expect(Object.values(metrics).find((m: any) => m.Expression).Expression).toBe('FILL(errors, 0) + FILL(throttles, 0)');
    const functionName = stack.resolve(invoker.function.functionName);
    for (const [id, name] of [['errors', 'Errors'], ['throttles', 'Throttles']]) {
      const { Metric: metric, Stat: stat, Period: period } = metrics[id].MetricStat;
      expect([metric.Namespace, metric.MetricName, stat, period]).toEqual(['AWS/Lambda', name, 'Sum', 300]);
      expect(metric.Dimensions).toEqual([{ Name: 'FunctionName', Value: functionName }]);
    }
  });

  test('what clients see: the API\'s 5xx share of requests above 5 % for 10 minutes, only over busy periods', () => {
    const { stack, alarms, invoker } = build({ apiServerErrorRateThreshold: 2 });
    const props = alarmProps(stack, alarms.apiServerErrors);
    expect(props).toMatchObject({ Threshold: 2, EvaluationPeriods: 2, DatapointsToAlarm: 2 });
    const metrics = metricsById(props);
    expect(Object.values(metrics).find((m: any) => m.Expression).Expression).toBe('IF(FILL(requests, 0) >= 20, 100 * FILL(errors, 0) / requests, 0)');
    const apiName = stack.resolve(invoker.api.restApiName);
    expect(metrics.requests.MetricStat.Metric).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: [{ Name: 'ApiName', Value: apiName }] });
    expect(metrics.errors.MetricStat.Metric).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Dimensions: [{ Name: 'ApiName', Value: apiName }] });
    expect(build().alarms.alarms).toHaveLength(8);
  });

  test('thresholds and the minimum sample size are props', () => {
    const { stack, alarms } = build({ errorRateThreshold: 2, throttleRateThreshold: 25, secondaryShareThreshold: 30, minimumSampleSize: 100 });
    expect(alarmProps(stack, alarms.errorRate).Threshold).toBe(2);
    expect(alarmProps(stack, alarms.throttleRate).Threshold).toBe(25);
    expect(alarmProps(stack, alarms.secondaryMajority!).Threshold).toBe(30);
    expect(JSON.stringify(alarmProps(stack, alarms.errorRate).Metrics)).toContain('>= 100');
  });

  test('every alarm tells the on-call engineer what to check first and notifies the topic on ALARM and OK', () => {
    const { stack, alarms } = build();
    const topicRef = stack.resolve((alarms.topic as sns.Topic).topicArn);
    for (const alarm of alarms.alarms) {
      const props = alarmProps(stack, alarm);
      expect(props.AlarmDescription).toMatch(/First check: .*(widget|Service Quotas|Errors and throttles|logs|metrics)/);
      expect(props.AlarmDescription).toContain('chat, eu-west-1');
      expect(props.AlarmDescription.length).toBeLessThanOrEqual(1024);
      expect(props.AlarmActions).toEqual([topicRef]);
      expect(props.OKActions).toEqual([topicRef]);
    }
  });

  test('the topic is encrypted with a rotating customer managed key that CloudWatch may use, TLS is enforced, e-mail is subscribed', () => {
    const { template } = build({ alarmEmail: 'oncall@example.com' });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        })]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
    // The topic policy replaces SNS's default one: without this Allow, the alarms could not publish.
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: {
            StringEquals: { 'aws:SourceAccount': '111111111111' },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:eu-west-1:111111111111:alarm:*']] } },
          },
        })]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  test('an existing topic is used as is', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    const invoker = new RegionalInvoker(stack, 'Invoker', { profiles: [CrossRegionInferenceProfile.fromId(EU_SONNET)] });
    const topic = sns.Topic.fromTopicArn(stack, 'Existing', 'arn:aws:sns:eu-west-1:111111111111:oncall');
    const alarms = new InvokerAlarms(stack, 'Alarms', { invoker, topic });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    expect(alarms.topicKey).toBeUndefined();
    expect(alarmProps(stack, alarms.errorRate).AlarmActions).toEqual(['arn:aws:sns:eu-west-1:111111111111:oncall']);
  });

  test('validates its props', () => {
    expect(() => build({ secondaryShareThreshold: 120 })).toThrow(/secondaryShareThreshold is a percentage.*120/);
    expect(() => build({ errorRateThreshold: 0 })).toThrow(/errorRateThreshold is a percentage/);
    expect(() => build({ failoverThreshold: -1 })).toThrow(/failoverThreshold must be greater than zero/);
    expect(() => build({ failoverWindow: Duration.seconds(90) })).toThrow(/failoverWindow must be a whole number of minutes/);
    expect(() => build({ alarmEmail: 'not-an-address' })).toThrow(/alarmEmail must be an e-mail address/);
    const app = new App();
    const a = new Stack(app, 'A', { env: { account: '111111111111', region: 'eu-west-1' } });
    const b = new Stack(app, 'B', { env: { account: '111111111111', region: 'eu-central-1' } });
    const invoker = new RegionalInvoker(a, 'Invoker', { profiles: [CrossRegionInferenceProfile.fromId(EU_SONNET)] });
    expect(() => new InvokerAlarms(b, 'Alarms', { invoker })).toThrow(/must be in the invoker's stack/);
  });

  test('cdk-nag: no findings, with and without e-mail', () => {
    expect(nagFindings(build({ alarmEmail: 'oncall@example.com' }).app)).toEqual([]);
    expect(nagFindings(build({ latencyThreshold: Duration.seconds(5) }, []).app)).toEqual([]);
  });
});
