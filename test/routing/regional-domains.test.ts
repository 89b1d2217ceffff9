import { App, SecretValue, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  CrossRegionInferenceApi, CrossRegionInferenceProfile, InferenceEndpointOptions, InvokerAlarms, InvokerAuthorization, RoutingPattern,
} from '../../lib';

const US = CrossRegionInferenceProfile.fromId('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
const NOVA = CrossRegionInferenceProfile.fromId('us.amazon.nova-pro-v1:0');
const DOMAIN = { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };

function deploy(endpoints: InferenceEndpointOptions[]): CrossRegionInferenceApi {
  return new CrossRegionInferenceApi(new App(), 'Bedrock', { account: '111111111111', domain: DOMAIN, endpoints });
}

/** Two endpoints sharing both regional stacks: `chat` (latency) and `batch` (active–passive). */
function hybrid(authorization?: InvokerAuthorization): CrossRegionInferenceApi {
  return deploy([
    { name: 'chat', profiles: [US], routing: RoutingPattern.activeActiveLatency(['us-east-1', 'us-west-2']), authorization },
    { name: 'batch', profiles: [NOVA], routing: RoutingPattern.activePassive({ primary: 'us-west-2', secondaries: ['us-east-1'] }), authorization },
  ]);
}

/** The stack's API Gateway custom domains' logical ids, by domain name. */
function domainIds(template: Template): Record<string, string> {
  return Object.fromEntries(Object.entries<any>(template.findResources('AWS::ApiGateway::DomainName'))
    .map(([id, resource]) => [resource.Properties.DomainName, id]));
}

/** The stack's record sets by name (without the trailing dot). */
function recordsByName(template: Template): Record<string, any> {
  return Object.fromEntries(Object.values<any>(template.findResources('AWS::Route53::RecordSet'))
    .map(r => [r.Properties.Name.replace(/\.$/, ''), r.Properties]));
}

describe('each name is an alias to its own custom domain\'s target', () => {
  const api = deploy([{ name: 'chat', profiles: [US], routing: RoutingPattern.activePassive({ primary: 'us-east-1', secondaries: ['us-west-2'] }) }]);

  test.each(['us-east-1', 'us-west-2'])('in %s: <region>.<name> to the regional domain, <region>.shared.<name> to the domain <name>', (region) => {
    const template = Template.fromStack(api.regionalStack(region));
    const domains = domainIds(template);
    const records = recordsByName(template);
    const aliasOf = (domainId: string) => ({
      DNSName: { 'Fn::GetAtt': [domainId, 'RegionalDomainName'] },
      HostedZoneId: { 'Fn::GetAtt': [domainId, 'RegionalHostedZoneId'] },
    });
    // The /health check sends SNI <region>.chat.example.com: it must reach that custom domain's own target.
    expect(records[`${region}.chat.example.com`]).toMatchObject({ Type: 'A', AliasTarget: aliasOf(domains[`${region}.chat.example.com`]) });
    // Clients of chat.example.com (SNI chat.example.com) must reach the custom domain chat.example.com.
    expect(records[`${region}.shared.chat.example.com`]).toMatchObject({ Type: 'A', AliasTarget: aliasOf(domains['chat.example.com']) });
    expect(Object.keys(records).sort()).toEqual([`${region}.chat.example.com`, `${region}.shared.chat.example.com`]);
  });

  test('the routing records of the shared name point at each region\'s shared-name record; the health checks at <region>.<name>', () => {
    const routing = Template.fromStack(api.routingStack);
    const cnames = Object.values<any>(routing.findResources('AWS::Route53::RecordSet')).map(r => r.Properties)
      .map(r => [r.Name, r.Failover, r.ResourceRecords[0]]);
    expect(cnames).toEqual([
      ['chat.example.com.', 'PRIMARY', 'us-east-1.shared.chat.example.com'],
      ['chat.example.com.', 'SECONDARY', 'us-west-2.shared.chat.example.com'],
    ]);
    const https = Object.values<any>(routing.findResources('AWS::Route53::HealthCheck'))
      .map(h => h.Properties.HealthCheckConfig).filter(c => c.Type === 'HTTPS');
    expect(https.map(c => [c.FullyQualifiedDomainName, c.EnableSNI]).sort()).toEqual([
      ['us-east-1.chat.example.com', true], ['us-west-2.chat.example.com', true],
    ]);
  });
});

describe('two endpoints in one region', () => {
  test('have two REST APIs of distinct names, and each 5xx alarm reads its own API\'s name', () => {
    const api = hybrid();
    for (const region of api.regions) {
      const stack = api.regionalStack(region);
      const resources = Template.fromStack(stack).toJSON().Resources;
      const resourceOf = (construct: { node: { defaultChild?: unknown } }) => resources[stack.getLogicalId(construct.node.defaultChild as any)];
      const names = ['chat', 'batch'].map(endpoint => {
        const apiName = resourceOf(api.invoker(endpoint, region).api).Properties.Name;
        const alarm = resourceOf((stack.node.findChild(`${endpoint}Alarms`) as InvokerAlarms).apiServerErrors);
        const read = (alarm.Properties.Metrics as any[]).filter(m => m.MetricStat?.Metric.Namespace === 'AWS/ApiGateway')
          .map(m => m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'ApiName').Value);
        expect(read).toEqual([apiName, apiName]);
        return apiName;
      });
      expect(names).toEqual(['Bedrock-chat', 'Bedrock-batch']);
    }
  });

  test('with API keys of one value share one key per region, in both usage plans', () => {
    const api = hybrid(InvokerAuthorization.apiKey({ value: SecretValue.secretsManager('bedrock-api-key') }));
    for (const region of api.regions) {
      const stack: Stack = api.regionalStack(region);
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
      const keyId = Object.keys(template.findResources('AWS::ApiGateway::ApiKey'))[0];
      const planKeys = Object.values<any>(template.findResources('AWS::ApiGateway::UsagePlanKey')).map(k => k.Properties);
      expect(planKeys.map(k => k.KeyId)).toEqual([{ Ref: keyId }, { Ref: keyId }]);
      expect(new Set(planKeys.map(k => k.UsagePlanId.Ref)).size).toBe(2);
      expect(api.invoker('batch', region).apiKey).toBe(api.invoker('chat', region).apiKey);
    }
  });
});
