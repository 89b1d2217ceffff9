import * as apigateway from 'aws-cdk-lib/aws-apigateway';

/** The `methodOptions` key of `GET /health` in the stage's deploy options. */
const HEALTH_METHOD_PATH = '/health/GET';

/**
 * Throttle of `GET /health`, apart from the stage's. Route 53 HTTPS checkers probe from about 15
 * locations every 10 s with the fast interval (aws-facts §8.1: interval 10 s or 30 s; the number of
 * checkers is UNCONFIRMED, about 15 by default), so about 1.5 requests per second: 10 rps with a burst
 * of 20 leaves room for people and scripts while keeping an anonymous flood of this public route from
 * spending the account's regional request quota that the inference routes share. The price: a flood
 * above 10 rps makes the checkers see 429s and takes the region out of DNS; a web ACL with a rate-based
 * rule on the stage is the defence against that (see the AwsSolutions-APIG3 acknowledgement).
 */
const HEALTH_THROTTLE = { rateLimit: 10, burstLimit: 20 } as const;

/** The `/health` answer API Gateway gives itself: the status and region fields of the handler's own answer. */
function healthBody(region: string): string {
  return JSON.stringify({ status: 'ok', region });
}

/**
 * The stage's method settings for `GET /health`: its own throttle, and the stage's logging and metrics
 * repeated, so the method's entry says everything whatever API Gateway takes from the stage-wide one.
 * AWS: "Per-API, per-stage throttling limits are applied at the API method level for a stage. You can
 * configure the same settings for all methods, or configure different throttle settings for each method"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
 * The entry makes the budget `/health`'s by name and sized for the checkers, whatever stage-wide limits a
 * user sets; only the account's regional limit stays shared.
 */
export function healthMethodOptions(): Record<string, apigateway.MethodDeploymentOptions> {
  return {
    [HEALTH_METHOD_PATH]: {
      throttlingRateLimit: HEALTH_THROTTLE.rateLimit,
      throttlingBurstLimit: HEALTH_THROTTLE.burstLimit,
      loggingLevel: apigateway.MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
      metricsEnabled: true,
    },
  };
}

/**
 * `GET /health`, answered by API Gateway itself (a MOCK integration) with 200 and `healthBody(region)`.
 *
 * What a 200 proves: the region's front door works, i.e. DNS for the name checked, its TLS certificate,
 * the custom domain's mapping to this API and stage, and API Gateway in the region. It says nothing about
 * the handler function or Bedrock, on purpose: a Lambda proxy /health shared the function's concurrency
 * (and its cold starts), so in the surge after a failover the region carrying the traffic could fail its
 * own check and leave DNS too. Whether Bedrock answers in the region is the region canary's signal, which
 * the calculated health check combines with this one. The handler keeps its own /health (circuit states)
 * for the local server.
 *
 * Route 53 checkers cannot sign or send API keys, so the method is public; with no Content-Type,
 * API Gateway applies the application/json request template
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-passthrough-behaviors.html),
 * which makes the mock answer 200 (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-mock-integration.html).
 */
export function addHealthRoute(api: apigateway.RestApi, region: string): apigateway.Method {
  const integration = new apigateway.MockIntegration({
    passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
    requestTemplates: { 'application/json': '{"statusCode": 200}' },
    integrationResponses: [{
      statusCode: '200',
      responseTemplates: { 'application/json': healthBody(region) },
      responseParameters: { 'method.response.header.Cache-Control': "'no-store'" },
    }],
  });
  return api.root.addResource('health').addMethod('GET', integration, {
    authorizationType: apigateway.AuthorizationType.NONE,
    methodResponses: [{ statusCode: '200', responseParameters: { 'method.response.header.Cache-Control': true } }],
  });
}
