import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CrossRegionInferenceProfile, InvokerAuthorization, RegionalInvoker, RegionalInvokerProps, ResidencyConstraint } from '../../lib';
import { nagFindings } from '../support/nag';

const EU_SONNET = 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0';

function build(props: Partial<RegionalInvokerProps> = {}, region = 'eu-west-1'): { app: App; stack: Stack; invoker: RegionalInvoker } {
  const app = new App();
  const stack = new Stack(app, 'Invoker', { env: { account: '111111111111', region } });
  const invoker = new RegionalInvoker(stack, 'Invoker', {
    profiles: [CrossRegionInferenceProfile.fromId(EU_SONNET)],
    fallbackRegions: ['eu-central-1', 'eu-west-3'],
    ...props,
  });
  return { app, stack, invoker };
}

function handlerConfig(stack: Stack): any {
  const fns = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  const handler = Object.values<any>(fns).find(f => f.Properties.Environment?.Variables?.INVOKER_CONFIG);
  return JSON.parse(handler.Properties.Environment.Variables.INVOKER_CONFIG);
}

describe('RegionalInvoker', () => {
  test('deploys an arm64 Node.js 24 streaming handler with its region plan and deadlines', () => {
    const { stack, invoker } = build();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 65,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    });
    expect(handlerConfig(stack)).toEqual({
      geography: 'eu',
      regionPlan: ['eu-west-1', 'eu-central-1', 'eu-west-3'],
      profileIds: [EU_SONNET],
      deadlineMs: 58_000,
      attemptTimeoutMs: 30_000,
      firstTokenTimeoutMs: 10_000,
      maxBodyBytes: 4 * 1024 * 1024,
      breakerFailureThreshold: 3,
      breakerCooldownMs: 30_000,
      backoffBaseMs: 100,
      backoffMaxMs: 2_000,
    });
    expect(invoker.regionPlan).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3']);
    expect(invoker.requestDeadline.toMilliseconds()).toBe(58_000);
  });

  test('the role may call the profile in every planned source region, and each of their destinations', () => {
    const { stack } = build();
    const statements = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap(p => p.Properties.PolicyDocument.Statement);
    const json = JSON.stringify(statements);
    for (const source of ['eu-west-1', 'eu-central-1', 'eu-west-3']) {
      expect(json).toContain(`:bedrock:${source}:111111111111:inference-profile/${EU_SONNET}`);
    }
    for (const destination of ['eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-3']) {
      expect(json).toContain(`:bedrock:${destination}::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0`);
    }
    expect(json).not.toContain('AWSLambdaBasicExecutionRole');
  });

  test('a regional REST API with streamed Lambda proxy integrations, IAM auth, validation, throttling, access logs and tracing', () => {
    const { stack } = build();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      RequestValidatorId: Match.anyValue(),
      RequestModels: { 'application/json': Match.anyValue() },
      Integration: Match.objectLike({
        Type: 'AWS_PROXY',
        ResponseTransferMode: 'STREAM',
        TimeoutInMillis: 60_000,
        Uri: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('response-streaming-invocations')])]) }),
      }),
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', AuthorizationType: 'NONE' });
    template.resourceCountIs('AWS::ApiGateway::Method', 4);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: Match.arrayWith([Match.objectLike({ ResourcePath: '/*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, LoggingLevel: 'ERROR' })]),
    });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Schema: Match.objectLike({ required: ['messages'] }),
    });
  });

  test('tracing: false turns X-Ray off for the function and the stage, and tells the handler not to load the tracer', () => {
    const { stack, app } = build({ tracing: false });
    const template = Template.fromStack(stack);
    const handler = Object.values<any>(template.findResources('AWS::Lambda::Function'))
      .find(f => f.Properties.Environment?.Variables?.INVOKER_CONFIG);
    expect(handler.Properties.TracingConfig).toBeUndefined();
    expect(handler.Properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBe('false');
    template.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: false });
    const statements = Object.values<any>(template.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement);
    expect(JSON.stringify(statements)).not.toContain('xray:');
    // The rule packs' tracing checks then fire: that is the app owner's policy call to acknowledge, not the construct's.
    expect(nagFindings(app)).toEqual([
      'Serverless-LambdaTracing at Invoker/Invoker/Handler/Resource',
      'Serverless-APIGWXrayEnabled at Invoker/Invoker/Api/DeploymentStage.v1/Resource',
      'HIPAA.Security-APIGWXrayEnabled at Invoker/Invoker/Api/DeploymentStage.v1/Resource',
    ]);

    const traced = Template.fromStack(build().stack);
    const tracedHandler = Object.values<any>(traced.findResources('AWS::Lambda::Function'))
      .find(f => f.Properties.Environment?.Variables?.INVOKER_CONFIG);
    expect(tracedHandler.Properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBeUndefined();
    const tracedStatements = Object.values<any>(traced.findResources('AWS::IAM::Policy')).flatMap(p => p.Properties.PolicyDocument.Statement);
    expect(tracedStatements).toContainEqual(expect.objectContaining({ Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }));
  });

  test('API Gateway\'s own rejections answer in the handler\'s { error, message } shape', () => {
    const template = Template.fromStack(build().stack);
    const responses = Object.values<any>(template.findResources('AWS::ApiGateway::GatewayResponse')).map(r => r.Properties);
    expect(responses.map(r => r.ResponseType).sort()).toEqual(['BAD_REQUEST_BODY', 'DEFAULT_4XX', 'DEFAULT_5XX']);
    // What API Gateway renders: $context.error.messageString is a quoted string, responseType a bare word.
    const rendered = (type: string) => JSON.parse(responses.find(r => r.ResponseType === type).ResponseTemplates['application/json']
      .replace('$context.error.responseType', 'ACCESS_DENIED').replace('$context.error.messageString', '"Forbidden"'));
    expect(rendered('BAD_REQUEST_BODY')).toEqual({ error: 'InvalidRequestBody', message: expect.stringContaining('non-empty "messages" array') });
    expect(rendered('DEFAULT_4XX')).toEqual({ error: 'ACCESS_DENIED', message: 'Forbidden' });
    expect(rendered('DEFAULT_5XX')).toEqual({ error: 'ACCESS_DENIED', message: 'Forbidden' });
  });

  test('log groups are encrypted and retained', () => {
    const { stack } = build();
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 90, KmsKeyId: Match.anyValue() }, 2);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('API keys with a usage plan as an option', () => {
    const { stack, invoker } = build({ authorization: InvokerAuthorization.apiKey({ quota: { limit: 1000, period: 'DAY' as any } }) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'POST', ApiKeyRequired: true, AuthorizationType: 'NONE' });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Quota: { Limit: 1000, Period: 'DAY' } });
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    expect(invoker.apiKey).toBeDefined();
  });

  test('grantInvokeApi lets a caller invoke the stage', () => {
    const { stack, invoker } = build();
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    invoker.grantInvokeApi(caller);
    const template = Template.fromStack(stack);
    const apiId = Object.keys(template.findResources('AWS::ApiGateway::RestApi'))[0];
    const stageId = Object.keys(template.findResources('AWS::ApiGateway::Stage'))[0];
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Caller') }],
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'execute-api:Invoke',
          // This API's stage only: arn:<partition>:execute-api:eu-west-1:111111111111:<api id>/<stage>/*/*
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:eu-west-1:111111111111:', { Ref: apiId }, '/', { Ref: stageId }, '/*/*']] },
        }],
      },
    });
  });

  test('metrics are dimensioned by service and region', () => {
    const { invoker } = build({ serviceName: 'chat' });
    expect(invoker.metricErrors().dimensions).toEqual({ service: 'chat', Region: 'eu-west-1' });
    expect(invoker.metric('Latency', 'eu-central-1').dimensions).toEqual({ service: 'chat', Region: 'eu-central-1' });
    expect(() => invoker.metric('Nope')).toThrow(/Unknown invoker metric 'Nope'. Use one of: RequestsServed/);
  });

  test('passes the cdk-nag rule packs (IAM and API-key variants)', () => {
    expect(nagFindings(build().app)).toEqual([]);
    expect(nagFindings(build({ authorization: InvokerAuthorization.apiKey() }).app)).toEqual([]);
  });
});

describe('RegionalInvoker validation', () => {
  test.each<[string, Partial<RegionalInvokerProps>, string, RegExp]>([
    ['a fallback outside the geography', { fallbackRegions: ['us-east-1'] }, 'eu-west-1',
      /Fallback region 'us-east-1' is outside the 'eu' geography.*Choose fallback regions among the source regions of the profile: eu-central-1/],
    ['a fallback that is not a source region', { fallbackRegions: ['eu-south-1'] }, 'eu-west-1',
      /'eu-south-1' is not a source region of inference profile 'eu\.anthropic\.claude-3-7-sonnet-20250219-v1:0'/],
    ['a stack region that is not a source region', { fallbackRegions: [] }, 'eu-west-2', /'eu-west-2' is not a source region/],
    ['its own region as a fallback', { fallbackRegions: ['eu-west-1'] }, 'eu-west-1', /repeats 'eu-west-1' \(the invoker's own region/],
    ['mixed geographies', { profiles: [CrossRegionInferenceProfile.fromId(EU_SONNET), CrossRegionInferenceProfile.fromId('global.anthropic.claude-sonnet-4-5-20250929-v1:0')], fallbackRegions: [] }, 'eu-west-1',
      /must share a geography, got eu and global/],
    ['no profile', { profiles: [] }, 'eu-west-1', /profiles is empty/],
    ['a residency rule the destinations break', { profiles: [CrossRegionInferenceProfile.fromId('eu.anthropic.claude-sonnet-4-20250514-v1:0')], fallbackRegions: ['il-central-1'], residency: ResidencyConstraint.EU_ONLY }, 'eu-west-1',
      /can run inference in il-central-1, outside the residency constraint/],
    ['an attempt timeout beyond the deadline', { integrationTimeout: Duration.seconds(20), attemptTimeout: Duration.seconds(25) }, 'eu-west-1',
      /attemptTimeout \(25 s\) must be positive and at most the request deadline \(18 s/],
    ['a first-token timeout beyond the attempt timeout', { firstTokenTimeout: Duration.seconds(40) }, 'eu-west-1', /firstTokenTimeout \(40 s\) must be positive and at most attemptTimeout/],
    ['an integration timeout over 15 minutes', { integrationTimeout: Duration.minutes(16) }, 'eu-west-1', /integrationTimeout must be between 5 s and 900 s/],
    ['a fractional body limit', { maxBodyBytes: 1.5 }, 'eu-west-1', /maxBodyBytes must be a positive whole number; got 1.5/],
    ['an old runtime', { runtime: lambda.Runtime.NODEJS_20_X }, 'eu-west-1', /runtime must be Node.js 22 or newer.*nodejs20\.x/],
    ['a hedge share above 1', { hedging: { maxShare: 1.5 } }, 'eu-west-1', /hedging.maxShare must be a share of requests in \(0, 1\].*got 1.5/],
    ['a hedge share of 0', { hedging: { maxShare: 0 } }, 'eu-west-1', /hedging.maxShare must be a share of requests in \(0, 1\]/],
    ['a hedge delay under a millisecond', { hedging: { minDelay: Duration.millis(0) } }, 'eu-west-1', /hedging.minDelay must be at least 1 millisecond, got 0 ms/],
  ])('rejects %s', (_name, props, region, message) => {
    expect(() => build(props, region)).toThrow(message);
  });

  test('hedging is off unless asked for; when asked, the handler gets its floor and share', () => {
    expect(handlerConfig(build().stack).hedging).toBeUndefined();
    expect(handlerConfig(build({ hedging: {} }).stack).hedging).toEqual({ minDelayMs: 2_000, maxShare: 0.05 });
    expect(handlerConfig(build({ hedging: { minDelay: Duration.millis(800), maxShare: 0.2 } }).stack).hedging)
      .toEqual({ minDelayMs: 800, maxShare: 0.2 });
  });

  test('rejects an environment-agnostic stack', () => {
    const stack = new Stack(new App(), 'Agnostic');
    expect(() => new RegionalInvoker(stack, 'Invoker', { profiles: [CrossRegionInferenceProfile.fromId(EU_SONNET)] }))
      .toThrow(/needs a stack with an explicit env\.region/);
  });
});

describe('several invokers in one stack', () => {
  test('share one API Gateway account logging role', () => {
    const { stack } = build();
    new RegionalInvoker(stack, 'Second', { profiles: [CrossRegionInferenceProfile.fromId(EU_SONNET)] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 2);
    const stages = Object.values<any>(template.findResources('AWS::ApiGateway::Stage'));
    const accountId = Object.keys(template.findResources('AWS::ApiGateway::Account'))[0];
    expect(stages.every(stage => stage.DependsOn?.includes(accountId))).toBe(true);
  });

  test('the logging role outlives the stack (the account setting keeps pointing at it), and can be left to others', () => {
    const template = Template.fromStack(build().stack);
    const role = Object.values<any>(template.findResources('AWS::IAM::Role'))
      .find(r => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service === 'apigateway.amazonaws.com');
    expect([role.DeletionPolicy, role.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);

    const unmanaged = Template.fromStack(build({ manageApiGatewayAccountLogging: false }).stack);
    unmanaged.resourceCountIs('AWS::ApiGateway::Account', 0);
    expect(Object.values<any>(unmanaged.findResources('AWS::IAM::Role'))
      .some(r => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service === 'apigateway.amazonaws.com')).toBe(false);
  });
});
