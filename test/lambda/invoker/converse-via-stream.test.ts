/**
 * POST /converse served through ConverseStream, end to end (handler core → real AWS SDK → fake Bedrock):
 * a long answer is served by the region generating it, a hung region is abandoned at the first-token
 * timeout, any failure before the answer is complete fails over, the deadline cutting a generation
 * short is a 504 that blames no region, and the assembled answer carries everything Converse would.
 */
import { converseBody, PROFILE, Rig, send, useSharedFakeBedrock } from './invoker-harness';
import { CollectingSink } from '../../../dev/collecting-sink';
import { faults, StreamScript } from '../../../dev/fake-bedrock/fake-bedrock';
import { restProxyEvent } from '../../../dev/rest-proxy-event';
import { requestFromApiGatewayEvent } from '../../../lambda/invoker/host/api-gateway-event';
import { handleRequest } from '../../../lambda/invoker/http/handle-request';
import type { RequestMetrics, ServedMeasurements } from '../../../lambda/invoker/telemetry/invoker-metrics';
import { INVOKER_HEADERS } from '../../../lib/shared/invoker-config';

const shared = useSharedFakeBedrock();
const { rigWith } = shared;

/** What the request's metrics recorded, per call. */
interface Recorded {
  readonly attempts: Array<{ readonly region: string } & Parameters<RequestMetrics['attempt']>[1]>;
  readonly served: Array<{ region: string } & ServedMeasurements>;
  readonly streamFailures: string[];
}

/** POST /converse through the handler core, recording the request's metrics. */
async function converse(target: Rig, body = converseBody()) {
  const recorded: Recorded = { attempts: [], served: [], streamFailures: [] };
  const metrics: RequestMetrics = {
    attempt: (region, outcome) => recorded.attempts.push({ region, ...outcome }),
    streamFailed: (region) => recorded.streamFailures.push(region),
    served: (region, measurements) => recorded.served.push({ region, ...measurements }),
    clientError: () => undefined,
    drillActive: () => undefined,
    flush: () => undefined,
  };
  const sink = new CollectingSink();
  const started = Date.now();
  await handleRequest(requestFromApiGatewayEvent(restProxyEvent('POST', '/converse', body)), sink, { ...target.server.runtime, newRequestMetrics: () => metrics });
  return { status: sink.statusCode, headers: sink.headers, json: JSON.parse(sink.text()), elapsedMs: Date.now() - started, recorded };
}

/** A text answer in `deltas` pieces: "one two three ...". */
function textScript(deltas: number): StreamScript {
  const words = Array.from({ length: deltas }, (_, index) => `w${index}`);
  return [
    ['messageStart', { role: 'assistant' }],
    ...words.map((word): [string, unknown] => ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: `${word} ` } }]),
    ['contentBlockStop', { contentBlockIndex: 0 }],
    ['messageStop', { stopReason: 'end_turn' }],
    ['metadata', { usage: { inputTokens: 5, outputTokens: deltas, totalTokens: 5 + deltas }, metrics: { latencyMs: 1000 } }],
  ];
}

describe('a long answer is not a failure', () => {
  test('a region that takes longer than the attempt timeout to finish, streaming steadily, serves the answer: one call, no Errors', async () => {
    const target = await rigWith({ attemptTimeoutMs: 300, firstTokenTimeoutMs: 300 });
    // 10 deltas, 100 ms apart: about 1.3 s of generation, four times the attempt timeout.
    shared.fake.scriptStream('eu-west-1', textScript(10)).inject('eu-west-1', faults.slowStream(100));
    const answer = await converse(target);

    expect(answer.status).toBe(200);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-west-1');
    expect(answer.headers[INVOKER_HEADERS.attempts]).toBe('1');
    expect(answer.json.output.message.content).toEqual([{ text: 'w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 ' }]);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(1_000);
    expect(shared.fake.calls.map((call) => [call.region, call.operation, call.modelId])).toEqual([['eu-west-1', 'converse-stream', PROFILE]]);
    expect(shared.fake.abandoned()).toEqual([]);
    expect(answer.recorded.attempts).toEqual([expect.objectContaining({ region: 'eu-west-1', failover: false, throttle: false, error: false })]);
    expect(answer.recorded.streamFailures).toEqual([]);
    expect(answer.recorded.served).toEqual([expect.objectContaining({ region: 'eu-west-1', bySecondary: false, inputTokens: 5, outputTokens: 10 })]);
    // The first event came at once: the time to first token is the stream's start, not its whole length.
    expect(answer.recorded.served[0].timeToFirstTokenMs).toBeLessThan(300);
    expect(answer.recorded.served[0].latencyMs).toBeGreaterThanOrEqual(1_000);
  });

  test('the request deadline passing while the region is still generating → 504 DeadlineExceeded naming the deadline; the region is not blamed', async () => {
    const target = await rigWith({ deadlineMs: 1_000, attemptTimeoutMs: 500, firstTokenTimeoutMs: 500 });
    // 6 events, 300 ms apart: 1.5 s of generation, longer than the whole 1 s deadline.
    shared.fake.inject('eu-west-1', faults.slowStream(300));
    const answer = await converse(target);

    expect(answer.status).toBe(504);
    expect(answer.json).toEqual({ error: 'DeadlineExceeded', message: expect.stringContaining('request deadline passed (1000 ms') });
    expect(answer.json.message).toContain('eu-west-1 was still generating');
    expect(answer.headers[INVOKER_HEADERS.attempts]).toBe('1');
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBeUndefined();
    expect(answer.elapsedMs).toBeLessThan(1_400);
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1']);
    expect(answer.recorded.attempts.filter((attempt) => attempt.error || attempt.failover)).toEqual([]);
    expect(target.server.runtime.breakers.snapshot(['eu-west-1'])[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });
});

describe('a region that is not generating is abandoned quickly', () => {
  test.each([
    ['sends headers but no first event', faults.slowFirstEvent(5_000)],
    ['never answers at all', faults.hang()],
  ])('a primary that %s is abandoned after firstTokenTimeoutMs (not the attempt timeout); the next region serves', async (_case, fault) => {
    const target = await rigWith({ attemptTimeoutMs: 5_000, firstTokenTimeoutMs: 300 });
    shared.fake.inject('eu-west-1', fault);
    const answer = await converse(target);

    expect(answer.status).toBe(200);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
    expect(answer.headers[INVOKER_HEADERS.attempts]).toBe('2');
    expect(answer.json.output.message.content).toEqual([{ text: 'hello from eu-central-1' }]);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(280);
    expect(answer.elapsedMs).toBeLessThan(2_500);
    expect(shared.fake.abandoned().map((call) => call.region)).toEqual(['eu-west-1']);
    expect(answer.recorded.attempts.map((attempt) => [attempt.region, attempt.failover])).toEqual([['eu-west-1', true], ['eu-central-1', false]]);
  });

  test('a region that goes silent mid-answer for longer than firstTokenTimeoutMs is abandoned (StreamStalled) and the next region serves', async () => {
    const target = await rigWith({ attemptTimeoutMs: 5_000, firstTokenTimeoutMs: 300 });
    shared.fake.inject('eu-west-1', faults.slowStream(3_000));
    const answer = await converse(target);

    expect(answer.status).toBe(200);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
    expect(answer.elapsedMs).toBeLessThan(2_500);
    expect(shared.fake.abandoned().map((call) => call.region)).toEqual(['eu-west-1']);
  });
});

describe('a failure before the answer is complete fails over', () => {
  test.each([
    ['an exception mid-stream', faults.streamException(3, 'modelStreamErrorException', 'The model stream failed.')],
    ['a throttling exception mid-stream', faults.streamException(2, 'throttlingException')],
    ['a stream that ends before messageStop', faults.streamEndEarly(3)],
    ['a connection reset', faults.reset()],
  ])('%s on the primary → the client gets 200 from the next region, nothing of the cut answer', async (_case, fault) => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', fault);
    const answer = await converse(target);

    expect(answer.status).toBe(200);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
    expect(answer.headers[INVOKER_HEADERS.attempts]).toBe('2');
    expect(answer.json.output.message.content).toEqual([{ text: 'hello from eu-central-1' }]);
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1']);
    expect(answer.recorded.served.map((served) => served.region)).toEqual(['eu-central-1']);
  });

  test('a validation exception inside the stream is the request\'s fault: its own 400, no failover', async () => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', faults.streamException(2, 'validationException', 'bad tool use'));
    const answer = await converse(target);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: 'ValidationException', message: 'bad tool use', region: 'eu-west-1' });
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1']);
  });

  test('tool input that is not JSON is not served: the next region answers', async () => {
    const target = await rigWith();
    shared.fake.scriptStream('eu-west-1', [
      ['messageStart', { role: 'assistant' }],
      ['contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { toolUseId: 't1', name: 'get_weather' } } }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: '{"city": "Par' } } }],
      ['contentBlockStop', { contentBlockIndex: 0 }],
      ['messageStop', { stopReason: 'tool_use' }],
    ]);
    const answer = await converse(target);
    expect(answer.status).toBe(200);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
  });
});

test('a stream given up on before its end (a malformed event mid-way) is closed at once, not left holding a connection', async () => {
  const target = await rigWith();
  shared.fake.scriptStream('eu-west-1', [
    ['messageStart', { role: 'assistant' }],
    ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'hello' } }],
    ['contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: '{}' } } }],
    ...textScript(20).slice(1),
  ]).inject('eu-west-1', faults.slowStream(200));
  const answer = await converse(target);
  expect(answer.status).toBe(200);
  expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
  // The primary's stream had about 4 s left to run: the invoker closed it instead of leaving it open.
  expect(answer.elapsedMs).toBeLessThan(2_000);
  const until = Date.now() + 1_000;
  while (shared.fake.abandoned().length === 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(shared.fake.abandoned().map((call) => call.region)).toEqual(['eu-west-1']);
});

test('the assembled answer carries what Converse would: reasoning, redacted reasoning, citations, tool use, stop reason, usage, metrics, service tier', async () => {
  const target = await rigWith();
  const redacted = Buffer.from([0, 1, 2, 250, 255]);
  const location = { documentChar: { documentIndex: 0, start: 0, end: 24 } };
  shared.fake.scriptStream('*', [
    ['messageStart', { role: 'assistant' }],
    ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'The user asks about ' } } }],
    ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Paris.' } } }],
    ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig-123' } } }],
    ['contentBlockStop', { contentBlockIndex: 0 }],
    ['contentBlockDelta', { contentBlockIndex: 1, delta: { reasoningContent: { redactedContent: redacted.toString('base64') } } }],
    ['contentBlockStop', { contentBlockIndex: 1 }],
    ['contentBlockDelta', { contentBlockIndex: 2, delta: { text: 'Paris is the capital.' } }],
    ['contentBlockDelta', { contentBlockIndex: 2, delta: { citation: { title: 'Atlas', sourceContent: [{ text: 'Paris, capital of France' }], location } } }],
    ['contentBlockStop', { contentBlockIndex: 2 }],
    ['contentBlockStart', { contentBlockIndex: 3, start: { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather' } } }],
    ['contentBlockDelta', { contentBlockIndex: 3, delta: { toolUse: { input: '{"city":' } } }],
    ['contentBlockDelta', { contentBlockIndex: 3, delta: { toolUse: { input: '"Paris","days":2}' } } }],
    ['contentBlockStop', { contentBlockIndex: 3 }],
    ['messageStop', { stopReason: 'tool_use', additionalModelResponseFields: { stop_sequence: null } }],
    ['metadata', {
      usage: { inputTokens: 30, outputTokens: 12, totalTokens: 62, cacheReadInputTokens: 15, cacheWriteInputTokens: 5 },
      metrics: { latencyMs: 321 },
      performanceConfig: { latency: 'optimized' },
      serviceTier: { type: 'priority' },
    }],
  ]);
  const answer = await send(target.server.url, 'POST', '/converse', converseBody());

  expect(answer.status).toBe(200);
  expect(answer.json).toEqual({
    output: {
      message: {
        role: 'assistant',
        content: [
          { reasoningContent: { reasoningText: { text: 'The user asks about Paris.', signature: 'sig-123' } } },
          { reasoningContent: { redactedContent: redacted.toString('base64') } },
          { citationsContent: { content: [{ text: 'Paris is the capital.' }], citations: [{ title: 'Atlas', sourceContent: [{ text: 'Paris, capital of France' }], location }] } },
          { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris', days: 2 } } },
        ],
      },
    },
    stopReason: 'tool_use',
    additionalModelResponseFields: { stop_sequence: null },
    usage: { inputTokens: 30, outputTokens: 12, totalTokens: 62, cacheReadInputTokens: 15, cacheWriteInputTokens: 5 },
    metrics: { latencyMs: 321 },
    performanceConfig: { latency: 'optimized' },
    serviceTier: { type: 'priority' },
  });
});
