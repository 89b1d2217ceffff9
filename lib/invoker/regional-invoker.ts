import { Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { InvokerAuthorization, InvokerAuthorizationKind } from './invoker-authorization';
import { InvokerSettings } from './invoker-settings';
import { allowCloudWatchLogsToUseKey } from '../private/cloudwatch-logs-key-access';
import { invokerMetric } from '../private/metric-identity';
import { CrossRegionInferenceProfile } from '../profiles/cross-region-inference-profile';
import { Geography } from '../profiles/geography';
import { ResidencyConstraint } from '../profiles/residency-constraint';
import { INVOKER_CONFIG_ENV, INVOKER_METRIC_NAMES, InvokerRuntimeConfig, OutageDrillConfig } from '../shared/invoker-config';
import { createInvokerFunction } from './private/invoker-function';
import { acknowledgeInvokerFindings } from './private/nag-acknowledgements';
import { planRegions } from './private/region-plan';
import { addInvokerRoutes, createRestApi } from './private/rest-api';
import { invokerRuntimeConfig } from './private/runtime-config';
import { claimServiceName, serviceNameProblem } from './private/service-name';
import { apiKeyFor } from './private/shared-api-key';
import { planTimeouts } from './private/timeout-budget';

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
  /** The `service` dimension of this invoker's metrics, and the name of its REST API (`ApiName` of API Gateway's metrics). */
  public readonly serviceName: string;
  /** The timeout budget: integration timeout, handler deadline, attempt and first-token deadlines. */
  public readonly integrationTimeout: Duration;
  /** The handler's overall deadline per request. */
  public readonly requestDeadline: Duration;
  /**
   * The API key, when authorization is by API key. Invokers of one stack given the same key value share
   * one key (API Gateway allows one key per value in a region), each adding it to its own usage plan.
   */
  public readonly apiKey?: apigateway.IApiKey;
  /** The usage plan, when authorization is by API key. */
  public readonly usagePlan?: apigateway.UsagePlan;

  /** What the handler is configured with (its environment), kept for additions made after construction. */
  private readonly runtimeConfig: InvokerRuntimeConfig;

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
    this.checkServiceName(props.serviceName !== undefined);

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

    const config = this.runtimeConfig = invokerRuntimeConfig(props, {
      geography: this.geography,
      regionPlan: this.regionPlan,
      profileIds: this.profiles.map(p => p.profileId),
      budget,
    });
    const tracing = props.tracing ?? true;
    this.function = createInvokerFunction(this, props, budget, config, tracing);
    this.api = createRestApi(this, props, tracing);

    const authorization = props.authorization ?? InvokerAuthorization.iam();
    if (authorization.kind === InvokerAuthorizationKind.API_KEY) {
      this.usagePlan = this.api.addUsagePlan('UsagePlan', {
        quota: authorization.apiKeyOptions.quota,
        throttle: authorization.apiKeyOptions.throttle,
        apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
      });
      this.apiKey = apiKeyFor(this.api, authorization.apiKeyOptions.value);
      this.usagePlan.addApiKey(this.apiKey);
    }
    addInvokerRoutes(this, authorization, budget);
    acknowledgeInvokerFindings(this, authorization, tracing);
  }

  /**
   * Makes the handler read the region's outage-drill switch (see `OutageDrillConfig`): its configuration
   * names the switch, and its role may read that one parameter (`ssm:GetParameter` on `parameterArn`).
   *
   * @internal
   */
  public _enableOutageDrill(drill: OutageDrillConfig, parameterArn: string): void {
    this.function.addEnvironment(INVOKER_CONFIG_ENV, JSON.stringify({ ...this.runtimeConfig, outageDrill: drill }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadTheOutageDrillSwitch',
      actions: ['ssm:GetParameter'],
      resources: [parameterArn],
    }));
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
   *                   InputTokens, OutputTokens, ServedBySecondary, ClientErrors, DrillActive
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

  /**
   * The service name is also the REST API's name, and API Gateway's metrics are keyed by API name: two
   * invokers of one name in a region would read each other's 5xx in their alarms.
   */
  private checkServiceName(given: boolean): void {
    const problem = serviceNameProblem(this.serviceName);
    if (problem !== undefined) {
      throw new Error(`serviceName '${this.serviceName}' ${problem}.`);
    }
    if (Token.isUnresolved(this.serviceName)) { return; }
    // Every invoker claims its name, generated or given; a given name that is taken is the user's to change.
    const twinPath = claimServiceName(Stack.of(this), this.serviceName, this.node.path);
    if (given && twinPath !== undefined) {
      throw new Error(`serviceName '${this.serviceName}' is already the service name of the invoker at '${twinPath}' in this stack: `
        + 'it names the REST API and the metrics, so the two would share API Gateway\'s ApiName series and their alarms would '
        + 'read each other\'s errors. Give each invoker its own serviceName.');
    }
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
}

function validatePositiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && !Token.isUnresolved(value) && (!Number.isInteger(value) || value <= 0)) {
    throw new Error(`${name} must be a positive whole number; got ${value}.`);
  }
}
