import { Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { InvokerAuthorization, InvokerAuthorizationKind } from '../invoker-authorization';
import { InvokerSettings } from '../invoker-settings';
import type { RegionalInvoker } from '../regional-invoker';
import { apiGatewayAccountSettings } from './api-gateway-account';
import { addHealthRoute, healthMethodOptions } from './health-route';
import { TimeoutBudget } from './timeout-budget';

/**
 * The invoker's regional REST API (construct id `Api`, named after the invoker's `serviceName`): its stage
 * with throttling (and `GET /health`'s own), access logs and tracing, and gateway responses in the
 * handler's error shape. Depends on the stack's API Gateway account logging settings unless the settings
 * say something else manages them.
 */
export function createRestApi(scope: RegionalInvoker, settings: InvokerSettings, tracing: boolean): apigateway.RestApi {
  const api = new apigateway.RestApi(scope, 'Api', {
    // API Gateway's metrics are keyed by ApiName (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html):
    // APIs of one name in one account and region share one series, so each invoker's API carries its own
    // name, the one its alarms read through `api.metricServerError()`.
    restApiName: scope.serviceName,
    description: `Bedrock cross-region invoker (${scope.profiles.map(p => p.profileId).join(', ')})`,
    endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
    // The account-level logging role is created below with an inline policy instead of the AWS managed one.
    cloudWatchRole: false,
    deployOptions: {
      stageName: settings.stageName ?? 'v1',
      throttlingRateLimit: settings.throttlingRateLimit ?? 50,
      throttlingBurstLimit: settings.throttlingBurstLimit ?? 100,
      accessLogDestination: new apigateway.LogGroupLogDestination(scope.accessLogGroup),
      accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      loggingLevel: apigateway.MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
      metricsEnabled: true,
      tracingEnabled: tracing,
      methodOptions: healthMethodOptions(),
    },
  });
  shapeGatewayResponses(api);
  // API Gateway writes execution and access logs with one role per account and region.
  if (settings.manageApiGatewayAccountLogging ?? true) {
    api.deploymentStage.node.addDependency(apiGatewayAccountSettings(Stack.of(scope)));
  }
  return api;
}

/**
 * The routes of the invoker's API: `POST /converse`, `POST /converse-stream` (body checked against the
 * Converse request model) and `POST /invoke`, proxied to its function with streamed responses and
 * protected as `authorization` says; and the public `GET /health`, answered by API Gateway itself.
 */
export function addInvokerRoutes(scope: RegionalInvoker, authorization: InvokerAuthorization, budget: TimeoutBudget): void {
  const api = scope.api;
  const integration = new apigateway.LambdaIntegration(scope.function, {
    proxy: true,
    responseTransferMode: apigateway.ResponseTransferMode.STREAM,
    timeout: Duration.millis(budget.integrationTimeoutMs),
  });
  const bodyValidator = api.addRequestValidator('BodyValidator', { validateRequestBody: true, validateRequestParameters: true });
  const converseModel = api.addModel('ConverseRequest', {
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
    api.root.addResource(route).addMethod('POST', integration, {
      ...protectedMethod,
      requestValidator: bodyValidator,
      requestModels: { 'application/json': converseModel },
    });
  }
  api.root.addResource('invoke').addMethod('POST', integration, {
    ...protectedMethod,
    requestValidator: bodyValidator,
    requestParameters: { 'method.request.querystring.modelId': false },
  });
  addHealthRoute(api, Stack.of(scope).region);
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
