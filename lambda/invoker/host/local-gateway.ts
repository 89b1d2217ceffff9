/**
 * The local server's stand-in for the deployed API Gateway REST API in front of the handler: which
 * resource a request reaches, what API Gateway answers itself when it reaches none, and the REST proxy
 * event (v1) it sends to the function when it reaches one.
 */
import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { resolveRoute } from '../http/request-validation';

/** An answer the local server gives itself, before (or instead of) the handler: status, headers, JSON body. */
export interface LocalAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { readonly error: string; readonly message: string };
}

/**
 * What the deployed API answers for a request that reaches none of its resources: API Gateway's
 * `MISSING_AUTHENTICATION_TOKEN` rejection (403 "Missing Authentication Token"), in the `{ error, message }`
 * shape the construct's `Default4xx` gateway response gives it (lib/invoker/private/rest-api.ts).
 */
export const MISSING_AUTHENTICATION_TOKEN: LocalAnswer = {
  status: 403,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'MissingAuthenticationTokenException' },
  body: { error: 'MISSING_AUTHENTICATION_TOKEN', message: 'Missing Authentication Token' },
};

/**
 * The API resource a request-target reaches, as API Gateway REST matches it, or `undefined` when it
 * reaches none (answer {@link MISSING_AUTHENTICATION_TOKEN}).
 *
 * API Gateway matches the path it receives literally, against resources made of `a-zA-Z0-9._-` path
 * parts, ignoring one trailing slash: `/converse` and `/converse/` reach `/converse`. Nothing is decoded
 * or normalised first, so a path with percent-encoding (`/%2e%2e/converse`, `/convers%65`), a dot segment
 * (`/x/../converse`, `/converse/.`), an empty segment (`//converse`, `/converse//`) or a backslash
 * (`/\converse`) reaches no resource, and neither does a target that is not a path (`*`,
 * `http://host/converse`). The resources are the handler's routes ({@link resolveRoute}: 404 means none);
 * the method is not part of the match here, so a wrong method on a route gets the handler's 405.
 *
 * @param target the request-target of the request line (`request.url`), query string included
 */
export function gatewayResource(target: string | undefined): string | undefined {
  if (target === undefined || !target.startsWith('/')) {
    return undefined;
  }
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const resource = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (resource.endsWith('/')) {
    return undefined;
  }
  const resolved = resolveRoute('GET', resource);
  return !resolved.ok && resolved.problem.status === 404 ? undefined : resource;
}

/**
 * Builds the API Gateway REST proxy event (v1) API Gateway sends for this request to `resource` (see
 * {@link gatewayResource}). `path` is the path as received, `resource` the matched resource; query
 * parameters are decoded. Bodies whose content type is not JSON or text are base64-encoded with
 * `isBase64Encoded: true`, as API Gateway does for binary media types.
 */
export function apiGatewayEventFromHttp(request: http.IncomingMessage, resource: string, body: Buffer): APIGatewayProxyEvent {
  const target = request.url ?? resource;
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    const name = request.rawHeaders[index];
    const value = request.rawHeaders[index + 1];
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(queryAt === -1 ? '' : target.slice(queryAt + 1))) {
    query[name] = value;
    (multiValueQuery[name] ??= []).push(value);
  }
  const contentType = (request.headers['content-type'] ?? '').toLowerCase();
  const textual = contentType === '' || contentType.startsWith('application/json') || contentType.startsWith('text/');
  const hasBody = body.length > 0;
  return {
    resource,
    path,
    httpMethod: request.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: Object.keys(multiValueQuery).length > 0 ? multiValueQuery : null,
    pathParameters: null,
    stageVariables: null,
    body: hasBody ? body.toString(textual ? 'utf8' : 'base64') : null,
    isBase64Encoded: hasBody && !textual,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: undefined,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: request.method ?? 'GET',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: request.headers['user-agent'] ?? null,
        userArn: null,
      },
      path: `/local${path}`,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: resource,
    },
  };
}
