/**
 * What takes a region out of DNS: the template of each region's canary (schedule, function, IAM, alarm)
 * and of the Route 53 health checks that follow it.
 */
import { App, Duration, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  CrossRegionInferenceApi, CrossRegionInferenceApiProps, CrossRegionInferenceProfile, RoutingPattern,
} from '../../lib';
import { nagFindings } from '../support/nag';

const EU = CrossRegionInferenceProfile.fromId('eu.anthropic.claude-3-7-sonnet-20250219-v1:0');
const GLOBAL = CrossRegionInferenceProfile.fromId('global.anthropic.claude-sonnet-4-5-20250929-v1:0');
const DOMAIN = { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };

function deploy(props: Partial<CrossRegionInferenceApiProps> = {}) {
  const app = new App();
  const api = new CrossRegionInferenceApi(app, 'Bedrock', {
    account: '111111111111',
    domain: DOMAIN,
    endpoints: [{
      name: 'chat',
      profiles: [EU, CrossRegionInferenceProfile.fromId('eu.amazon.nova-pro-v1:0')],
      routing: RoutingPattern.activePassive({ primary: 'eu-west-1', secondaries: ['eu-central-1', 'eu-west-3'] }),
    }],
    ...props,
  });
  return { app, api };
}

const healthChecksOf = (template: Template) => Object.values<any>(template.findResources('AWS::Route53::HealthCheck'))
  .map(h => h.Properties.HealthCheckConfig);

describe('the canary in each region', () => {
  const { app, api } = deploy();
  const regional = Template.fromStack(api.regionalStack('eu-central-1'));

  test('runs every minute from an EventBridge schedule, without retries of a stale run', () => {
    regional.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 2 } })],
    });
    regional.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
  });

  test('is a small arm64 Node.js 24 function that calls its own region through the endpoint\'s first profile', () => {
    const canaries = Object.values<any>(regional.findResources('AWS::Lambda::Function'))
      .filter(f => f.Properties.Environment?.Variables?.CANARY_CONFIG !== undefined);
    expect(canaries).toHaveLength(1);
    const { Properties: fn } = canaries[0];
    expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], MemorySize: 256, Timeout: 20, Handler: 'index.handler' });
    expect(JSON.parse(fn.Environment.Variables.CANARY_CONFIG)).toEqual({
      region: 'eu-central-1', profileId: EU.profileId, timeoutMs: 10_000,
    });
    // The invoker's metric identity: its namespace and its service name.
    expect(fn.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe(api.invoker('chat', 'eu-central-1').serviceName);
    expect(fn.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe('CdkBedrockCrossRegion/Invoker');
    regional.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90, KmsKeyId: Match.anyValue() });
  });

  test('may only InvokeModel the first profile from this region (no streaming, no fallback region, no other profile)', () => {
    const policies = Object.values<any>(regional.findResources('AWS::IAM::Policy'))
      .filter(p => p.Properties.Roles.some((r: any) => /Canary/.test(r.Ref)));
    expect(policies).toHaveLength(1);
    const statements: any[] = policies[0].Properties.PolicyDocument.Statement;
    const bedrock = statements.filter(s => JSON.stringify(s.Action).includes('bedrock:'));
    expect(bedrock.every(s => s.Action === 'bedrock:InvokeModel')).toBe(true);
    const resources = JSON.stringify(bedrock.map(s => s.Resource));
    expect(resources).toContain(`inference-profile/${EU.profileId}`);
    expect(resources).not.toContain('nova-pro');
    // The profile ARN in this source region only; the models in this region's destinations, through the profile.
    expect(resources).toContain(':bedrock:eu-central-1:111111111111:inference-profile/');
    expect(resources).not.toMatch(/:bedrock:eu-west-1:111111111111:inference-profile/);
    const model = bedrock.find(s => s.Condition);
    expect(Object.keys(model.Condition.StringEquals)).toEqual(['bedrock:InferenceProfileArn']);
    expect(JSON.stringify(model.Condition)).toContain(`inference-profile/${EU.profileId}`);
    expect(JSON.stringify(model.Resource)).toContain(`foundation-model/${EU.modelId}`);
    const logs = statements.filter(s => JSON.stringify(s.Action).includes('logs:'));
    expect(logs.length).toBeGreaterThan(0);
    expect(statements.length).toBe(bedrock.length + logs.length);
  });

  test('its alarm: CanarySuccess below 1 in 2 of the last 3 one-minute periods, a missing run counting as a failure', () => {
    regional.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'Bedrock-chat-eu-central-1-bedrock-canary',
      Namespace: 'CdkBedrockCrossRegion/Invoker',
      MetricName: 'CanarySuccess',
      Dimensions: Match.arrayWith([{ Name: 'Region', Value: 'eu-central-1' }, { Name: 'service', Value: 'Bedrock-chat' }]),
      Statistic: 'Minimum',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  test('the invoker\'s Errors and Throttles no longer feed any alarm a health check follows', () => {
    for (const stack of api.regionalStacks) {
      const names = Object.values<any>(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties.AlarmName);
      expect(names.filter(n => /bedrock-(errors|throttles)$/.test(n ?? ''))).toEqual([]);
    }
  });

  test('passes the cdk-nag rule packs (no finding on the canaries or the health checks; the whole app is checked in cross-region-inference-api.test.ts)', () => {
    const findings = nagFindings(app);
    expect(findings.filter(f => /Canary|HealthCheck|Region-|Https-/.test(f))).toEqual([]);
  });
});

describe('the health check of each region', () => {
  const { api } = deploy();
  const routing = Template.fromStack(api.routingStack);
  const checks = healthChecksOf(routing);

  test('a CLOUDWATCH_METRIC check on the canary alarm, no data reading as unhealthy', () => {
    const metricChecks = checks.filter(c => c.Type === 'CLOUDWATCH_METRIC');
    expect(metricChecks.map(c => [c.AlarmIdentifier, c.InsufficientDataHealthStatus])).toEqual(api.regions.map(region => [
      { Name: `Bedrock-chat-${region}-bedrock-canary`, Region: region }, 'Unhealthy',
    ]));
  });

  test('CALCULATED over exactly the HTTPS /health check and the canary check, both required', () => {
    const byLogicalId = routing.findResources('AWS::Route53::HealthCheck');
    const typeOf = (ref: any) => byLogicalId[ref.Ref ?? ref['Fn::GetAtt'][0]].Properties.HealthCheckConfig;
    const calculated = checks.filter(c => c.Type === 'CALCULATED');
    expect(calculated).toHaveLength(3);
    for (const check of calculated) {
      expect(check.HealthThreshold).toBe(2);
      const children = check.ChildHealthChecks.map(typeOf);
      expect(children.map((c: any) => c.Type).sort()).toEqual(['CLOUDWATCH_METRIC', 'HTTPS']);
      const https = children.find((c: any) => c.Type === 'HTTPS');
      const canary = children.find((c: any) => c.Type === 'CLOUDWATCH_METRIC');
      // Both children watch the same region.
      expect(https.FullyQualifiedDomainName).toBe(`${canary.AlarmIdentifier.Region}.chat.example.com`);
      expect(https).toMatchObject({ ResourcePath: '/health', Port: 443, EnableSNI: true, RequestInterval: 10, FailureThreshold: 3 });
    }
    routing.resourceCountIs('AWS::Route53::HealthCheck', 9);
  });

  test('the health-check alarm tells the operator to look at GET /health and the canary of that region', () => {
    routing.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HealthCheckStatus',
      AlarmDescription: Match.stringLikeRegexp('GET https://eu-west-3.chat.example.com/health, then the canary in eu-west-3 \\(alarm Bedrock-chat-eu-west-3-bedrock-canary'),
    });
  });
});

describe('settings', () => {
  test('interval, timeout and the failed-of-evaluated runs follow healthChecks', () => {
    const { api } = deploy({
      healthChecks: { canaryInterval: Duration.minutes(2), canaryTimeout: Duration.seconds(5), canaryFailedRuns: 3, canaryEvaluationRuns: 5 },
    });
    const regional = Template.fromStack(api.regionalStack('eu-west-1'));
    regional.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(2 minutes)' });
    regional.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CanarySuccess', Period: 120, EvaluationPeriods: 5, DatapointsToAlarm: 3 });
    const fn = Object.values<any>(regional.findResources('AWS::Lambda::Function')).find(f => f.Properties.Environment.Variables.CANARY_CONFIG);
    expect(fn.Properties.Timeout).toBe(15);
    expect(JSON.parse(fn.Properties.Environment.Variables.CANARY_CONFIG).timeoutMs).toBe(5_000);
  });

  test('a global profile: the canary gets the three-part grant for its own region, InvokeModel only', () => {
    const { api } = deploy({
      endpoints: [{ name: 'chat', profiles: [GLOBAL], routing: RoutingPattern.activeActiveLatency(['us-east-1', 'us-west-2']) }],
    });
    const regional = Template.fromStack(api.regionalStack('us-west-2'));
    const policy = Object.values<any>(regional.findResources('AWS::IAM::Policy')).find(p => p.Properties.Roles.some((r: any) => /Canary/.test(r.Ref)));
    const bedrock = policy.Properties.PolicyDocument.Statement.filter((s: any) => JSON.stringify(s.Action).includes('bedrock:'));
    expect(bedrock.map((s: any) => s.Action)).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModel', 'bedrock:InvokeModel']);
    expect(bedrock.map((s: any) => s.Condition.StringEquals['aws:RequestedRegion'])).toEqual(['us-west-2', 'us-west-2', 'unspecified']);
  });

  test('the canary runs on the invoker\'s runtime, an overridden one included', () => {
    const { api } = deploy({
      endpoints: [{
        name: 'chat',
        profiles: [EU],
        runtime: lambda.Runtime.NODEJS_22_X,
        routing: RoutingPattern.activePassive({ primary: 'eu-west-1', secondaries: ['eu-central-1'] }),
      }],
    });
    const functions = Object.values<any>(Template.fromStack(api.regionalStack('eu-west-1')).findResources('AWS::Lambda::Function'));
    const canary = functions.find(f => f.Properties.Environment?.Variables?.CANARY_CONFIG);
    const handler = functions.find(f => f.Properties.Environment?.Variables?.INVOKER_CONFIG);
    expect(canary.Properties.Runtime).toBe('nodejs22.x');
    expect(handler.Properties.Runtime).toBe('nodejs22.x');
  });

  test('without a domain there is no canary (no health check to feed)', () => {
    const { api } = deploy({ domain: undefined });
    const functions = Object.values<any>(Template.fromStack(api.regionalStack('eu-west-1')).findResources('AWS::Lambda::Function'));
    expect(functions.filter(f => f.Properties.Environment?.Variables?.CANARY_CONFIG)).toEqual([]);
    expect(functions.length).toBeGreaterThan(0);
  });

  test.each<[string, CrossRegionInferenceApiProps['healthChecks'], RegExp]>([
    ['a canary interval under a minute', { canaryInterval: Duration.seconds(30) }, /canaryInterval must be a whole number of minutes from 1 to 60.*got 30 s/],
    ['a canary interval of 90 s', { canaryInterval: Duration.seconds(90) }, /canaryInterval must be a whole number of minutes/],
    ['a canary interval over an hour', { canaryInterval: Duration.minutes(61) }, /canaryInterval must be a whole number of minutes from 1 to 60/],
    ['a canary timeout under a second', { canaryTimeout: Duration.millis(500) }, /canaryTimeout must be from 1 to 30 seconds.*got 500 ms/],
    ['a canary timeout over 30 s', { canaryTimeout: Duration.seconds(31) }, /canaryTimeout must be from 1 to 30 seconds/],
    ['zero failed runs', { canaryFailedRuns: 0 }, /canaryFailedRuns must be a whole number of at least 1; got 0/],
    ['a fractional evaluation', { canaryEvaluationRuns: 2.5 }, /canaryEvaluationRuns must be a whole number of at least 1; got 2.5/],
    ['more failed runs than evaluated', { canaryFailedRuns: 4, canaryEvaluationRuns: 3 }, /canaryFailedRuns \(4\) must not exceed canaryEvaluationRuns \(3\)/],
    ['an evaluation range over one day', { canaryInterval: Duration.minutes(60), canaryEvaluationRuns: 25 }, /must not exceed one day/],
    ['a token for the failed runs', { canaryFailedRuns: Token.asNumber({ Ref: 'FailedRuns' }) },
      /canaryFailedRuns must be a number, not a token: the failover times are computed from it at synth/],
    ['a token for the evaluated runs', { canaryEvaluationRuns: Token.asNumber({ Ref: 'EvaluationRuns' }) }, /canaryEvaluationRuns must be a number, not a token/],
    ['a token for the failure threshold', { failureThreshold: Token.asNumber({ Ref: 'Threshold' }) }, /failureThreshold must be a number, not a token/],
  ])('rejects %s', (_name, healthChecks, message) => {
    expect(() => deploy({ healthChecks })).toThrow(message);
  });
});
