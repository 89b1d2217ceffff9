/**
 * 10,000+ generated bad (and some good) requests through the handler core, in process: no 5xx, no
 * crash, every 4xx a JSON body with `error` and a non-empty `message`. Generated valid Converse bodies
 * reach Bedrock exactly as sent; the same bodies with one unserialisable union are refused before any call.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as fc from 'fast-check';
import { isolateEnvironment, PROFILE, testConfig } from './invoker-harness';
import { FakeBedrock, startFakeBedrock } from '../../../dev/fake-bedrock/fake-bedrock';
import { requestFromApiGatewayEvent } from '../../../lambda/invoker/host/api-gateway-event';
import { handleRequest } from '../../../lambda/invoker/http/handle-request';
import { MAX_JSON_DEPTH } from '../../../lambda/invoker/http/request-validation';
import type { ResponseSink } from '../../../lambda/invoker/http/response-sink';
import { createInvokerRuntime, InvokerRuntime } from '../../../lambda/invoker/runtime';

let restoreEnvironment: () => void;
let fake: FakeBedrock;
let runtime: InvokerRuntime;
/** Takes bodies large enough to nest 20,000 levels deep. */
let roomyRuntime: InvokerRuntime;

beforeAll(async () => {
  restoreEnvironment = isolateEnvironment();
  fake = await startFakeBedrock();
  process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = fake.url;
  runtime = createInvokerRuntime({ configJson: JSON.stringify(testConfig({ maxBodyBytes: 2048 })), newRequestMetrics: () => noMetrics });
  roomyRuntime = createInvokerRuntime({ configJson: JSON.stringify(testConfig({ maxBodyBytes: 256 * 1024 })), newRequestMetrics: () => noMetrics });
});

afterAll(async () => {
  runtime.clients.destroy();
  roomyRuntime.clients.destroy();
  await fake.close();
  restoreEnvironment();
});

const noMetrics = {
  attempt: () => undefined,
  streamFailed: () => undefined,
  served: () => undefined,
  clientError: () => undefined,
  drillActive: () => undefined,
  flush: () => undefined,
};

interface Captured {
  status: number;
  headers: Record<string, string>;
  body: string;
  starts: number;
}

async function run(event: APIGatewayProxyEvent, on: InvokerRuntime = runtime): Promise<Captured> {
  const captured: Captured = { status: 0, headers: {}, body: '', starts: 0 };
  const sink: ResponseSink = {
    start: (status, headers) => {
      captured.status = status;
      captured.headers = { ...headers };
      captured.starts += 1;
    },
    write: async (chunk) => {
      captured.body += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    },
    end: async () => undefined,
  };
  await handleRequest(requestFromApiGatewayEvent(event), sink, on);
  return captured;
}

const jsonValue = fc.jsonValue({ maxDepth: 3 });
/** Objects shaped like unions, with keys the SDK cannot serialise (`$unknown`) among the real ones. */
const unionLike = fc.oneof(
  fc.constant({ $unknown: [] }),
  fc.dictionary(fc.constantFrom('$unknown', 'text', 'image', 'toolSpec', 'auto', 'cachePoint', '__proto__'), jsonValue, { maxKeys: 2 }),
);
const contentBlock = fc.oneof(
  fc.record({ text: fc.oneof(fc.string(), jsonValue) }),
  fc.record({ image: fc.record({ format: fc.string(), source: fc.record({ bytes: fc.oneof(fc.string(), fc.base64String()) }) }) }),
  fc.record({ toolResult: fc.record({ toolUseId: fc.string(), content: fc.array(unionLike, { maxLength: 2 }) }) }),
  unionLike,
  jsonValue,
);
const message = fc.oneof(
  fc.record({ role: fc.constantFrom('user', 'assistant', 'system', ''), content: fc.oneof(fc.array(contentBlock, { maxLength: 3 }), jsonValue) }, { requiredKeys: [] }),
  jsonValue,
);
const converseLike = fc.record({
  messages: fc.oneof(fc.array(message, { maxLength: 3 }), jsonValue),
  modelId: fc.oneof(fc.constant(PROFILE), fc.string(), jsonValue),
  system: fc.oneof(jsonValue, fc.array(unionLike, { maxLength: 2 })),
  inferenceConfig: fc.oneof(jsonValue, fc.record({ maxTokens: jsonValue, temperature: jsonValue, stopSequences: jsonValue }, { requiredKeys: [] })),
  toolConfig: fc.oneof(jsonValue, fc.record({ tools: fc.array(unionLike, { maxLength: 2 }), toolChoice: unionLike }, { requiredKeys: [] })),
  additionalModelRequestFields: jsonValue,
  [`x${'y'}`]: jsonValue,
}, { requiredKeys: [] });
const bodyText = fc.oneof(
  converseLike.map((value) => JSON.stringify(value)),
  jsonValue.map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.string({ minLength: 2049, maxLength: 2100 }),
  fc.constant(''),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);
const event = fc.record({
  httpMethod: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), fc.string({ maxLength: 8 })),
  path: fc.oneof(fc.constantFrom('/converse', '/converse-stream', '/invoke', '/health', '/', '/converse/', '//', '/Converse'), fc.string({ maxLength: 30 })),
  body: fc.option(bodyText, { nil: null }),
  isBase64Encoded: fc.boolean(),
  modelId: fc.option(fc.oneof(fc.constant(PROFILE), fc.string({ maxLength: 20 })), { nil: undefined }),
  contentType: fc.constantFrom('application/json', 'application/octet-stream', 'text/plain', ''),
}).map(({ httpMethod, path, body, isBase64Encoded, modelId, contentType }) => ({
  resource: path,
  path,
  httpMethod,
  headers: contentType === '' ? {} : { 'Content-Type': contentType },
  multiValueHeaders: {},
  queryStringParameters: modelId === undefined ? null : { modelId },
  multiValueQueryStringParameters: null,
  pathParameters: null,
  stageVariables: null,
  // Half the base64-flagged bodies are really base64 (valid payloads), half are not (must be a 400).
  body: isBase64Encoded && body !== null && body.length % 2 === 0 ? Buffer.from(body).toString('base64') : body,
  isBase64Encoded,
  requestContext: {} as APIGatewayProxyEvent['requestContext'],
}) as APIGatewayProxyEvent);

test('10,000 generated requests: never a 5xx, never a crash, every 4xx explains itself in JSON', async () => {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(event, async (generated) => {
      const answer = await run(generated);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      expect(answer.starts).toBe(1);
      expect(answer.status).toBeGreaterThanOrEqual(200);
      expect(answer.status).toBeLessThan(500);
      if (answer.status >= 400) {
        const parsed = JSON.parse(answer.body) as { error?: unknown; message?: unknown };
        expect(answer.headers['content-type']).toBe('application/json');
        expect(typeof parsed.error).toBe('string');
        expect(typeof parsed.message).toBe('string');
        expect((parsed.message as string).length).toBeGreaterThan(0);
      }
    }),
    { numRuns: 10_000, seed: 20251121 },
  );
  // The generator must reach the interesting answers, or the property proves little.
  for (const status of [400, 404, 405, 413]) {
    expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
  }
  expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
}, 60_000);

/** A JSON text nested `levels` deep: objects `{"a":...}`, arrays `[...]`, or both alternating. */
function nestedJson(levels: number, shape: 'object' | 'array' | 'mixed'): string {
  let text = '1';
  for (let level = levels; level >= 1; level -= 1) {
    const asObject = shape === 'object' || (shape === 'mixed' && level % 2 === 0);
    text = asObject ? `{"a":${text}}` : `[${text}]`;
  }
  return text;
}

/** Where a nested value goes in an otherwise valid Converse body, and how many levels that place adds. */
const PLACES: ReadonlyArray<{ readonly levelsAbove: number; readonly body: (value: string) => string }> = [
  { levelsAbove: 1, body: (value) => `{"messages":[{"role":"user","content":[{"text":"hi"}]}],"additionalModelRequestFields":${value}}` },
  { levelsAbove: 1, body: (value) => `{"messages":[{"role":"user","content":[{"text":"hi"}]}],"modelId":${value}}` },
  { levelsAbove: 1, body: (value) => `{"messages":[{"role":"user","content":[{"text":"hi"}]}],"toolConfig":${value}}` },
  { levelsAbove: 5, body: (value) => `{"messages":[{"role":"user","content":[{"text":"hi","extra":${value}}]}]}` },
  { levelsAbove: 1, body: (value) => `{"messages":${value}}` },
];

const deeplyNested = fc.record({
  levels: fc.oneof(fc.integer({ min: 1, max: MAX_JSON_DEPTH }), fc.integer({ min: MAX_JSON_DEPTH + 1, max: 20_000 })),
  shape: fc.constantFrom('object' as const, 'array' as const, 'mixed' as const),
  place: fc.constantFrom(...PLACES),
  path: fc.constantFrom('/converse', '/converse-stream'),
});

test('deeply nested bodies: a 400 TooDeeplyNested past the depth limit, never a stack overflow or a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(deeplyNested, async ({ levels, shape, place, path }) => {
      const body = place.body(nestedJson(levels, shape));
      const answer = await run(post(path, body), roomyRuntime);
      expect(answer.starts).toBe(1);
      expect(answer.status).toBeLessThan(500);
      if (levels + place.levelsAbove > MAX_JSON_DEPTH) {
        expect(answer.status).toBe(400);
        expect(JSON.parse(answer.body)).toEqual({ error: 'TooDeeplyNested', message: expect.stringContaining(`at most ${MAX_JSON_DEPTH} levels`) });
      } else {
        expect(answer.body).not.toContain('TooDeeplyNested');
      }
    }),
    { numRuns: 300, seed: 20251121 },
  );
}, 60_000);

const base64 = fc.uint8Array({ maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const words = fc.string({ maxLength: 24 });
/** A document value: any JSON but `null` (a member is either set or absent). */
const documentValue = fc.jsonValue({ maxDepth: 3 }).filter((value) => value !== null);
const jsonObject = fc.dictionary(words, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const s3Location = fc.record({ uri: words.map((key) => `s3://bucket/${encodeURIComponent(key)}`), bucketOwner: fc.constant('123456789012') }, { requiredKeys: ['uri'] });
const image = fc.record({ format: fc.constantFrom('png', 'jpeg', 'gif', 'webp'), source: fc.oneof(fc.record({ bytes: base64 }), fc.record({ s3Location })) });
const documentBlock = fc.record({
  name: words,
  format: fc.constantFrom('pdf', 'txt', 'md', 'html'),
  source: fc.oneof(
    fc.record({ bytes: base64 }),
    fc.record({ text: words }),
    fc.record({ content: fc.array(fc.record({ text: words }), { minLength: 1, maxLength: 2 }) }),
  ),
  citations: fc.record({ enabled: fc.boolean() }),
}, { requiredKeys: ['name', 'format', 'source'] });
const cachePoint = fc.record({ type: fc.constant('default') });
const guardContent = fc.oneof(
  fc.record({ text: fc.record({ text: words, qualifiers: fc.array(fc.constantFrom('grounding_source', 'query', 'guard_content'), { maxLength: 2 }) }, { requiredKeys: ['text'] }) }),
  fc.record({ image: fc.record({ format: fc.constantFrom('png', 'jpeg'), source: fc.record({ bytes: base64 }) }) }),
);
/** Every content-block kind, with every member kind (strings, numbers, booleans, blobs, documents, unions). */
const validBlock = fc.oneof(
  fc.record({ text: words }),
  fc.record({ image }),
  fc.record({ document: documentBlock }),
  fc.record({ video: fc.record({ format: fc.constantFrom('mp4', 'mov'), source: fc.record({ s3Location }) }) }),
  fc.record({ toolUse: fc.record({ toolUseId: words, name: words, input: documentValue }) }),
  fc.record({
    toolResult: fc.record({
      toolUseId: words,
      content: fc.array(
        fc.oneof(fc.record({ json: documentValue }), fc.record({ text: words }), fc.record({ image }), fc.record({ document: documentBlock })),
        { maxLength: 3 },
      ),
      status: fc.constantFrom('success', 'error'),
    }, { requiredKeys: ['toolUseId', 'content'] }),
  }),
  fc.record({ guardContent }),
  fc.record({ cachePoint }),
  fc.record({ reasoningContent: fc.oneof(fc.record({ reasoningText: fc.record({ text: words, signature: words }, { requiredKeys: ['text'] }) }), fc.record({ redactedContent: base64 })) }),
);
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const validBody = fc.record({
  messages: fc.array(fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.array(validBlock, { minLength: 1, maxLength: 4 }) }), { minLength: 1, maxLength: 3 }),
  modelId: fc.constant(PROFILE),
  system: fc.array(fc.oneof(fc.record({ text: words }), fc.record({ guardContent }), fc.record({ cachePoint })), { maxLength: 3 }),
  inferenceConfig: fc.record(
    { maxTokens: fc.integer({ min: 1, max: 8192 }), temperature: finite, topP: finite, stopSequences: fc.array(words, { maxLength: 3 }) },
    { requiredKeys: [] },
  ),
  toolConfig: fc.record({
    tools: fc.array(fc.oneof(
      fc.record({ toolSpec: fc.record({ name: words, description: words, inputSchema: fc.record({ json: jsonObject }), strict: fc.boolean() }, { requiredKeys: ['name', 'inputSchema'] }) }),
      fc.record({ cachePoint }),
    ), { maxLength: 3 }),
    toolChoice: fc.oneof(fc.record({ auto: fc.constant({}) }), fc.record({ any: fc.constant({}) }), fc.record({ tool: fc.record({ name: words }) })),
  }, { requiredKeys: ['tools'] }),
  additionalModelRequestFields: documentValue,
  additionalModelResponseFieldPaths: fc.array(words, { maxLength: 2 }),
  promptVariables: fc.dictionary(words, fc.record({ text: words }), { maxKeys: 3 }),
  requestMetadata: fc.dictionary(words, words, { maxKeys: 3 }),
}, { requiredKeys: ['messages'] });

/** A POST of `body` to `path`, as API Gateway delivers it. */
function post(path: string, body: string): APIGatewayProxyEvent {
  return {
    resource: path,
    path,
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
  } as APIGatewayProxyEvent;
}

test('generated valid Converse bodies (every content-block kind) are accepted, and Bedrock receives exactly what the client sent', async () => {
  await fc.assert(
    fc.asyncProperty(validBody, fc.constantFrom('/converse', '/converse-stream'), async (body, path) => {
      fake.reset();
      const text = JSON.stringify(body);
      const answer = await run(post(path, text), roomyRuntime);
      expect({ status: answer.status, body: answer.status === 200 ? '' : answer.body }).toEqual({ status: 200, body: '' });
      expect(fake.calls).toHaveLength(1);
      const { modelId: _modelId, ...sent } = JSON.parse(text) as Record<string, unknown>;
      expect(JSON.parse(fake.calls[0].body.toString('utf8'))).toEqual(sent);
    }),
    { numRuns: 300, seed: 20251121 },
  );
}, 60_000);

type Body = { messages: Array<{ content: unknown[] }>; system?: unknown[]; toolConfig?: unknown };
const POISON = { $unknown: [] };
/** Places in a valid body where a union the SDK cannot serialise can hide. */
const poisonPlaces: ReadonlyArray<(body: Body) => void> = [
  (body) => body.messages[0].content.push(POISON),
  (body) => body.system = [...(body.system ?? []), POISON],
  (body) => body.toolConfig = { tools: [POISON] },
  (body) => body.toolConfig = { tools: [], toolChoice: POISON },
  (body) => body.messages[body.messages.length - 1].content.push({ toolResult: { toolUseId: 't', content: [{ text: 'ok' }, POISON] } }),
  (body) => body.messages[0].content.push({ document: { name: 'd', format: 'pdf', source: POISON } }),
];

test('one $unknown hidden anywhere in a valid body: a 400 naming it, nothing sent, no region blamed', async () => {
  await fc.assert(
    fc.asyncProperty(validBody, fc.constantFrom(...poisonPlaces), fc.constantFrom('/converse', '/converse-stream'), async (body, place, path) => {
      fake.reset();
      const poisoned = structuredClone(body) as unknown as Body;
      place(poisoned);
      const answer = await run(post(path, JSON.stringify(poisoned)), roomyRuntime);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({ error: 'InvalidRequest', message: expect.stringMatching(/ must set exactly one of .*; got "\$unknown"$/) });
      expect(fake.calls).toHaveLength(0);
    }),
    { numRuns: 200, seed: 20251121 },
  );
  expect(roomyRuntime.breakers.snapshot(testConfig().regionPlan).map((circuit) => circuit.state)).toEqual(['closed', 'closed', 'closed']);
}, 60_000);
