import { truncate, typeName } from './client-text';
import { conformConverseInput, ConverseOperation, converseRequestFields } from './converse-schema';
import type { InvokerRuntimeConfig } from '../../../lib/shared/invoker-config';

/** A runtime-agnostic HTTP request, as the handler core sees it (body already decoded to bytes). */
export interface InvokerRequest {
  readonly method: string;
  readonly path: string;
  /** Query-string parameters (last value wins). */
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Uint8Array;
  /**
   * When the front door (API Gateway) received the request, epoch milliseconds. The request's deadline
   * counts from here, so time spent before the handler ran (a cold start) is not forgotten.
   */
  readonly receivedAtEpochMs?: number;
}

/** The routes the invoker serves. */
export type Route = 'converse' | 'converse-stream' | 'invoke' | 'health';

/** A client mistake, answered with `status` and the JSON body `{ error: code, message }`. */
export interface ClientProblem {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Extra response headers (e.g. `allow` for 405). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Either a value or the client problem that prevented it. */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: ClientProblem };

const ROUTES: Readonly<Record<string, { readonly route: Route; readonly method: string }>> = {
  '/converse': { route: 'converse', method: 'POST' },
  '/converse-stream': { route: 'converse-stream', method: 'POST' },
  '/invoke': { route: 'invoke', method: 'POST' },
  '/health': { route: 'health', method: 'GET' },
};

const MESSAGE_ROLES = new Set(['user', 'assistant']);

/**
 * The deepest nesting of JSON objects and arrays a Converse body may have (the body itself is level 1).
 * Real requests stay far below it (a tool's JSON schema nested 20 properties deep is about 50 levels);
 * the limit keeps every later walk over the body (the schema check, the SDK's serialiser) off the stack's edge.
 */
export const MAX_JSON_DEPTH = 100;

/** Builds a client problem. */
export function problem(status: number, code: string, message: string, headers?: Record<string, string>): ClientProblem {
  return headers === undefined ? { status, code, message } : { status, code, message, headers };
}

/** Maps method + path to a route: 404 for an unknown path, 405 (with `allow`) for a wrong method. */
export function resolveRoute(method: string, path: string): Checked<Route> {
  const normalised = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const entry = ROUTES[normalised];
  if (entry === undefined) {
    const known = Object.entries(ROUTES).map(([route, spec]) => `${spec.method} ${route}`).join(', ');
    return { ok: false, problem: problem(404, 'NotFound', `no route ${truncate(normalised)}; the invoker serves ${known}`) };
  }
  if (method.toUpperCase() !== entry.method) {
    return {
      ok: false,
      problem: problem(405, 'MethodNotAllowed', `${truncate(method)} is not allowed on ${normalised}; use ${entry.method}`, { allow: entry.method }),
    };
  }
  return { ok: true, value: entry.route };
}

/** Rejects bodies larger than the configured limit with 413. */
export function checkBodySize(body: Uint8Array, maxBodyBytes: number): ClientProblem | undefined {
  if (body.byteLength > maxBodyBytes) {
    return problem(413, 'PayloadTooLarge', `the request body is ${body.byteLength} bytes; send at most ${maxBodyBytes} bytes`);
  }
  return undefined;
}

/** Picks the inference profile: the requested one if allowed, else the default (the first configured). */
export function resolveProfileId(requested: unknown, config: Pick<InvokerRuntimeConfig, 'profileIds'>): Checked<string> {
  if (requested === undefined || requested === null || requested === '') {
    return { ok: true, value: config.profileIds[0] };
  }
  if (typeof requested !== 'string' || !config.profileIds.includes(requested)) {
    return {
      ok: false,
      problem: problem(400, 'UnknownModelId', `modelId ${truncate(JSON.stringify(requested))} is not served here; use one of: ${config.profileIds.join(', ')} (or omit it for ${config.profileIds[0]})`),
    };
  }
  return { ok: true, value: requested };
}

/** A validated Converse request: the profile to call and the SDK input without `modelId`. */
export interface ConverseCall {
  readonly modelId: string;
  /** Converse fields to send as-is (byte fields already decoded from base64). */
  readonly input: Readonly<Record<string, unknown>>;
}

/**
 * Validates POST /converse and /converse-stream before anything is sent: nesting of at most
 * {@link MAX_JSON_DEPTH} levels, then the whole body against the AWS SDK's model of the operation's
 * request (see {@link conformConverseInput}: every structure, union, list and scalar, blobs decoded from
 * base64), a non-empty `messages` array of `{ role: "user" | "assistant", content: [...] }`, and the
 * profile: `modelId` from the body or the `modelId` query parameter (a 400 if both are given and differ),
 * else the default. Model-specific rules (limits, formats, enum values) stay with Bedrock, which answers
 * ValidationException → 400.
 *
 * @param request the request; its body is the JSON Converse request, its query may carry `modelId`
 * @param operation which request model the body must fit
 */
export function validateConverseBody(
  request: Pick<InvokerRequest, 'body' | 'query'>,
  operation: ConverseOperation,
  config: Pick<InvokerRuntimeConfig, 'profileIds'>,
): Checked<ConverseCall> {
  const { body } = request;
  if (body.byteLength === 0) {
    return fail(400, 'EmptyBody', 'the request body is empty; send a JSON Converse request such as {"messages":[{"role":"user","content":[{"text":"Hello"}]}]}');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return fail(400, 'InvalidJson', 'the request body is not valid JSON; send a JSON object such as {"messages":[{"role":"user","content":[{"text":"Hello"}]}]}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail(400, 'InvalidRequest', `the request body must be a JSON object with a "messages" array, got ${typeName(parsed)}`);
  }
  const fields = parsed as Record<string, unknown>;
  const tooDeep = Object.keys(fields).find((field) => exceedsDepth(fields[field], MAX_JSON_DEPTH - 1));
  if (tooDeep !== undefined) {
    return fail(400, 'TooDeeplyNested', `field ${truncate(JSON.stringify(tooDeep))} is nested too deeply: a request may nest JSON objects and arrays at most ${MAX_JSON_DEPTH} levels deep (the body itself is level 1); flatten it`);
  }
  const allowed = converseRequestFields(operation);
  const input: Record<string, unknown> = {};
  for (const field of Object.keys(fields)) {
    if (!allowed.includes(field)) {
      return fail(400, 'UnknownField', `field ${truncate(JSON.stringify(field))} is not a Converse request field; allowed fields: ${allowed.join(', ')}`);
    }
    if (field !== 'modelId') {
      input[field] = fields[field];
    }
  }
  const bodyModelId = fields.modelId;
  if (bodyModelId !== undefined && bodyModelId !== null && typeof bodyModelId !== 'string') {
    return fail(400, 'InvalidRequest', `field "modelId" must be a string, got ${typeName(bodyModelId)}`);
  }
  const violation = conformConverseInput(input, operation);
  if (violation !== undefined) {
    return fail(400, violation.code, violation.message);
  }
  const messages = input.messages as ReadonlyArray<{ readonly role: string; readonly content: readonly unknown[] }> | undefined;
  if (messages === undefined || messages.length === 0) {
    return fail(400, 'MissingMessages', 'the request needs a non-empty "messages" array, e.g. [{"role":"user","content":[{"text":"Hello"}]}]');
  }
  for (const [index, { role, content }] of messages.entries()) {
    if (!MESSAGE_ROLES.has(role)) {
      return fail(400, 'InvalidRequest', `messages[${index}].role must be "user" or "assistant", got ${truncate(JSON.stringify(role))}`);
    }
    if (content.length === 0) {
      return fail(400, 'InvalidRequest', `messages[${index}].content must be a non-empty array of content blocks such as {"text":"Hello"}, got an empty array`);
    }
  }
  const modelId = chooseModelId(bodyModelId ?? undefined, request.query.modelId);
  if (!modelId.ok) {
    return modelId;
  }
  const profile = resolveProfileId(modelId.value, config);
  if (!profile.ok) {
    return profile;
  }
  return { ok: true, value: { modelId: profile.value, input } };
}

/** The requested model: from the body or the query string (empty means not given); both must agree. */
function chooseModelId(fromBody: string | undefined, fromQuery: string | undefined): Checked<string | undefined> {
  const inBody = fromBody === '' ? undefined : fromBody;
  const inQuery = fromQuery === '' ? undefined : fromQuery;
  if (inBody !== undefined && inQuery !== undefined && inBody !== inQuery) {
    return fail(400, 'ConflictingModelId', `the body asks for modelId ${truncate(JSON.stringify(inBody))} but the query string for ${truncate(JSON.stringify(inQuery))}; give it once, in either place`);
  }
  return { ok: true, value: inBody ?? inQuery };
}

/** A validated InvokeModel request: bytes passed through untouched. */
export interface InvokeCall {
  readonly modelId: string;
  readonly body: Uint8Array;
  readonly contentType: string;
  readonly accept: string;
}

/** Validates POST /invoke: a non-empty body (any bytes) and an optional `modelId` query parameter. */
export function validateInvokeRequest(request: InvokerRequest, config: Pick<InvokerRuntimeConfig, 'profileIds'>): Checked<InvokeCall> {
  if (request.body.byteLength === 0) {
    return fail(400, 'EmptyBody', 'the request body is empty; send the model-native InvokeModel body (for example an Anthropic messages JSON document)');
  }
  const profile = resolveProfileId(request.query.modelId, config);
  if (!profile.ok) {
    return profile;
  }
  return {
    ok: true,
    value: {
      modelId: profile.value,
      body: request.body,
      contentType: request.headers['content-type'] ?? 'application/json',
      accept: request.headers.accept ?? 'application/json',
    },
  };
}

/**
 * Whether `value` nests objects and arrays more than `maxDepth` levels deep (a scalar is level 0, `{}`
 * and `[]` level 1). Iterative, so arbitrarily deep input cannot overflow the stack; stops at the first
 * container past the limit.
 */
function exceedsDepth(value: unknown, maxDepth: number): boolean {
  const pending: Array<{ readonly value: unknown; readonly depth: number }> = [{ value, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) {
      continue;
    }
    if (next.depth > maxDepth) {
      return true;
    }
    for (const child of Object.values(next.value)) {
      pending.push({ value: child, depth: next.depth + 1 });
    }
  }
  return false;
}

function fail<T>(status: number, code: string, message: string): Checked<T> {
  return { ok: false, problem: problem(status, code, message) };
}
