import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, SecretValue, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  CrossRegionInferenceApi, CrossRegionInferenceApiProps, CrossRegionInferenceProfile, InferenceEndpointOptions,
  InvokerAuthorization, ResidencyConstraint, RoutingPattern,
} from '../../lib';
import { nagFindings } from '../support/nag';

const EU = CrossRegionInferenceProfile.fromId('eu.anthropic.claude-3-7-sonnet-20250219-v1:0');
const US = CrossRegionInferenceProfile.fromId('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
const DOMAIN = { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };

function deploy(props: Partial<CrossRegionInferenceApiProps> & { endpoints?: InferenceEndpointOptions[] } = {}) {
  const app = new App();
  const api = new CrossRegionInferenceApi(app, 'Bedrock', {
    account: '111111111111',
    domain: DOMAIN,
    endpoints: [{
      name: 'chat',
      profiles: [EU],
      routing: RoutingPattern.activePassive({ primary: 'eu-west-1', secondaries: ['eu-central-1', 'eu-west-3'] }),
    }],
    ...props,
  });
  return { app, api };
}

/** The stack's one dashboard body as JSON: Fn::Join resolved, other tokens rendered as `<Ref>`, `<Fn::GetAtt>`, .... */
function dashboardBodyOf(stack: Stack): any {
  const dashboards = Object.values<any>(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0].Properties.DashboardBody;
  const text = typeof body === 'string'
    ? body
    : (body['Fn::Join'][1] as any[]).map(part => typeof part === 'string' ? part : `<${Object.keys(part)[0]}>`).join('');
  return JSON.parse(text);
}

/** Every plain metric line (not math expressions) of the dashboard's metric widgets, with its effective region. */
function renderedInvokerMetrics(stack: Stack): Array<{ metricName: string; dimensions: Record<string, string>; region: string }> {
  return dashboardBodyOf(stack).widgets.filter((w: any) => w.type === 'metric').flatMap((w: any) => (w.properties.metrics as any[])
    .map(line => ({ line, options: typeof line[line.length - 1] === 'object' ? line[line.length - 1] : {} }))
    .filter(({ options }) => !options.expression)
    .map(({ line, options }) => {
      const [, metricName, ...rest] = line.filter((x: unknown) => typeof x === 'string');
      const dimensions: Record<string, string> = {};
      for (let i = 0; i + 1 < rest.length; i += 2) {
        dimensions[rest[i]] = rest[i + 1];
      }
      return { metricName, dimensions, region: options.region ?? w.properties.region };
    }));
}

const records = (stack: Stack) => Object.values<any>(Template.fromStack(stack).findResources('AWS::Route53::RecordSet')).map(r => r.Properties);

describe('active–passive', () => {
  const { app, api } = deploy();
  const routing = Template.fromStack(api.routingStack);

  test('one regional stack per region and a routing stack that depends on them', () => {
    expect(api.regionalStacks.map(s => s.region)).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3']);
    expect(api.routingStack.region).toBe('us-east-1');
    expect(api.routingStack.dependencies.map(s => s.region).sort()).toEqual(['eu-central-1', 'eu-west-1', 'eu-west-3']);
  });

  test('each invoker falls back to the other regions of the endpoint, in order', () => {
    expect(api.invoker('chat', 'eu-west-1').regionPlan).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3']);
    expect(api.invoker('chat', 'eu-central-1').regionPlan).toEqual(['eu-central-1', 'eu-west-1', 'eu-west-3']);
    expect(() => api.invoker('chat', 'us-east-1')).toThrow(/No invoker for endpoint 'chat' in 'us-east-1'/);
  });

  test('failover records: PRIMARY and SECONDARY per level, chained for further secondaries', () => {
    const rs = records(api.routingStack);
    expect(rs.map(r => [r.Name, r.Type, r.Failover, r.SetIdentifier, r.ResourceRecords[0], r.TTL])).toEqual([
      ['chat.example.com.', 'CNAME', 'PRIMARY', 'eu-west-1-primary', 'eu-west-1.shared.chat.example.com', '30'],
      ['chat.example.com.', 'CNAME', 'SECONDARY', 'failover-1', 'failover-1.chat.example.com', '30'],
      ['failover-1.chat.example.com.', 'CNAME', 'PRIMARY', 'eu-central-1-primary', 'eu-central-1.shared.chat.example.com', '30'],
      ['failover-1.chat.example.com.', 'CNAME', 'SECONDARY', 'eu-west-3-secondary', 'eu-west-3.shared.chat.example.com', '30'],
    ]);
    expect(rs.filter(r => r.HealthCheckId)).toHaveLength(3);
    expect(rs.find(r => r.SetIdentifier === 'failover-1').HealthCheckId).toBeUndefined();
  });

  test('a region is healthy only if /health answers and its Bedrock canary succeeds there', () => {
    routing.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: {
        Type: 'HTTPS',
        FullyQualifiedDomainName: 'eu-west-1.chat.example.com',
        ResourcePath: '/health',
        Port: 443,
        EnableSNI: true,
        RequestInterval: 10,
        FailureThreshold: 3,
      },
    });
    routing.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: {
        Type: 'CLOUDWATCH_METRIC',
        AlarmIdentifier: { Name: 'Bedrock-chat-eu-central-1-bedrock-canary', Region: 'eu-central-1' },
        // The canary reports every minute whatever the traffic: no data means it could not, and is not health.
        InsufficientDataHealthStatus: 'Unhealthy',
      },
    });
    const calculated = Object.values<any>(routing.findResources('AWS::Route53::HealthCheck'))
      .filter(h => h.Properties.HealthCheckConfig.Type === 'CALCULATED').map(h => h.Properties.HealthCheckConfig);
    expect(calculated).toHaveLength(3);
    expect(calculated.every(c => c.HealthThreshold === 2 && c.ChildHealthChecks.length === 2)).toBe(true);
    routing.resourceCountIs('AWS::Route53::HealthCheck', 9);
  });

  test('the alarm the health check follows is the canary\'s, in each region, standard resolution, no percentiles', () => {
    const regional = Template.fromStack(api.regionalStack('eu-central-1'));
    regional.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'Bedrock-chat-eu-central-1-bedrock-canary',
      Namespace: 'CdkBedrockCrossRegion/Invoker',
      MetricName: 'CanarySuccess',
      Dimensions: Match.arrayWith([{ Name: 'Region', Value: 'eu-central-1' }, { Name: 'service', Value: 'Bedrock-chat' }]),
      Statistic: 'Minimum',
      Period: 60,
      TreatMissingData: 'breaching',
    });
  });

  test('a certificate, two regional custom domains and the regional alias record per region', () => {
    for (const region of api.regions) {
      const regional = Template.fromStack(api.regionalStack(region));
      regional.hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: 'chat.example.com',
        SubjectAlternativeNames: [`${region}.chat.example.com`],
        ValidationMethod: 'DNS',
        DomainValidationOptions: Match.arrayWith([Match.objectLike({ HostedZoneId: DOMAIN.hostedZoneId })]),
      });
      regional.hasResourceProperties('AWS::ApiGateway::DomainName', {
        DomainName: 'chat.example.com', EndpointConfiguration: { Types: ['REGIONAL'] }, SecurityPolicy: 'TLS_1_2',
      });
      regional.hasResourceProperties('AWS::ApiGateway::DomainName', { DomainName: `${region}.chat.example.com` });
      regional.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: `${region}.chat.example.com.`, Type: 'A', AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
      });
    }
  });

  test('the worst-case failover and fail-back times are computed from the configuration: 280 s each with the defaults', () => {
    // Canary: 2 failed runs x 60 s + 10 s timeout + 60 s metric delivery + 60 s Route 53's read; the HTTPS check's 30 s is faster.
    expect(api.failureDetectionTime.toSeconds()).toBe(250);
    expect(api.worstCaseFailoverTime.toSeconds()).toBe(280);
    // Back: 3 - 2 + 1 = 2 good runs x 60 s + the same 130 s of lag, + 30 s TTL.
    expect(api.failbackTime.toSeconds()).toBe(280);
  });

  test('passes the cdk-nag rule packs on every stack', () => {
    expect(nagFindings(app)).toEqual([]);
  });
});

describe('active–active', () => {
  test('latency records, one per region, each with its health check', () => {
    const { api } = deploy({
      endpoints: [{ name: 'chat', profiles: [US], routing: RoutingPattern.activeActiveLatency(['us-east-1', 'us-east-2', 'us-west-2']) }],
    });
    const rs = records(api.routingStack);
    expect(rs.map(r => [r.Name, r.Region, r.SetIdentifier, r.ResourceRecords[0]])).toEqual([
      ['chat.example.com.', 'us-east-1', 'us-east-1', 'us-east-1.shared.chat.example.com'],
      ['chat.example.com.', 'us-east-2', 'us-east-2', 'us-east-2.shared.chat.example.com'],
      ['chat.example.com.', 'us-west-2', 'us-west-2', 'us-west-2.shared.chat.example.com'],
    ]);
    expect(rs.every(r => r.HealthCheckId && !r.Failover)).toBe(true);
    expect(api.invoker('chat', 'us-east-2').regionPlan).toEqual(['us-east-2', 'us-east-1', 'us-west-2']);
  });

  test('weighted records carry their weights', () => {
    const { api } = deploy({
      endpoints: [{ name: 'chat', profiles: [US], routing: RoutingPattern.activeActiveWeighted([{ region: 'us-east-1', weight: 3 }, { region: 'us-west-2', weight: 1 }]) }],
    });
    expect(records(api.routingStack).map(r => [r.SetIdentifier, r.Weight])).toEqual([['us-east-1', 3], ['us-west-2', 1]]);
  });
});

describe('hybrid', () => {
  const { app, api } = deploy({
    endpoints: [
      { name: 'chat', profiles: [US], routing: RoutingPattern.activeActiveLatency(['us-east-1', 'us-west-2']) },
      { name: 'batch', profiles: [CrossRegionInferenceProfile.fromId('us.amazon.nova-pro-v1:0')], routing: RoutingPattern.activePassive({ primary: 'us-west-2', secondaries: ['us-east-1'] }) },
    ],
  });

  test('each endpoint has its own pattern, invokers share the regional stacks', () => {
    expect(api.regions).toEqual(['us-east-1', 'us-west-2']);
    const rs = records(api.routingStack);
    expect(rs.filter(r => r.Name === 'chat.example.com.').every(r => r.Region)).toBe(true);
    expect(rs.filter(r => r.Name === 'batch.example.com.').map(r => r.Failover)).toEqual(['PRIMARY', 'SECONDARY']);
    expect(api.invoker('batch', 'us-west-2').regionPlan).toEqual(['us-west-2', 'us-east-1']);
    // An invoker and a canary per endpoint.
    Template.fromStack(api.regionalStack('us-east-1')).resourceCountIs('AWS::Lambda::Function', 4);
  });

  test('passes the cdk-nag rule packs', () => {
    expect(nagFindings(app)).toEqual([]);
  });
});

describe('without a hosted zone', () => {
  test('still deploys the invokers, outputs the regional endpoints and notes that DNS routing is off (a documented choice: info, not a warning)', () => {
    const { api } = deploy({ domain: undefined });
    Annotations.fromStack(api.routingStack).hasInfo('*', Match.stringLikeRegexp('DNS routing and health checks are off'));
    expect(Annotations.fromStack(api.routingStack).findWarning('*', Match.stringLikeRegexp('DNS routing'))).toHaveLength(0);
    Template.fromStack(api.regionalStack('eu-west-1')).hasOutput('chatRegionalUrl', {});
    Template.fromStack(api.routingStack).resourceCountIs('AWS::Route53::RecordSet', 0);
    Template.fromStack(api.regionalStack('eu-west-1')).resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expect(api.worstCaseFailoverTime.toSeconds()).toBe(0);
  });
});

describe('failover time follows the configuration', () => {
  test('a slow HTTPS check becomes the slower child', () => {
    const { api } = deploy({ healthChecks: { requestInterval: Duration.seconds(30), failureThreshold: 10 }, recordTtl: Duration.seconds(60) });
    expect(api.failureDetectionTime.toSeconds()).toBe(300);
    expect(api.worstCaseFailoverTime.toSeconds()).toBe(360);
    expect(api.failbackTime.toSeconds()).toBe(360);
  });

  test('a slower canary that alarms on one failed run of three', () => {
    const { api } = deploy({
      healthChecks: { canaryInterval: Duration.minutes(2), canaryTimeout: Duration.seconds(5), canaryFailedRuns: 1, canaryEvaluationRuns: 3 },
      recordTtl: Duration.seconds(60),
    });
    expect(api.failureDetectionTime.toSeconds()).toBe(120 + 5 + 60 + 60);
    expect(api.worstCaseFailoverTime.toSeconds()).toBe(245 + 60);
    expect(api.failbackTime.toSeconds()).toBe(3 * 120 + 125 + 60);
  });
});

describe('validation', () => {
  const LATENCY = RoutingPattern.activeActiveLatency(['eu-west-1', 'eu-central-1']);
  const endpoint = (routing: RoutingPattern, profiles = [EU]): InferenceEndpointOptions[] => [{ name: 'chat', profiles, routing }];
  test.each<[string, () => unknown, RegExp]>([
    ['no secondaries', () => RoutingPattern.activePassive({ primary: 'eu-west-1', secondaries: [] }), /'secondaries' is empty/],
    ['a region twice', () => RoutingPattern.activePassive({ primary: 'eu-west-1', secondaries: ['eu-west-1'] }), /lists region 'eu-west-1' more than once/],
    ['one latency region', () => RoutingPattern.activeActiveLatency(['eu-west-1']), /needs at least two regions/],
    ['a zero weight', () => RoutingPattern.activeActiveWeighted([{ region: 'us-east-1', weight: 0 }, { region: 'us-west-2', weight: 1 }]), /weight of 'us-east-1' must be a whole number from 1 to 255/],
    ['a region that is not a source region', () => deploy({ endpoints: endpoint(RoutingPattern.activePassive({ primary: 'eu-west-1', secondaries: ['eu-west-2'] })) }),
      /'eu-west-2' is not a source region of inference profile/],
    ['a region outside the geography', () => deploy({ endpoints: endpoint(RoutingPattern.activePassive({ primary: 'eu-west-1', secondaries: ['us-east-1'] })) }),
      /outside the 'eu' geography/],
    ['a region outside the residency constraint', () => deploy({ endpoints: [{ name: 'chat', profiles: [CrossRegionInferenceProfile.fromId('eu.anthropic.claude-sonnet-4-20250514-v1:0')], residency: ResidencyConstraint.EU_ONLY, routing: RoutingPattern.activePassive({ primary: 'eu-west-1', secondaries: ['il-central-1'] }) }] }),
      /outside the residency constraint/],
    ['no endpoints', () => deploy({ endpoints: [] }), /endpoints is empty/],
    ['a bad endpoint name', () => deploy({ endpoints: [{ name: 'Chat_1', profiles: [EU], routing: RoutingPattern.activeActiveLatency(['eu-west-1', 'eu-central-1']) }] }), /Endpoint name 'Chat_1' must be a DNS label/],
    ['duplicate endpoint names', () => deploy({ endpoints: [...endpoint(RoutingPattern.activeActiveLatency(['eu-west-1', 'eu-central-1'])), ...endpoint(RoutingPattern.activeActiveLatency(['eu-west-1', 'eu-central-1']))] }), /'chat' is used twice/],
    ['a 20 s health-check interval', () => deploy({ healthChecks: { requestInterval: Duration.seconds(20) } }), /must be 10 or 30 seconds/],
    ['a failure threshold of 11', () => deploy({ healthChecks: { failureThreshold: 11 } }), /failureThreshold must be a whole number from 1 to 10/],
    ['a high-resolution canary interval', () => deploy({ healthChecks: { canaryInterval: Duration.seconds(30) } }), /canaryInterval must be a whole number of minutes.*standard-resolution/],
    ['zero failed canary runs', () => deploy({ healthChecks: { canaryFailedRuns: 0 } }), /canaryFailedRuns must be a whole number of at least 1/],
    ['a record name outside the zone', () => deploy({ endpoints: [{ ...endpoint(LATENCY)[0], recordName: 'chat.example.org' }] }),
      /recordName 'chat.example.org' must be a name inside the zone 'example.com' and not its apex/],
    ['the zone apex as record name', () => deploy({ endpoints: [{ ...endpoint(LATENCY)[0], recordName: 'example.com.' }] }),
      /recordName 'example.com' must be a name inside the zone/],
    ['API keys without a shared value behind one name for several regions', () => deploy({ endpoints: [{ ...endpoint(LATENCY)[0], authorization: InvokerAuthorization.apiKey() }] }),
      /Endpoint 'chat' uses API keys behind one DNS name for 2 regions: give the key a value/],
    ['an API key value shorter than 20 characters', () => InvokerAuthorization.apiKey({ value: SecretValue.unsafePlainText('too-short') }),
      /apiKey value must be at least 20 characters \(API Gateway's minimum\); got 9/],
  ])('rejects %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('API keys with a shared value: the same key value (a secret reference, never the value itself) in every region', () => {
    const { api } = deploy({
      endpoints: [{ ...endpoint(LATENCY)[0], authorization: InvokerAuthorization.apiKey({ value: SecretValue.secretsManager('bedrock-api-key') }) }],
    });
    for (const stack of api.regionalStacks) {
      Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::ApiKey', { Value: '{{resolve:secretsmanager:bedrock-api-key:SecretString:::}}' });
    }
    expect(Annotations.fromStack(api.routingStack).findWarning('*', Match.stringLikeRegexp('SigV4'))).toEqual([]);
  });

  test('warns that SigV4 clients must sign for the region the name resolves to (IAM behind DNS over several regions)', () => {
    const { api } = deploy({ endpoints: endpoint(LATENCY) });
    Annotations.fromStack(api.routingStack).hasWarning('*',
      Match.stringLikeRegexp("Endpoint 'chat' uses IAM \\(SigV4\\) authorization behind DNS routing over eu-west-1, eu-central-1.*'<region>.chat.example.com'"));
    const regionalOnly = deploy({ endpoints: endpoint(LATENCY), domain: undefined }).api;
    expect(Annotations.fromStack(regionalOnly.routingStack).findWarning('*', Match.stringLikeRegexp('SigV4'))).toEqual([]);
  });

  test('warns about a record TTL over 60 s', () => {
    const { api } = deploy({ recordTtl: Duration.seconds(120) });
    Annotations.fromStack(api.routingStack).hasWarning('*', Match.stringLikeRegexp('recordTtl is 120 s'));
  });
});

describe('operations', () => {
  test('alarms per invoker on one encrypted topic per region, with the e-mail subscription', () => {
    const { api } = deploy({ operations: { alarmEmail: 'oncall@example.com' } });
    const regional = Template.fromStack(api.regionalStack('eu-west-1'));
    regional.resourceCountIs('AWS::SNS::Topic', 1);
    regional.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    regional.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    const alarms = Object.values<any>(regional.findResources('AWS::CloudWatch::Alarm'));
    const notifying = alarms.filter(a => (a.Properties.AlarmActions ?? []).length > 0);
    expect(notifying.length).toBeGreaterThanOrEqual(4);
    expect(alarms.some(a => /failover/i.test(a.Properties.AlarmDescription))).toBe(true);
  });

  test('with an alarm e-mail every stack still passes cdk-nag, and the routing stack has one topic', () => {
    const { app, api } = deploy({ operations: { alarmEmail: 'oncall@example.com' } });
    expect(nagFindings(app)).toEqual([]);
    Template.fromStack(api.routingStack).resourceCountIs('AWS::SNS::Topic', 1);
    Template.fromStack(api.routingStack).resourceCountIs('AWS::SNS::Subscription', 1);
  });

  test('the routing stack holds the dashboard over every region; the audit is in each source region, with no trail', () => {
    const { api } = deploy();
    const routing = Template.fromStack(api.routingStack);
    routing.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(api.routingStack.resolve(
      (api.dashboard.dashboard.node.defaultChild as any).dashboardBody));
    for (const region of api.regions) {
      expect(body).toContain(region);
    }
    expect(body).toContain('Bedrock-chat');

    // Every invoker is charted: for each (region, service) pair a RequestsServed line read from the region the
    // invoker publishes in, with its service and Region dimensions, and one for each region it may call, in order.
    // The invokers of an endpoint share one service name; the region of the line tells them apart.
    const served = renderedInvokerMetrics(api.routingStack).filter(m => m.metricName === 'RequestsServed');
    for (const region of api.regions) {
      const invoker = api.invoker('chat', region);
      expect(invoker.serviceName).toBe('Bedrock-chat');
      expect(invoker.regionPlan[0]).toBe(region);
      for (const called of invoker.regionPlan) {
        expect(served).toContainEqual({ metricName: 'RequestsServed', region, dimensions: { service: invoker.serviceName, Region: called } });
      }
    }
    expect([...new Set(served.map(m => m.region))].sort()).toEqual([...api.regions].sort());
    routing.resourceCountIs('AWS::CloudTrail::Trail', 0);
    expect(api.auditTrail).toBeUndefined();
    expect(api.regionalAudits.map(audit => audit.region)).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3']);
  });

  test('each source region\'s audit checks residency: inference may run only in the destinations of the profiles from that region', () => {
    const { api } = deploy();
    expect(api.regionalAudits).toHaveLength(3);
    for (const audit of api.regionalAudits) {
      const expected = [...new Set(EU.destinationsFrom(audit.region))].sort();
      expect(audit.allowedInferenceRegions).toEqual(expected);
      expect(expected.every(region => region.startsWith('eu-'))).toBe(true);
      expect(audit.residencyAlarm).toBeDefined();
    }
    expect(api.regionalAudits.flatMap(audit => audit.allowedInferenceRegions ?? [])).toContain('eu-north-1');
  });

  test('an organisation trail replaces the new trail; the audit can be switched off', () => {
    const org = deploy({ operations: { existingTrailLogGroupName: 'org-trail' } }).api;
    Template.fromStack(org.routingStack).resourceCountIs('AWS::CloudTrail::Trail', 0);
    Template.fromStack(org.routingStack).hasResourceProperties('AWS::Logs::MetricFilter', { LogGroupName: 'org-trail' });
    const off = deploy({ operations: { auditTrail: false } }).api;
    expect(off.auditTrail).toBeUndefined();
    Template.fromStack(off.routingStack).resourceCountIs('AWS::Logs::MetricFilter', 0);
  });

  test('a runbook per endpoint is written next to the templates', () => {
    const { app, api } = deploy();
    const assembly = app.synth();
    expect(api.runbookFiles).toEqual(['Bedrock-chat.runbook.md']);
    const text = fs.readFileSync(path.join(assembly.directory, 'Bedrock-chat.runbook.md'), 'utf-8');
    expect(text).toMatch(/active-passive/i);
    expect(text).toMatch(/280 s/);
    for (const region of api.regions) {
      expect(text).toContain(region);
    }
    expect(text).toMatch(/update-health-check/);
    expect(text).toMatch(/\| Detection: the slower of the HTTPS check and the canary \| 250 \|/);
    expect(text).toContain('### Route 53 health check unhealthy');
    expect(text).toContain('### Unusual cross-region activity');
  });
});

describe('health-check alarms', () => {
  test('one per region on HealthCheckStatus in us-east-1, notifying the routing topic', () => {
    const { app, api } = deploy();
    expect(api.healthCheckAlarms).toHaveLength(3);
    const routing = Template.fromStack(api.routingStack);
    routing.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Route53',
      MetricName: 'HealthCheckStatus',
      Statistic: 'Minimum',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      AlarmActions: [Match.anyValue()],
      Dimensions: [{ Name: 'HealthCheckId', Value: Match.anyValue() }],
    });
    expect(nagFindings(app)).toEqual([]);
  });

  test('a routing stack outside us-east-1 warns instead', () => {
    const { api } = deploy({ routingRegion: 'eu-west-1' });
    expect(api.healthCheckAlarms).toHaveLength(0);
    Annotations.fromStack(api.routingStack).hasWarning('*', Match.stringLikeRegexp('exist only in us-east-1'));
  });
});
