import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * The API Gateway REST proxy event (v1) of one JSON request to a literal resource, as the Lambda runtime
 * hands it to the invoker (the request context is left empty: the invoker does not read it).
 */
export function restProxyEvent(method: string, resource: string, body?: string): APIGatewayProxyEvent {
  const host = 'abc123.execute-api.eu-west-1.amazonaws.com';
  return {
    resource,
    path: resource,
    httpMethod: method,
    headers: { 'Content-Type': 'application/json', 'Host': host },
    multiValueHeaders: { 'Content-Type': ['application/json'], 'Host': [host] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body ?? null,
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
  };
}
