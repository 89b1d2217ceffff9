import { Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { InvokerAuthorization, InvokerAuthorizationKind } from '../invoker-authorization';
import type { RegionalInvoker } from '../regional-invoker';

/**
 * The cdk-nag findings an invoker's function, role, API and methods raise by design, acknowledged with
 * the reason each does not apply. Call after the routes exist.
 */
export function acknowledgeInvokerFindings(scope: RegionalInvoker, authorization: InvokerAuthorization, tracing: boolean): void {
  const ack = (target: IConstruct, id: string, reason: string) => Validations.of(target).acknowledge({ id, reason });
  const fn = scope.function;
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
  ack(scope.role, 'NIST.800.53.R5-IAMNoInlinePolicy', inlineReason);
  ack(scope.role, 'HIPAA.Security-IAMNoInlinePolicy', inlineReason);
  if (tracing) {
    ack(scope.role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (added by Lambda active tracing).');
  }
  ack(scope.api, 'AwsSolutions-APIG3', 'WAF is an organisation-level choice (AWS Firewall Manager or a web ACL associated to the stage); the API is authenticated and throttled per stage.');
  ack(scope.api, 'NIST.800.53.R5-APIGWAssociatedWithWAF', 'WAF is an organisation-level choice; see AwsSolutions-APIG3.');
  ack(scope.api, 'HIPAA.Security-APIGWSSLEnabled', 'Backend integration is AWS_PROXY to Lambda over AWS\'s signed internal path; client certificates apply only to HTTP backends.');
  ack(scope.api, 'NIST.800.53.R5-APIGWSSLEnabled', 'Backend integration is AWS_PROXY to Lambda; client certificates apply only to HTTP backends.');
  ack(scope.api, 'NIST.800.53.R5-APIGWCacheEnabledAndEncrypted', 'Responses are model generations per request and must not be cached; caching is also incompatible with response streaming.');
  ack(scope.api, 'HIPAA.Security-APIGWCacheEnabledAndEncrypted', 'Responses are per-request model generations and must not be cached; caching is incompatible with response streaming.');
  const health = scope.api.root.getResource('health')!.node.findChild('GET');
  ack(health, 'AwsSolutions-APIG4', 'Route 53 health checkers cannot sign requests: /health is public, answered by API Gateway itself (MOCK integration) with its status and region; it calls no function and no model.');
  ack(health, 'AwsSolutions-COG4', 'Route 53 health checkers cannot present Cognito tokens; /health calls no model.');
  for (const route of ['converse', 'converse-stream', 'invoke']) {
    const method = scope.api.root.getResource(route)!.node.findChild('POST');
    if (authorization.kind === InvokerAuthorizationKind.API_KEY) {
      ack(method, 'AwsSolutions-APIG4', 'Authorization by API key with a usage plan was chosen explicitly (InvokerAuthorization.apiKey()).');
      ack(method, 'AwsSolutions-COG4', 'Authorization by API key with a usage plan was chosen explicitly (InvokerAuthorization.apiKey()).');
    } else {
      ack(method, 'AwsSolutions-COG4', 'Callers authenticate with IAM (SigV4), which is stronger than a Cognito user pool for service-to-service traffic.');
    }
  }
}
