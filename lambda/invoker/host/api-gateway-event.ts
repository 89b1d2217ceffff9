import type { APIGatewayProxyEvent } from 'aws-lambda';
import { Checked, InvokerRequest, problem } from '../http/request-validation';

const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Adapts an API Gateway REST proxy event (v1) to the runtime-agnostic {@link InvokerRequest}.
 *
 * API Gateway sends binary (and, with binary media types, any) bodies base64-encoded with
 * `isBase64Encoded: true`; those are decoded here, and an undecodable one is a 400, not a crash.
 * The route is the resource path when it is a literal (`/converse`), else the request path, so a
 * custom-domain base path mapping (`/v1/converse`) does not hide the route.
 */
export function requestFromApiGatewayEvent(event: APIGatewayProxyEvent): Checked<InvokerRequest> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) {
      headers[name.toLowerCase()] = value;
    }
  }
  const query: Record<string, string | undefined> = { ...(event.queryStringParameters ?? {}) };
  let body: Uint8Array;
  const rawBody = event.body ?? '';
  if (event.isBase64Encoded) {
    const compact = rawBody.replace(/\s+/g, '');
    if (compact.length % 4 !== 0 || !BASE64_BODY.test(compact)) {
      return { ok: false, problem: problem(400, 'InvalidBase64Body', 'the request body is flagged as base64-encoded but is not valid base64; send the body as plain JSON or valid base64') };
    }
    body = Buffer.from(compact, 'base64');
  } else {
    body = Buffer.from(rawBody, 'utf8');
  }
  const resource = typeof event.resource === 'string' && event.resource !== '' && !event.resource.includes('{') ? event.resource : undefined;
  const receivedAt = event.requestContext?.requestTimeEpoch;
  return {
    ok: true,
    value: {
      method: event.httpMethod ?? 'GET',
      path: resource ?? event.path ?? '/',
      query,
      headers,
      body,
      ...(typeof receivedAt === 'number' && Number.isFinite(receivedAt) ? { receivedAtEpochMs: receivedAt } : {}),
    },
  };
}
