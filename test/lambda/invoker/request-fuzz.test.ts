/**
 * 10,000+ generated bad (and some good) requests through the handler core, in process: no 5xx, no
 * crash, every 4xx a JSON body with `error` and a non-empty `message`.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as fc from 'fast-check';
import { isolateEnvironment, PROFILE, testConfig } from './invoker-harness';
import { requestFromApiGatewayEvent } from '../../../lambda/invoker/host/api-gateway-event';
import { handleRequest } from '../../../lambda/invoker/http/handle-request';
import { MAX_JSON_DEPTH } from '../../../lambda/invoker/http/request-validation';
import type { ResponseSink } from '../../../lambda/invoker/http/response-sink';
import { createInvokerRuntime, InvokerRuntime } from '../../../lambda/invoker/runtime';
import { FakeBedrock, startFakeBedrock } from '../../../dev/fake-bedrock/fake-bedrock';

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
const contentBlock = fc.oneof(
  fc.record({ text: fc.oneof(fc.string(), jsonValue) }),
  fc.record({ image: fc.record({ format: fc.string(), source: fc.record({ bytes: fc.oneof(fc.string(), fc.base64String()) }) }) }),
  jsonValue,
);
const message = fc.oneof(
  fc.record({ role: fc.constantFrom('user', 'assistant', 'system', ''), content: fc.oneof(fc.array(contentBlock, { maxLength: 3 }), jsonValue) }, { requiredKeys: [] }),
  jsonValue,
);
const converseLike = fc.record({
  messages: fc.oneof(fc.array(message, { maxLength: 3 }), jsonValue),
  modelId: fc.oneof(fc.constant(PROFILE), fc.string(), jsonValue),
  system: jsonValue,
  inferenceConfig: jsonValue,
  toolConfig: jsonValue,
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
      const answer = await run({
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
      } as APIGatewayProxyEvent, roomyRuntime);
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
