import { App, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CrossRegionInferenceProfile, InvokerAlarms, InvokerAuthorization, RegionalInvoker, RegionalInvokerProps } from '../../lib';
import { nagFindings } from '../support/nag';

const EU_SONNET = 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0';

function stackIn(region = 'eu-west-1'): { app: App; stack: Stack } {
  const app = new App();
  return { app, stack: new Stack(app, 'Invokers', { env: { account: '111111111111', region } }) };
}

function invoker(stack: Stack, id: string, props: Partial<RegionalInvokerProps> = {}): RegionalInvoker {
  return new RegionalInvoker(stack, id, { profiles: [CrossRegionInferenceProfile.fromId(EU_SONNET)], fallbackRegions: ['eu-central-1'], ...props });
}

/** The CloudFormation resource of a construct's default child. */
function resourceOf(stack: Stack, construct: { node: { defaultChild?: unknown } }): any {
  return Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(construct.node.defaultChild as any)];
}

/** The ApiName dimension of every AWS/ApiGateway metric an alarm reads. */
function apiNamesRead(alarm: any): string[] {
  return (alarm.Properties.Metrics as any[])
    .filter(m => m.MetricStat?.Metric.Namespace === 'AWS/ApiGateway')
    .map(m => m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'ApiName').Value);
}

describe('REST API names', () => {
  test('each API is named after its invoker\'s service name, and its 5xx alarm reads its own API, not a merged "Api"', () => {
    const { stack } = stackIn();
    const chat = invoker(stack, 'Chat', { serviceName: 'app-chat' });
    const batch = invoker(stack, 'Batch', { serviceName: 'app-batch' });
    const chatAlarms = new InvokerAlarms(stack, 'ChatAlarms', { invoker: chat });
    const batchAlarms = new InvokerAlarms(stack, 'BatchAlarms', { invoker: batch });

    expect(resourceOf(stack, chat.api).Properties.Name).toBe('app-chat');
    expect(resourceOf(stack, batch.api).Properties.Name).toBe('app-batch');
    expect(apiNamesRead(resourceOf(stack, chatAlarms.apiServerErrors))).toEqual(['app-chat', 'app-chat']);
    expect(apiNamesRead(resourceOf(stack, batchAlarms.apiServerErrors))).toEqual(['app-batch', 'app-batch']);
  });

  test('without a service name, each API gets a distinct name derived from its construct path', () => {
    const { stack } = stackIn();
    const names = [invoker(stack, 'First'), invoker(stack, 'Second')].map(i => resourceOf(stack, i.api).Properties.Name);
    expect(names[0]).toMatch(/^InvokersFirst/);
    expect(names[1]).toMatch(/^InvokersSecond/);
  });

  test.each<[string, string, RegExp]>([
    ['a non-ASCII name (API Gateway would drop the characters from ApiName)', 'chat-é', /serviceName 'chat-é' contains characters outside printable ASCII/],
    ['a name over 255 characters', 'x'.repeat(256), /is 256 characters long; use at most 255/],
    ['a blank name', '  ', /serviceName ' {2}' is blank/],
  ])('rejects %s', (_name, serviceName, message) => {
    expect(() => invoker(stackIn().stack, 'Invoker', { serviceName })).toThrow(message);
  });

  test('rejects two invokers of one service name in a stack: they would share one ApiName series', () => {
    const { stack } = stackIn();
    invoker(stack, 'Chat', { serviceName: 'app-chat' });
    expect(() => invoker(stack, 'Chat2', { serviceName: 'app-chat' }))
      .toThrow(/serviceName 'app-chat' is already the service name of the invoker at 'Invokers\/Chat' in this stack.*Give each invoker its own serviceName/);
  });

  test('rejects a service name an earlier invoker of the stack got by default', () => {
    const { stack } = stackIn();
    const first = invoker(stack, 'First');
    expect(() => invoker(stack, 'Second', { serviceName: first.serviceName }))
      .toThrow(new RegExp(`serviceName '${first.serviceName}' is already the service name of the invoker at 'Invokers/First'`));
  });

  test('accepts one service name in two stacks: API names are per region and account, and each stack checks its own', () => {
    const { app, stack } = stackIn();
    const other = new Stack(app, 'Other', { env: { account: '111111111111', region: 'eu-central-1' } });
    invoker(stack, 'Chat', { serviceName: 'app-chat' });
    expect(() => invoker(other, 'Chat', { serviceName: 'app-chat', fallbackRegions: ['eu-west-1'] })).not.toThrow();
  });
});

describe('GET /health', () => {
  test('is answered by API Gateway itself (MOCK, 200, the handler\'s status and region), never by the function', () => {
    const { stack } = stackIn();
    const chat = invoker(stack, 'Chat');
    const template = Template.fromStack(stack);
    const health = resourceOf(stack, chat.api.root.getResource('health')!.node.findChild('GET') as any);
    expect(health.Properties).toMatchObject({
      HttpMethod: 'GET',
      AuthorizationType: 'NONE',
      Integration: {
        Type: 'MOCK',
        PassthroughBehavior: 'NEVER',
        RequestTemplates: { 'application/json': '{"statusCode": 200}' },
        IntegrationResponses: [{ StatusCode: '200', ResponseParameters: { 'method.response.header.Cache-Control': "'no-store'" } }],
      },
      MethodResponses: [{ StatusCode: '200' }],
    });
    expect(JSON.parse(health.Properties.Integration.IntegrationResponses[0].ResponseTemplates['application/json']))
      .toEqual({ status: 'ok', region: 'eu-west-1' });
    // The function is invokable by the three inference routes only.
    const permissions = Object.values<any>(template.findResources('AWS::Lambda::Permission'));
    expect(JSON.stringify(permissions)).not.toContain('/health');
    expect(JSON.stringify(permissions)).toContain('/converse');
  });

  test('has its own method throttle in the stage, apart from the stage-wide one, with the stage\'s logging', () => {
    const { stack } = stackIn();
    invoker(stack, 'Chat', { throttlingRateLimit: 500, throttlingBurstLimit: 1000 });
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 }),
        { HttpMethod: 'GET', ResourcePath: '/~1health', ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20, LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true },
      ],
    });
  });

  test('the MOCK method passes the cdk-nag rule packs', () => {
    const { app, stack } = stackIn();
    invoker(stack, 'Chat');
    expect(nagFindings(app)).toEqual([]);
  });
});

describe('API keys', () => {
  const apiKeyInvoker = (stack: Stack, id: string, value?: SecretValue) =>
    invoker(stack, id, { serviceName: id, authorization: InvokerAuthorization.apiKey(value ? { value } : {}) });

  test('two invokers of one stack with one key value share one key, added to each usage plan', () => {
    const { stack } = stackIn();
    // Two SecretValues naming one secret: one value.
    const chat = apiKeyInvoker(stack, 'chat', SecretValue.secretsManager('bedrock-api-key'));
    const batch = apiKeyInvoker(stack, 'batch', SecretValue.secretsManager('bedrock-api-key'));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    template.hasResourceProperties('AWS::ApiGateway::ApiKey', { Value: '{{resolve:secretsmanager:bedrock-api-key:SecretString:::}}' });
    expect(batch.apiKey).toBe(chat.apiKey);
    const keyId = stack.getLogicalId(chat.apiKey!.node.defaultChild as any);
    const planKeys = Object.values<any>(template.findResources('AWS::ApiGateway::UsagePlanKey')).map(k => k.Properties);
    expect(planKeys).toHaveLength(2);
    expect(planKeys.every(k => k.KeyId.Ref === keyId)).toBe(true);
    expect(planKeys.map(k => k.UsagePlanId.Ref).sort())
      .toEqual([chat, batch].map(i => stack.getLogicalId(i.usagePlan!.node.defaultChild as any)).sort());
    // The first invoker keeps the key where a single invoker always had it (no replacement on upgrade).
    expect(chat.apiKey!.node.path).toBe('Invokers/chat/Api/ApiKey');
  });

  test('different values, or none (API Gateway generates one each), give one key per invoker', () => {
    const distinct = stackIn().stack;
    apiKeyInvoker(distinct, 'chat', SecretValue.secretsManager('chat-key'));
    apiKeyInvoker(distinct, 'batch', SecretValue.secretsManager('batch-key'));
    Template.fromStack(distinct).resourceCountIs('AWS::ApiGateway::ApiKey', 2);

    const generated = stackIn().stack;
    apiKeyInvoker(generated, 'chat');
    apiKeyInvoker(generated, 'batch');
    Template.fromStack(generated).resourceCountIs('AWS::ApiGateway::ApiKey', 2);
  });

  test('a shared key is per stack: invokers of another stack get their own', () => {
    const app = new App();
    const value = SecretValue.secretsManager('bedrock-api-key');
    const stacks = ['One', 'Two'].map(name => new Stack(app, name, { env: { account: '111111111111', region: 'eu-west-1' } }));
    for (const stack of stacks) { apiKeyInvoker(stack, 'chat', value); }
    for (const stack of stacks) { Template.fromStack(stack).resourceCountIs('AWS::ApiGateway::ApiKey', 1); }
  });
});

describe('the API Gateway account setting', () => {
  test('waits for its role and for the policy that gives the role its permissions', () => {
    const { stack } = stackIn();
    invoker(stack, 'Chat');
    const template = Template.fromStack(stack);
    const [accountId, account] = Object.entries<any>(template.findResources('AWS::ApiGateway::Account'))[0];
    const policyId = Object.keys(template.findResources('AWS::IAM::ManagedPolicy', {
      Properties: { Description: 'The permissions of AmazonAPIGatewayPushToCloudWatchLogs' },
    }))[0];
    const roleId = account.Properties.CloudWatchRoleArn['Fn::GetAtt'][0];
    expect(policyId).toBeDefined();
    // The role through its ARN, the policy (attached to the role by its Roles) by an explicit DependsOn.
    expect(template.toJSON().Resources[roleId].Type).toBe('AWS::IAM::Role');
    expect(account.DependsOn).toEqual([policyId]);
    expect(template.toJSON().Resources[policyId].Properties.Roles).toEqual([{ Ref: roleId }]);
    expect(accountId).toMatch(/^BedrockInvokerApiGatewayLogging/);
  });
});
