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

/** Converse request fields a client may send (the body of POST /converse and /converse-stream). */
const CONVERSE_FIELDS: Readonly<Record<string, 'array' | 'object' | 'string' | 'string-array'>> = {
  modelId: 'string',
  messages: 'array',
  system: 'array',
  inferenceConfig: 'object',
  toolConfig: 'object',
  guardrailConfig: 'object',
  additionalModelRequestFields: 'object',
  promptVariables: 'object',
  additionalModelResponseFieldPaths: 'string-array',
  requestMetadata: 'object',
  performanceConfig: 'object',
  serviceTier: 'object',
  outputConfig: 'object',
};

const MESSAGE_ROLES = new Set(['user', 'assistant']);

/**
 * The deepest nesting of JSON objects and arrays a Converse body may have (the body itself is level 1).
 * Real requests stay far below it (a tool's JSON schema nested 20 properties deep is about 50 levels);
 * the limit keeps every later walk over the body (byte decoding, the SDK's serialiser) off the stack's edge.
 */
export const MAX_JSON_DEPTH = 100;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

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
 * Validates the JSON body of POST /converse and /converse-stream: nesting of at most {@link MAX_JSON_DEPTH}
 * levels, shape of the top-level fields, a non-empty `messages` array of `{ role, content[] }`, and base64
 * `bytes` in image/document/video sources.
 * Deep model-specific rules stay with Bedrock (which answers ValidationException → 400).
 */
export function validateConverseBody(body: Uint8Array, config: Pick<InvokerRuntimeConfig, 'profileIds'>): Checked<ConverseCall> {
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
  for (const [field, value] of Object.entries(fields)) {
    const expected = CONVERSE_FIELDS[field];
    if (expected === undefined) {
      return fail(400, 'UnknownField', `field ${truncate(JSON.stringify(field))} is not a Converse request field; allowed fields: ${Object.keys(CONVERSE_FIELDS).join(', ')}`);
    }
    if (value === undefined || (value === null && field === 'modelId')) {
      continue;
    }
    if (!hasShape(value, expected)) {
      return fail(400, 'InvalidRequest', `field "${field}" must be ${article(expected)}, got ${typeName(value)}`);
    }
  }
  const messages = fields.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return fail(400, 'MissingMessages', 'the request needs a non-empty "messages" array, e.g. [{"role":"user","content":[{"text":"Hello"}]}]');
  }
  for (const [index, message] of messages.entries()) {
    const messageProblem = checkMessage(message, index);
    if (messageProblem !== undefined) {
      return { ok: false, problem: messageProblem };
    }
  }
  const profile = resolveProfileId(fields.modelId, config);
  if (!profile.ok) {
    return profile;
  }
  const input: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) {
    if (field !== 'modelId' && value !== undefined) {
      input[field] = value;
    }
  }
  const decoded = decodeSourceBytes(input, '');
  if (typeof decoded === 'string') {
    return fail(400, 'InvalidRequest', `${decoded} must be base64-encoded bytes`);
  }
  return { ok: true, value: { modelId: profile.value, input: decoded as Record<string, unknown> } };
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

function checkMessage(message: unknown, index: number): ClientProblem | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return problem(400, 'InvalidRequest', `messages[${index}] must be an object {"role":"user"|"assistant","content":[...]}, got ${typeName(message)}`);
  }
  const { role, content } = message as Record<string, unknown>;
  if (typeof role !== 'string' || !MESSAGE_ROLES.has(role)) {
    return problem(400, 'InvalidRequest', `messages[${index}].role must be "user" or "assistant", got ${truncate(JSON.stringify(role) ?? 'nothing')}`);
  }
  if (!Array.isArray(content) || content.length === 0) {
    return problem(400, 'InvalidRequest', `messages[${index}].content must be a non-empty array of content blocks such as {"text":"Hello"}, got ${typeName(content)}`);
  }
  const badBlock = content.findIndex((block) => typeof block !== 'object' || block === null || Array.isArray(block));
  if (badBlock >= 0) {
    return problem(400, 'InvalidRequest', `messages[${index}].content[${badBlock}] must be a content block object such as {"text":"Hello"}, got ${typeName(content[badBlock])}`);
  }
  return undefined;
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

/**
 * JSON cannot carry bytes, so clients send `source.bytes` (image, document, video) as base64; the SDK
 * wants a Uint8Array. Returns the converted copy, or the JSON path of the first invalid value.
 * Recursive: only call it on values checked with {@link exceedsDepth}.
 */
function decodeSourceBytes(value: unknown, path: string): unknown {
  if (Array.isArray(value)) {
    const converted: unknown[] = [];
    for (const [index, item] of value.entries()) {
      const result = decodeSourceBytes(item, `${path}[${index}]`);
      if (typeof result === 'string' && typeof item !== 'string') {
        return result;
      }
      converted.push(result);
    }
    return converted;
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const converted: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    if (key === 'source' && typeof item === 'object' && item !== null && typeof (item as Record<string, unknown>).bytes === 'string') {
      const bytes = (item as Record<string, string>).bytes;
      if (!BASE64.test(bytes)) {
        return `${childPath}.bytes`;
      }
      converted[key] = { ...(item as object), bytes: Buffer.from(bytes, 'base64') };
      continue;
    }
    const result = decodeSourceBytes(item, childPath);
    if (typeof result === 'string' && typeof item !== 'string') {
      return result;
    }
    converted[key] = result;
  }
  return converted;
}

function hasShape(value: unknown, expected: 'array' | 'object' | 'string' | 'string-array'): boolean {
  switch (expected) {
    case 'array':
      return Array.isArray(value);
    case 'string-array':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'string':
      return typeof value === 'string';
  }
}

function article(expected: 'array' | 'object' | 'string' | 'string-array'): string {
  return { 'array': 'an array', 'object': 'a JSON object', 'string': 'a string', 'string-array': 'an array of strings' }[expected];
}

function typeName(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return value === undefined ? 'nothing' : `a ${typeof value}`;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function fail<T>(status: number, code: string, message: string): Checked<T> {
  return { ok: false, problem: problem(status, code, message) };
}
