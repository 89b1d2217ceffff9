import * as fs from 'fs';
import * as path from 'path';
import { Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { allowCloudWatchLogsToUseKey } from '../private/cloudwatch-logs-key-access';
import { invokerMetric } from '../private/metric-identity';
import { CrossRegionInferenceProfile } from '../profiles/cross-region-inference-profile';
import { Geography } from '../profiles/geography';
import { InvokerAuthorization, InvokerAuthorizationKind } from './invoker-authorization';
import { planRegions } from './private/region-plan';
import { planTimeouts, TimeoutBudget } from './private/timeout-budget';
import { ResidencyConstraint } from '../profiles/residency-constraint';
import {
  INVOKER_CONFIG_ENV, INVOKER_METRIC_NAMES, INVOKER_METRICS_NAMESPACE, InvokerRuntimeConfig, TRACE_ENABLED_ENV,
} from '../shared/invoker-config';

/** Where the build puts the bundled handler (`npx projen bundle`); the npm package ships it. */
const HANDLER_ASSET_DIR = path.join(__dirname, '..', '..', 'assets', 'invoker');

/** Circuit-breaker settings of the invoker's per-region breakers. */
export interface CircuitBreakerOptions {
  /**
   * Consecutive failover-class failures (throttles, 5xx, timeouts) that open a region's circuit.
   *
   * @default 3
   */
  readonly failureThreshold?: number;

  /**
   * How long an open circuit skips its region before a single probe request.
   *
   * @default Duration.seconds(30)
   */
  readonly cooldown?: Duration;
}

/** Settings of an invoker that do not depend on where it is deployed. */
export interface InvokerSettings {
  /**
   * A data-residency rule every destination region must satisfy; checked at synth time.
   *
   * @default ResidencyConstraint.UNRESTRICTED
   */
  readonly residency?: ResidencyConstraint;

  /**
   * How callers authenticate to the API.
   *
   * @default InvokerAuthorization.iam()
   */
  readonly authorization?: InvokerAuthorization;

  /**
   * API Gateway integration timeout. The handler's overall deadline is this minus 2 s, and the
   * Lambda timeout this plus 5 s, so a request always ends with an answer from the handler.
   *
   * @default Duration.seconds(60)
   */
  readonly integrationTimeout?: Duration;

  /**
   * Deadline of one Bedrock attempt (until response headers for Converse and InvokeModel). A slower
   * region is abandoned for the next one.
   *
   * @default Duration.seconds(30)
   */
  readonly attemptTimeout?: Duration;

  /**
   * Deadline for the first streamed event of ConverseStream; a slower region is abandoned before
   * anything reaches the client.
   *
   * @default Duration.seconds(10)
   */
  readonly firstTokenTimeout?: Duration;

  /**
   * Per-region circuit breaker settings.
   *
   * @default - 3 failures open a circuit for 30 seconds
   */
  readonly circuitBreaker?: CircuitBreakerOptions;

  /**
   * Largest request body accepted, in bytes (larger bodies get 413).
   *
   * @default 4194304 (4 MiB)
   */
  readonly maxBodyBytes?: number;

  /**
   * Stage throttling: steady-state requests per second.
   *
   * @default 50
   */
  readonly throttlingRateLimit?: number;

  /**
   * Stage throttling: burst.
   *
   * @default 100
   */
  readonly throttlingBurstLimit?: number;

  /**
   * The API stage name.
   *
   * @default 'v1'
   */
  readonly stageName?: string;

  /**
   * Retention of the function's and the API's access logs.
   *
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * KMS key that encrypts the log groups. Its key policy must let CloudWatch Logs in this region use it.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Memory of the handler function, in MiB.
   *
   * @default 512
   */
  readonly memorySize?: number;

  /**
   * Reserved concurrency of the handler function.
   *
   * @default - unreserved (shares the account's regional concurrency)
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * Runtime of the handler function (Node.js 22 or newer).
   *
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;

  /**
   * X-Ray active tracing of the handler (one subsegment per Bedrock attempt, with its region and
   * outcome) and of the API stage. Turning it off saves the X-Ray charges and the CPU the X-Ray SDK
   * adds to every request: the handler then does not load it at all. cdk-nag's Serverless and HIPAA
   * packs then report the missing tracing; acknowledge those findings in your app if that is your policy.
   *
   * @default true
   */
  readonly tracing?: boolean;

  /**
   * Whether the stack sets API Gateway's account-level CloudWatch Logs role for its region
   * (`AWS::ApiGateway::Account`: one setting per account and region, shared by every REST API there,
   * created once per stack). Turn it off when something else already manages that setting (a landing
   * zone, another stack in the same account and region): two stacks setting it overwrite each other.
   * The stage's execution logging needs the setting either way. The role is retained when the stack is
   * deleted, because the account setting keeps pointing at it.
   *
   * @default true
   */
  readonly manageApiGatewayAccountLogging?: boolean;

  /**
   * Value of the `service` dimension of the invoker's metrics; distinguishes invokers in one region.
   *
   * @default - a name derived from the construct path
   */
  readonly serviceName?: string;

  /**
   * What happens to the log groups and the key when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Properties of a {@link RegionalInvoker}. */
export interface RegionalInvokerProps extends InvokerSettings {
  /**
   * The system-defined cross-region profiles this invoker may call; the first is the default when a
   * request names none. All must share one geography, and the stack's region and every fallback
   * region must be a source region of each.
   */
  readonly profiles: CrossRegionInferenceProfile[];

  /**
   * Source regions to fall back to, in order, when the stack's own region throttles, errors or is
   * slow. Each must be inside the profiles' geography. The invoker calls Bedrock in those regions
   * directly (through the same profile), so its role is granted the profile there too.
   *
   * @default - no fallback: only the stack's own region is called (Bedrock's own cross-region routing still applies)
   */
  readonly fallbackRegions?: string[];
}

/**
 * The invoker in one region: a response-streaming Lambda function behind a regional REST API that calls
 * Bedrock through cross-region inference profiles and, when the region throttles, errors or is slow,
 * fails over to the next source region of the same geography before the client sees an error.
 */
export class RegionalInvoker extends Construct {
  /** The handler function. */
  public readonly function: lambda.Function;
  /** The handler's role (least privilege: the profiles in every planned region, its log group, X-Ray). */
  public readonly role: iam.Role;
  /** The regional REST API. */
  public readonly api: apigateway.RestApi;
  /** The handler's log group. */
  public readonly logGroup: logs.LogGroup;
  /** The API's access log group. */
  public readonly accessLogGroup: logs.LogGroup;
  /** The key encrypting both log groups. */
  public readonly encryptionKey: kms.IKey;
  /** Source regions the handler calls, in order: this stack's region, then the fallbacks. */
  public readonly regionPlan: string[];
  /** The geography of the profiles. */
  public readonly geography: Geography;
  /** The profiles this invoker may call; the first is the default. */
  public readonly profiles: CrossRegionInferenceProfile[];
  /** The `service` dimension of this invoker's metrics. */
  public readonly serviceName: string;
  /** The timeout budget: integration timeout, handler deadline, attempt and first-token deadlines. */
  public readonly integrationTimeout: Duration;
  /** The handler's overall deadline per request. */
  public readonly requestDeadline: Duration;
  /** The API key, when authorization is by API key. */
  public readonly apiKey?: apigateway.IApiKey;
  /** The usage plan, when authorization is by API key. */
  public readonly usagePlan?: apigateway.UsagePlan;

  constructor(scope: Construct, id: string, props: RegionalInvokerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region)) {
      throw new Error(`RegionalInvoker '${id}' needs a stack with an explicit env.region: its permissions and fallback `
        + 'regions depend on the source region.');
    }
    const residency = props.residency ?? ResidencyConstraint.UNRESTRICTED;
    const plan = planRegions({
      ownRegion: stack.region,
      fallbackRegions: props.fallbackRegions ?? [],
      profiles: props.profiles,
      residency,
    });
    this.regionPlan = plan.regions;
    this.geography = plan.geography;
    this.profiles = [...props.profiles];
    const budget = planTimeouts({
      integrationTimeoutMs: (props.integrationTimeout ?? Duration.seconds(60)).toMilliseconds(),
      attemptTimeoutMs: (props.attemptTimeout ?? Duration.seconds(30)).toMilliseconds(),
      firstTokenTimeoutMs: (props.firstTokenTimeout ?? Duration.seconds(10)).toMilliseconds(),
    });
    this.integrationTimeout = Duration.millis(budget.integrationTimeoutMs);
    this.requestDeadline = Duration.millis(budget.deadlineMs);
    validatePositiveInteger('maxBodyBytes', props.maxBodyBytes);
    validatePositiveInteger('circuitBreaker.failureThreshold', props.circuitBreaker?.failureThreshold);
    validatePositiveInteger('memorySize', props.memorySize);
    this.serviceName = props.serviceName ?? Names.uniqueResourceName(this, { maxLength: 60 });

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey = props.encryptionKey ?? this.createLogKey(removalPolicy);
    const retention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    this.logGroup = new logs.LogGroup(this, 'HandlerLogs', { retention, encryptionKey: this.encryptionKey, removalPolicy });
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention, encryptionKey: this.encryptionKey, removalPolicy });

    this.role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Invokes ${this.profiles.map(p => p.profileId).join(', ')} from ${this.regionPlan.join(', ')}`,
    });
    this.logGroup.grantWrite(this.role);
    for (const profile of this.profiles) {
      profile.grantInvoke(this.role, { sourceRegions: this.regionPlan, residency });
    }

    const config: InvokerRuntimeConfig = {
      geography: this.geography,
      regionPlan: this.regionPlan,
      profileIds: this.profiles.map(p => p.profileId),
      deadlineMs: budget.deadlineMs,
      attemptTimeoutMs: budget.attemptTimeoutMs,
      firstTokenTimeoutMs: budget.firstTokenTimeoutMs,
      maxBodyBytes: props.maxBodyBytes ?? 4 * 1024 * 1024,
      breakerFailureThreshold: props.circuitBreaker?.failureThreshold ?? 3,
      breakerCooldownMs: (props.circuitBreaker?.cooldown ?? Duration.seconds(30)).toMilliseconds(),
      backoffBaseMs: 100,
      backoffMaxMs: 2_000,
    };
    const tracing = props.tracing ?? true;
    this.function = this.createFunction(props, budget, config, tracing);
    this.api = this.createApi(props, tracing);

    const authorization = props.authorization ?? InvokerAuthorization.iam();
    if (authorization.kind === InvokerAuthorizationKind.API_KEY) {
      this.usagePlan = this.api.addUsagePlan('UsagePlan', {
        quota: authorization.apiKeyOptions.quota,
        throttle: authorization.apiKeyOptions.throttle,
        apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
      });
      // A secret's dynamic reference resolves at deploy time; the value itself never enters the template.
      this.apiKey = this.api.addApiKey('ApiKey', { value: authorization.apiKeyOptions.value?.unsafeUnwrap() });
      this.usagePlan.addApiKey(this.apiKey);
    }
    this.addRoutes(authorization, budget);
    this.acknowledgeFindings(authorization, tracing);
  }

  /** The invoke URL of the API's stage, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/v1/`. */
  public get url(): string {
    return this.api.url;
  }

  /**
   * Lets `grantee` call the API (`execute-api:Invoke` on every route) when authorization is IAM.
   */
  public grantInvokeApi(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.api.arnForExecuteApi('*', '/*', this.api.deploymentStage.stageName)],
    });
  }

  /**
   * One of the invoker's own metrics (namespace `CdkBedrockCrossRegion/Invoker`), for the calls this
   * invoker made to `region`.
   *
   * @param metricName one of RequestsServed, Attempts, Failovers, Throttles, Errors, Latency, TimeToFirstToken,
   *                   InputTokens, OutputTokens, ServedBySecondary, ClientErrors
   * @param sourceRegion the source region called; defaults to this invoker's own region
   */
  public metric(metricName: string, sourceRegion?: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return invokerMetric({ serviceName: this.serviceName, calledRegion: sourceRegion ?? this.regionPlan[0], storedInRegion: Stack.of(this).region },
      metricName, props);
  }

  /** Bedrock errors (5xx, 529, timeouts, resets) met in this invoker's own region, per minute. */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INVOKER_METRIC_NAMES.errors, undefined, props);
  }

  /** Bedrock throttles met in this invoker's own region, per minute. */
  public metricThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INVOKER_METRIC_NAMES.throttles, undefined, props);
  }

  private createLogKey(removalPolicy: RemovalPolicy): kms.Key {
    const key = new kms.Key(this, 'LogKey', {
      enableKeyRotation: true,
      description: 'Encrypts the Bedrock invoker log groups',
      removalPolicy,
    });
    allowCloudWatchLogsToUseKey(key);
    return key;
  }

  private createFunction(props: RegionalInvokerProps, budget: TimeoutBudget, config: InvokerRuntimeConfig, tracing: boolean): lambda.Function {
    if (!fs.existsSync(path.join(HANDLER_ASSET_DIR, 'index.js'))) {
      throw new Error(`The invoker handler bundle is missing (${HANDLER_ASSET_DIR}/index.js). In a source checkout run `
        + '`npx projen bundle` first; the published package ships it.');
    }
    const runtime = props.runtime ?? lambda.Runtime.NODEJS_24_X;
    if (runtime.family !== lambda.RuntimeFamily.NODEJS || /^nodejs(1\d|20)\./.test(runtime.name)) {
      throw new Error(`runtime must be Node.js 22 or newer (the handler is built for it); got ${runtime.name}.`);
    }
    return new lambda.Function(this, 'Handler', {
      description: `Bedrock cross-region invoker (${this.geography}, ${this.regionPlan.join(' > ')})`,
      runtime,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(HANDLER_ASSET_DIR),
      memorySize: props.memorySize ?? 512,
      timeout: Duration.seconds(budget.lambdaTimeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        [INVOKER_CONFIG_ENV]: JSON.stringify(config),
        POWERTOOLS_SERVICE_NAME: this.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: INVOKER_METRICS_NAMESPACE,
        ...(tracing ? {} : { [TRACE_ENABLED_ENV]: 'false' }),
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
  }

  private createApi(props: RegionalInvokerProps, tracing: boolean): apigateway.RestApi {
    const api = new apigateway.RestApi(this, 'Api', {
      description: `Bedrock cross-region invoker (${this.profiles.map(p => p.profileId).join(', ')})`,
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // The account-level logging role is created below with an inline policy instead of the AWS managed one.
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stageName ?? 'v1',
        throttlingRateLimit: props.throttlingRateLimit ?? 50,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 100,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: tracing,
      },
    });
    shapeGatewayResponses(api);
    // API Gateway writes execution and access logs with one role per account and region.
    if (props.manageApiGatewayAccountLogging ?? true) {
      api.deploymentStage.node.addDependency(apiGatewayAccountSettings(Stack.of(this)));
    }
    return api;
  }

  private addRoutes(authorization: InvokerAuthorization, budget: TimeoutBudget): void {
    const integration = new apigateway.LambdaIntegration(this.function, {
      proxy: true,
      responseTransferMode: apigateway.ResponseTransferMode.STREAM,
      timeout: Duration.millis(budget.integrationTimeoutMs),
    });
    const bodyValidator = this.api.addRequestValidator('BodyValidator', { validateRequestBody: true, validateRequestParameters: true });
    const converseModel = this.api.addModel('ConverseRequest', {
      contentType: 'application/json',
      modelName: 'ConverseRequest',
      schema: {
        schema: apigateway.JsonSchemaVersion.DRAFT4,
        title: 'ConverseRequest',
        type: apigateway.JsonSchemaType.OBJECT,
        required: ['messages'],
        properties: {
          modelId: { type: apigateway.JsonSchemaType.STRING },
          messages: { type: apigateway.JsonSchemaType.ARRAY, minItems: 1, items: { type: apigateway.JsonSchemaType.OBJECT } },
        },
      },
    });
    const protectedMethod: apigateway.MethodOptions = authorization.kind === InvokerAuthorizationKind.IAM
      ? { authorizationType: apigateway.AuthorizationType.IAM }
      : { authorizationType: apigateway.AuthorizationType.NONE, apiKeyRequired: true };

    for (const route of ['converse', 'converse-stream']) {
      this.api.root.addResource(route).addMethod('POST', integration, {
        ...protectedMethod,
        requestValidator: bodyValidator,
        requestModels: { 'application/json': converseModel },
      });
    }
    this.api.root.addResource('invoke').addMethod('POST', integration, {
      ...protectedMethod,
      requestValidator: bodyValidator,
      requestParameters: { 'method.request.querystring.modelId': false },
    });
    // Route 53 health checkers cannot sign requests or send API keys: /health is public and calls no model.
    this.api.root.addResource('health').addMethod('GET', integration, { authorizationType: apigateway.AuthorizationType.NONE });
  }

  private acknowledgeFindings(authorization: InvokerAuthorization, tracing: boolean): void {
    const ack = (scope: Construct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
    const fn = this.function;
    ack(fn, 'NIST.800.53.R5-LambdaInsideVPC', 'The handler reaches only the public Bedrock runtime endpoints of its geography; a VPC adds NAT cost and a failure domain without protecting data in transit, which TLS already does.');
    ack(fn, 'HIPAA.Security-LambdaInsideVPC', 'The handler reaches only the public Bedrock runtime endpoints of its geography over TLS; see NIST.800.53.R5-LambdaInsideVPC.');
    ack(fn, 'NIST.800.53.R5-LambdaDLQ', 'Invoked synchronously by API Gateway only; a dead-letter queue applies to asynchronous invocations, and failures are answered to the caller.');
    ack(fn, 'HIPAA.Security-LambdaDLQ', 'Invoked synchronously by API Gateway only; a dead-letter queue applies to asynchronous invocations.');
    ack(fn, 'Serverless-LambdaDLQ', 'Invoked synchronously by API Gateway only; a dead-letter queue applies to asynchronous invocations.');
    ack(fn, 'Serverless-LambdaAsyncFailureDestination', 'Invoked synchronously by API Gateway only; no asynchronous invocation to route failures from.');
    if ((fn.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions === undefined) {
      ack(fn, 'NIST.800.53.R5-LambdaConcurrency', 'Reserved concurrency is a prop (reservedConcurrentExecutions); by default the invoker shares the regional pool so that a failover surge is not capped below the account limit, and the API stage throttling bounds load.');
      ack(fn, 'HIPAA.Security-LambdaConcurrency', 'Reserved concurrency is a prop (reservedConcurrentExecutions); the API stage throttling bounds load.');
    }
    const inlineReason = 'The handler role\'s policy is generated per deployment (profile ARNs per source region, its own log group) '
      + 'and lives and dies with the role; a customer managed policy would be a separately attachable copy of the same grant.';
    ack(this.role, 'NIST.800.53.R5-IAMNoInlinePolicy', inlineReason);
    ack(this.role, 'HIPAA.Security-IAMNoInlinePolicy', inlineReason);
    if (tracing) {
      ack(this.role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (added by Lambda active tracing).');
    }
    ack(this.api, 'AwsSolutions-APIG3', 'WAF is an organisation-level choice (AWS Firewall Manager or a web ACL associated to the stage); the API is authenticated and throttled per stage.');
    ack(this.api, 'NIST.800.53.R5-APIGWAssociatedWithWAF', 'WAF is an organisation-level choice; see AwsSolutions-APIG3.');
    ack(this.api, 'HIPAA.Security-APIGWSSLEnabled', 'Backend integration is AWS_PROXY to Lambda over AWS\'s signed internal path; client certificates apply only to HTTP backends.');
    ack(this.api, 'NIST.800.53.R5-APIGWSSLEnabled', 'Backend integration is AWS_PROXY to Lambda; client certificates apply only to HTTP backends.');
    ack(this.api, 'NIST.800.53.R5-APIGWCacheEnabledAndEncrypted', 'Responses are model generations per request and must not be cached; caching is also incompatible with response streaming.');
    ack(this.api, 'HIPAA.Security-APIGWCacheEnabledAndEncrypted', 'Responses are per-request model generations and must not be cached; caching is incompatible with response streaming.');
    const health = this.api.root.getResource('health')!.node.findChild('GET');
    ack(health, 'AwsSolutions-APIG4', 'Route 53 health checkers cannot sign requests: /health is public, calls no model and returns only the region plan and breaker states.');
    ack(health, 'AwsSolutions-COG4', 'Route 53 health checkers cannot present Cognito tokens; /health calls no model.');
    for (const route of ['converse', 'converse-stream', 'invoke']) {
      const method = this.api.root.getResource(route)!.node.findChild('POST');
      if (authorization.kind === InvokerAuthorizationKind.API_KEY) {
        ack(method, 'AwsSolutions-APIG4', 'Authorization by API key with a usage plan was chosen explicitly (InvokerAuthorization.apiKey()).');
        ack(method, 'AwsSolutions-COG4', 'Authorization by API key with a usage plan was chosen explicitly (InvokerAuthorization.apiKey()).');
      } else {
        ack(method, 'AwsSolutions-COG4', 'Callers authenticate with IAM (SigV4), which is stronger than a Cognito user pool for service-to-service traffic.');
      }
    }
  }
}

/**
 * API Gateway's own rejections (request validation, authorization, throttling, its own failures) in the
 * handler's error shape `{ "error", "message" }`, so clients parse one format whoever answers.
 */
function shapeGatewayResponses(api: apigateway.RestApi): void {
  api.addGatewayResponse('BadRequestBody', {
    type: apigateway.ResponseType.BAD_REQUEST_BODY,
    templates: {
      'application/json': '{"error":"InvalidRequestBody","message":"the body does not match the request model: a JSON object '
        + 'with a non-empty \\"messages\\" array (and a string \\"modelId\\" if any)"}',
    },
  });
  // $context.error.messageString is already a quoted JSON string.
  const gatewayError = { 'application/json': '{"error":"$context.error.responseType","message":$context.error.messageString}' };
  api.addGatewayResponse('Default4xx', { type: apigateway.ResponseType.DEFAULT_4XX, templates: gatewayError });
  api.addGatewayResponse('Default5xx', { type: apigateway.ResponseType.DEFAULT_5XX, templates: gatewayError });
}

/** Construct id of the per-stack API Gateway logging settings shared by every invoker in a stack. */
const API_GATEWAY_LOGGING_ID = 'BedrockInvokerApiGatewayLogging';

/**
 * The account-level API Gateway logging role of a stack (`AWS::ApiGateway::Account`), created once per
 * stack however many invokers it holds. The role carries the permissions of AWS's
 * AmazonAPIGatewayPushToCloudWatchLogs policy in a customer managed policy.
 */
function apiGatewayAccountSettings(stack: Stack): Construct {
  const existing = stack.node.tryFindChild(API_GATEWAY_LOGGING_ID);
  if (existing) { return existing as Construct; }
  const scope = new Construct(stack, API_GATEWAY_LOGGING_ID);
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    description: 'Lets API Gateway write execution and access logs to CloudWatch Logs in this region',
  });
  // Deleting the stack does not reset the account setting: keep the role (and its policy) it points at.
  role.applyRemovalPolicy(RemovalPolicy.RETAIN);
  const policy = new iam.ManagedPolicy(scope, 'Policy', {
    description: 'The permissions of AmazonAPIGatewayPushToCloudWatchLogs',
    roles: [role],
    statements: [new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams',
        'logs:PutLogEvents', 'logs:GetLogEvents', 'logs:FilterLogEvents'],
      resources: ['*'],
    })],
  });
  policy.applyRemovalPolicy(RemovalPolicy.RETAIN);
  new apigateway.CfnAccount(scope, 'Account', { cloudWatchRoleArn: role.roleArn });
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'API Gateway names its execution log groups itself (API-Gateway-Execution-Logs_<api-id>/<stage>) and this account-level '
      + 'role serves every API in the region; same scope as AWS\'s AmazonAPIGatewayPushToCloudWatchLogs.',
  });
  return scope;
}

function validatePositiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && !Token.isUnresolved(value) && (!Number.isInteger(value) || value <= 0)) {
    throw new Error(`${name} must be a positive whole number; got ${value}.`);
  }
}
