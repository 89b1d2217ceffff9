/**
 * Fault scenarios through the real handler (local server → streaming adapter → core) and the real AWS
 * SDK, against the fake Bedrock on 127.0.0.1. Each asserts what the client sees AND which regions were
 * called, in which order.
 */
import * as http from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { converseBody, parseSse, PROFILE, Rig, send, useSharedFakeBedrock } from './invoker-harness';
import { CollectingSink } from '../../../dev/collecting-sink';
import { faults } from '../../../dev/fake-bedrock/fake-bedrock';
import { restProxyEvent } from '../../../dev/rest-proxy-event';
import { requestFromApiGatewayEvent } from '../../../lambda/invoker/host/api-gateway-event';
import { handleRequest } from '../../../lambda/invoker/http/handle-request';
import type { ResponseSink } from '../../../lambda/invoker/http/response-sink';
import type { RequestMetrics } from '../../../lambda/invoker/telemetry/invoker-metrics';
import { INVOKER_HEADERS } from '../../../lib/shared/invoker-config';

const shared = useSharedFakeBedrock();
const { rigWith } = shared;

async function converse(target: Rig, body = converseBody()) {
  return send(target.server.url, 'POST', '/converse', body);
}

function expectServed(answer: Awaited<ReturnType<typeof converse>>, region: string, attempts: number): void {
  expect(answer.status).toBe(200);
  expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe(region);
  expect(answer.headers[INVOKER_HEADERS.attempts]).toBe(String(attempts));
  expect(answer.headers[INVOKER_HEADERS.profile]).toBe(PROFILE);
}

/**
 * Calls the handler core directly (not through HTTP) with `event`, into a sink that keeps the answer and
 * takes `writeDelayMs` per chunk (a slow reader), against the rig's runtime.
 */
async function callInProcess(target: Rig, event: APIGatewayProxyEvent, writeDelayMs = 0): Promise<{ status: number; text: string }> {
  const sink = new CollectingSink(writeDelayMs);
  await handleRequest(requestFromApiGatewayEvent(event), sink, target.server.runtime);
  return { status: sink.statusCode, text: sink.text() };
}

/** A POST /converse event that API Gateway received `ageMs` ago (negative: in the future). */
function receivedAgo(ageMs: number): APIGatewayProxyEvent {
  const event = restProxyEvent('POST', '/converse', converseBody());
  return { ...event, requestContext: { ...event.requestContext, requestTimeEpoch: Date.now() - ageMs } };
}

describe('converse failover', () => {
  test('healthy primary serves with one attempt (and the SDK really uses AWS_ENDPOINT_URL_BEDROCK_RUNTIME)', async () => {
    // /converse is served through ConverseStream (a long answer must not be mistaken for a hung region).
    const target = await rigWith();
    const answer = await converse(target);
    expectServed(answer, 'eu-west-1', 1);
    expect(answer.json.output.message.content[0].text).toBe('hello from eu-west-1');
    expect(answer.json.usage).toEqual({ inputTokens: 11, outputTokens: 7, totalTokens: 18 });
    expect(answer.json.$metadata).toBeUndefined();
    expect(shared.fake.calls.map((call) => [call.region, call.operation, call.modelId])).toEqual([['eu-west-1', 'converse-stream', PROFILE]]);
  });

  test.each([
    ['throttled (429 ThrottlingException)', faults.throttle()],
    ['500 InternalServerException', faults.internal()],
    ['503 ServiceUnavailableException', faults.unavailable()],
    ['529 overloaded_error', faults.overloaded()],
    ['ModelNotReadyException', faults.modelNotReady()],
    ['ModelTimeoutException', faults.modelTimeout()],
    ['ServiceQuotaExceededException', faults.quotaExceeded()],
    ['connection reset', faults.reset()],
  ])('primary %s → served by the secondary', async (_name, fault) => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', fault);
    const answer = await converse(target);
    expectServed(answer, 'eu-central-1', 2);
    expect(answer.json.output.message.content[0].text).toBe('hello from eu-central-1');
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1']);
  });

  test('primary hangs → attempt timeout → secondary', async () => {
    const target = await rigWith({ attemptTimeoutMs: 300 });
    shared.fake.inject('eu-west-1', faults.hang());
    const started = Date.now();
    const answer = await converse(target);
    expectServed(answer, 'eu-central-1', 2);
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  test('primary slower than the attempt timeout → secondary', async () => {
    const target = await rigWith({ attemptTimeoutMs: 300 });
    shared.fake.inject('eu-west-1', faults.slowFirstEvent(3_000));
    const answer = await converse(target);
    expectServed(answer, 'eu-central-1', 2);
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1']);
  });

  test('primary slower than usual but within the attempt timeout is still served by the primary', async () => {
    const target = await rigWith({ attemptTimeoutMs: 3_000 });
    shared.fake.inject('eu-west-1', faults.slowFirstEvent(200));
    const answer = await converse(target);
    expectServed(answer, 'eu-west-1', 1);
  });

  test('fails over along the whole plan in order', async () => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', faults.throttle()).inject('eu-central-1', faults.unavailable());
    const answer = await converse(target);
    expectServed(answer, 'eu-west-3', 3);
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3']);
  });

  test('Retry-After is honoured before the second pass over the plan', async () => {
    const target = await rigWith({ backoffMaxMs: 5_000, deadlineMs: 9_000 });
    shared.fake.inject('*', faults.throttle(1), { times: 3 });
    const answer = await converse(target);
    expectServed(answer, 'eu-west-1', 4);
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3', 'eu-west-1']);
    const waited = shared.fake.calls[3].atMs - shared.fake.calls[2].atMs;
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(4_000);
  });

  test('different Retry-After hints: the client is told the soonest', async () => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', faults.throttle(7));
    shared.fake.inject('eu-central-1', faults.throttle(3));
    shared.fake.inject('eu-west-3', faults.throttle(5));
    const answer = await converse(target);
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('3');
  });

  test('every region throttling → 429 with Retry-After and the attempts listed', async () => {
    const target = await rigWith();
    shared.fake.inject('*', faults.throttle(2));
    const answer = await converse(target);
    expect(answer.status).toBe(429);
    // The regions asked for 2 s: the client is told the same.
    expect(answer.headers['retry-after']).toBe('2');
    expect(answer.json.error).toBe('AllRegionsThrottled');
    expect(answer.json.message).toMatch(/throttled/);
    // Retry-After (2 s) is capped at backoffMaxMs (100 ms) for the wait before the second pass.
    expect(answer.json.attempts).toEqual([
      { region: 'eu-west-1', error: 'ThrottlingException' },
      { region: 'eu-central-1', error: 'ThrottlingException' },
      { region: 'eu-west-3', error: 'ThrottlingException' },
      { region: 'eu-west-1', error: 'ThrottlingException' },
      { region: 'eu-central-1', error: 'ThrottlingException' },
      { region: 'eu-west-3', error: 'ThrottlingException' },
    ]);
    expect(answer.headers[INVOKER_HEADERS.attempts]).toBe('6');
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3', 'eu-west-1', 'eu-central-1', 'eu-west-3']);
    expect(answer.text).not.toMatch(/\bat .*\.(js|ts):\d+/);
  });

  test('every region failing with mixed errors → 503 with Retry-After', async () => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', faults.throttle()).inject('eu-central-1', faults.internal()).inject('eu-west-3', faults.reset());
    const answer = await converse(target);
    expect(answer.status).toBe(503);
    expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(answer.json.error).toBe('AllRegionsFailed');
    expect(answer.json.attempts.slice(0, 3)).toEqual([
      { region: 'eu-west-1', error: 'ThrottlingException' },
      { region: 'eu-central-1', error: 'InternalServerException' },
      { region: 'eu-west-3', error: 'ECONNRESET' },
    ]);
    expect(answer.text).not.toMatch(/stack|\.ts:\d+/);
  });

  test.each([
    ['ValidationException', faults.validation(), 400],
    ['AccessDeniedException', faults.accessDenied(), 403],
    ['ResourceNotFoundException', faults.resourceNotFound(), 404],
    ['ModelErrorException', faults.modelError(), 424],
  ])('%s → returned at once with its own status, no failover', async (name, fault, status) => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', fault);
    const answer = await converse(target);
    expect(answer.status).toBe(status);
    expect(answer.json).toEqual({ error: name, message: expect.any(String), region: 'eu-west-1' });
    expect(answer.json.message.length).toBeGreaterThan(0);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-west-1');
    expect(answer.headers[INVOKER_HEADERS.attempts]).toBe('1');
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1']);
  });

  test('client errors are not the region\'s fault: however many, its circuit stays closed and it keeps serving', async () => {
    const target = await rigWith({ breakerFailureThreshold: 2 });
    shared.fake.inject('eu-west-1', faults.validation(), { times: 3 });
    for (let index = 0; index < 3; index++) {
      expect((await converse(target)).status).toBe(400);
    }
    const health = await send(target.server.url, 'GET', '/health');
    expect(health.json.circuits[0]).toEqual({ region: 'eu-west-1', state: 'closed', consecutiveFailures: 0 });
    expectServed(await converse(target), 'eu-west-1', 1);
  });

  test('the overall deadline bounds the request even when every region hangs', async () => {
    const target = await rigWith({ deadlineMs: 900, attemptTimeoutMs: 400 });
    shared.fake.inject('*', faults.hang());
    const started = Date.now();
    const answer = await converse(target);
    expect(answer.status).toBe(504);
    expect(answer.json.error).toBe('DeadlineExceeded');
    expect(answer.json.attempts.map((attempt: { error: string }) => attempt.error)).toEqual(['AttemptTimeout', 'AttemptTimeout', 'DeadlineExceeded']);
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3']);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('the deadline counts from when API Gateway received the request, so a slow cold start is not forgotten', async () => {
    const target = await rigWith({ deadlineMs: 4_000, attemptTimeoutMs: 3_500 });
    shared.fake.inject('eu-west-1', faults.hang());
    const started = Date.now();
    // Received 3.5 s ago: half a second of the 4 s deadline is left when the handler starts.
    const answer = await callInProcess(target, receivedAgo(3_500));
    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.text).attempts).toEqual([{ region: 'eu-west-1', error: 'DeadlineExceeded' }]);
    // Counted from the handler's own start it would have waited the full attempt timeout (3.5 s).
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  test('a request that arrives with its deadline already spent → 504 DeadlineExceeded, nothing called', async () => {
    const target = await rigWith({ deadlineMs: 4_000 });
    const answer = await callInProcess(target, receivedAgo(5_000));
    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.text)).toEqual({ error: 'DeadlineExceeded', message: expect.stringContaining('too late') });
    expect(shared.fake.calls).toHaveLength(0);
  });

  test.each([
    ['in the future (clock skew)', -60_000],
    ['implausibly long ago (longer than any cold start: a clock problem)', 60_000],
  ])('a receipt time %s is ignored: the request gets its whole deadline', async (_case, ageMs) => {
    const target = await rigWith({ deadlineMs: 4_000, attemptTimeoutMs: 300 });
    shared.fake.inject('eu-west-1', faults.hang());
    const answer = await callInProcess(target, receivedAgo(ageMs));
    // The hung primary times out after its 300 ms attempt; the deadline leaves room for the next region.
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1']);
    expect(JSON.parse(answer.text).output.message.content[0].text).toBe('hello from eu-central-1');
  });
});

describe('circuit breaker', () => {
  test('opens after N failures and skips the region, lets one probe through after the cooldown, closes on success', async () => {
    const target = await rigWith({ breakerFailureThreshold: 2, breakerCooldownMs: 600 });
    shared.fake.inject('eu-west-1', faults.unavailable());
    expectServed(await converse(target), 'eu-central-1', 2);
    expectServed(await converse(target), 'eu-central-1', 2);
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-1', 'eu-central-1']);

    // Open: the primary is not called at all.
    shared.fake.reset();
    shared.fake.inject('eu-west-1', faults.unavailable());
    expectServed(await converse(target), 'eu-central-1', 1);
    expect(shared.fake.regionsCalled()).toEqual(['eu-central-1']);
    const health = await send(target.server.url, 'GET', '/health');
    expect(health.json.circuits[0]).toMatchObject({ region: 'eu-west-1', state: 'open' });

    // After the cooldown: one probe; it fails, so the circuit re-opens at once.
    await new Promise((resolve) => setTimeout(resolve, 700));
    shared.fake.reset();
    shared.fake.inject('eu-west-1', faults.unavailable());
    expectServed(await converse(target), 'eu-central-1', 2);
    expectServed(await converse(target), 'eu-central-1', 1);
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1', 'eu-central-1']);

    // Next cooldown: the region recovered; the probe succeeds and closes the circuit.
    await new Promise((resolve) => setTimeout(resolve, 700));
    shared.fake.reset();
    expectServed(await converse(target), 'eu-west-1', 1);
    expectServed(await converse(target), 'eu-west-1', 1);
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-west-1']);
    expect((await send(target.server.url, 'GET', '/health')).json.circuits[0]).toMatchObject({ state: 'closed' });
  });

  test('half-open lets exactly one concurrent probe through', async () => {
    const target = await rigWith({ breakerFailureThreshold: 1, breakerCooldownMs: 300 });
    shared.fake.inject('eu-west-1', faults.unavailable(), { times: 1 });
    expectServed(await converse(target), 'eu-central-1', 2);
    await new Promise((resolve) => setTimeout(resolve, 400));
    shared.fake.reset();
    shared.fake.inject('eu-west-1', faults.slow(400));
    const answers = await Promise.all([converse(target), converse(target), converse(target)]);
    expect(answers.map((answer) => answer.headers[INVOKER_HEADERS.servedRegion]).sort()).toEqual(['eu-central-1', 'eu-central-1', 'eu-west-1']);
    expect(shared.fake.regionsCalled().filter((region) => region === 'eu-west-1')).toHaveLength(1);
  });

  test('every circuit open and the regions healthy again → the region that reopens first is tried anyway and serves', async () => {
    const target = await rigWith({ breakerFailureThreshold: 1, breakerCooldownMs: 60_000 });
    shared.fake.inject('*', faults.internal());
    expect((await converse(target)).status).toBe(503);
    const open = (await send(target.server.url, 'GET', '/health')).json.circuits;
    expect(open.map((circuit: { state: string }) => circuit.state)).toEqual(['open', 'open', 'open']);
    shared.fake.reset();
    // Before: 503 AllRegionsUnavailable for the whole minute without calling anything.
    expectServed(await converse(target), 'eu-west-1', 1);
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1']);
    const health = (await send(target.server.url, 'GET', '/health')).json.circuits;
    expect(health.map((circuit: { state: string }) => circuit.state)).toEqual(['closed', 'open', 'open']);
    // The closed region now serves on its own; the others stay skipped until their cool-down ends.
    expectServed(await converse(target), 'eu-west-1', 1);
  });

  test('every circuit open and the regions still failing → each is tried anyway, then an honest 503', async () => {
    const target = await rigWith({ breakerFailureThreshold: 1, breakerCooldownMs: 60_000 });
    shared.fake.inject('*', faults.internal());
    expect((await converse(target)).status).toBe(503);
    shared.fake.reset().inject('*', faults.internal());
    const answer = await converse(target);
    expect(answer.status).toBe(503);
    expect(answer.json.error).toBe('AllRegionsFailed');
    // Every region, soonest to reopen first, in each pass: the circuits order the attempts, never refuse them.
    expect(shared.fake.regionsCalled()).toHaveLength(6);
    expect(new Set(shared.fake.regionsCalled())).toEqual(new Set(['eu-west-1', 'eu-central-1', 'eu-west-3']));
    expect(answer.text).not.toMatch(/before the deadline/);
  });
});

describe('converse-stream', () => {
  async function stream(target: Rig) {
    const answer = await send(target.server.url, 'POST', '/converse-stream', converseBody());
    return { ...answer, events: answer.status === 200 ? parseSse(answer.text) : [] };
  }

  test('healthy stream: one SSE event per Bedrock stream event', async () => {
    const target = await rigWith();
    const answer = await stream(target);
    expectServed(answer, 'eu-west-1', 1);
    expect(answer.headers['content-type']).toBe('text/event-stream');
    expect(answer.events.map((event) => event.event)).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata']);
    expect(answer.events.filter((event) => event.event === 'contentBlockDelta').map((event) => event.data.delta.text).join('')).toBe('hello from eu-west-1');
    expect(answer.events[5].data.usage.outputTokens).toBe(7);
  });

  test('failover before the first byte: primary throttles → secondary streams', async () => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', faults.throttle());
    const answer = await stream(target);
    expectServed(answer, 'eu-central-1', 2);
    expect(answer.events.at(-1)?.event).toBe('metadata');
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1']);
  });

  test('an in-stream exception as the FIRST event still fails over', async () => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', faults.streamException(0, 'throttlingException'));
    const answer = await stream(target);
    expectServed(answer, 'eu-central-1', 2);
    expect(answer.events.some((event) => event.event === 'error')).toBe(false);
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1']);
  });

  test('first-token timeout → failover', async () => {
    const target = await rigWith({ firstTokenTimeoutMs: 300 });
    shared.fake.inject('eu-west-1', faults.slowFirstEvent(3_000));
    const started = Date.now();
    const answer = await stream(target);
    expectServed(answer, 'eu-central-1', 2);
    // Abandoned at the first-token timeout (300 ms), not the attempt timeout (1.5 s): the SDK's send()
    // only resolves once the first event is there, so the timer must run before it.
    expect(Date.now() - started).toBeLessThan(1_200);
    expect(answer.events[0].event).toBe('messageStart');
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1']);
  });

  test('mid-stream exception → explicit error event, no failover, no silent truncation', async () => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', faults.streamException(2, 'modelStreamErrorException', 'The model stream failed.'));
    const answer = await stream(target);
    expectServed(answer, 'eu-west-1', 1);
    expect(answer.events.map((event) => event.event)).toEqual(['messageStart', 'contentBlockDelta', 'error']);
    expect(answer.events[2].data).toEqual({ error: 'ModelStreamErrorException', message: 'The model stream failed.', retryable: true });
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1']);
  });

  test('mid-stream throttling exception → error event marked retryable', async () => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', faults.streamException(3, 'throttlingException'));
    const answer = await stream(target);
    expect(answer.events.at(-1)).toEqual({ event: 'error', data: { error: 'ThrottlingException', message: expect.any(String), retryable: true } });
  });

  test('mid-stream validation exception → error event marked not retryable', async () => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', faults.streamException(1, 'validationException', 'bad tool use'));
    const answer = await stream(target);
    expect(answer.events.at(-1)).toEqual({ event: 'error', data: { error: 'ValidationException', message: 'bad tool use', retryable: false } });
  });

  test('a client error as the FIRST stream event → its own 4xx (not a 200), no failover', async () => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', faults.streamException(0, 'validationException', 'bad tool use'));
    const answer = await stream(target);
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.json).toMatchObject({ error: 'ValidationException', message: 'bad tool use', region: 'eu-west-1' });
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1']);
  });

  test('a stream the region ends cleanly before messageStop → explicit error event, counted against the region', async () => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', faults.streamEndEarly(3));
    const answer = await stream(target);
    expectServed(answer, 'eu-west-1', 1);
    expect(answer.events.map((event) => event.event)).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta', 'error']);
    expect(answer.events[3].data).toEqual({ error: 'IncompleteStream', message: expect.stringContaining('before the message was complete'), retryable: true });
    const health = await send(target.server.url, 'GET', '/health');
    expect(health.json.circuits[0]).toMatchObject({ region: 'eu-west-1', consecutiveFailures: 1 });
  });

  test('a client that reads slower than the first-token timeout neither stalls the stream nor blames the region', async () => {
    const target = await rigWith({ firstTokenTimeoutMs: 150 });
    const answer = await callInProcess(target, restProxyEvent('POST', '/converse-stream', converseBody()), 300);
    expect(parseSse(answer.text).map((event) => event.event)).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata']);
    expect(target.server.runtime.breakers.snapshot(['eu-west-1'])[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  test('a slow reader still cannot hold a stream past the request deadline: it ends with an error event, no region blamed', async () => {
    const target = await rigWith({ deadlineMs: 1_000, attemptTimeoutMs: 900, firstTokenTimeoutMs: 150 });
    const answer = await callInProcess(target, restProxyEvent('POST', '/converse-stream', converseBody()), 300);
    const events = parseSse(answer.text);
    expect(events.at(-1)).toEqual({ event: 'error', data: { error: 'DeadlineExceeded', message: expect.any(String), retryable: true } });
    expect(events.map((event) => event.event)).not.toContain('metadata');
    expect(target.server.runtime.breakers.snapshot(['eu-west-1'])[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  test('a stream publishes its settled attempts as soon as its region is chosen, before the body streams', async () => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', faults.throttle(), { times: 1 });
    const events: string[] = [];
    const recording: RequestMetrics = {
      attempt: (region, outcome) => events.push(`attempt ${region}${outcome.failover ? ' (failover)' : ''}`),
      streamFailed: (region) => events.push(`stream failed ${region}`),
      served: (region) => events.push(`served ${region}`),
      clientError: (region) => events.push(`client error ${region}`),
      drillActive: (region) => events.push(`drill ${region}`),
      flush: () => events.push('flush'),
    };
    let wrote = false;
    const sink: ResponseSink = {
      start: () => undefined,
      write: async () => {
        if (!wrote) {
          events.push('first byte');
          wrote = true;
        }
      },
      end: () => Promise.resolve(),
    };
    const runtime = { ...target.server.runtime, newRequestMetrics: () => recording };
    await handleRequest(requestFromApiGatewayEvent(restProxyEvent('POST', '/converse-stream', converseBody())), sink, runtime);
    expect(events).toEqual(['attempt eu-west-1 (failover)', 'attempt eu-central-1', 'flush', 'first byte', 'served eu-central-1', 'flush']);
  });

  test('all regions throttling the stream → 429 JSON before any SSE byte', async () => {
    const target = await rigWith();
    shared.fake.inject('*', faults.throttle());
    const answer = await stream(target);
    expect(answer.status).toBe(429);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.json.error).toBe('AllRegionsThrottled');
  });
});

describe('invoke, health, geography', () => {
  test('/invoke passes the body bytes through untouched and fails over', async () => {
    const target = await rigWith();
    shared.fake.inject('eu-west-1', faults.throttle());
    const bytes = Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x7b, 0x22, 0x0a, 0x80]);
    const answer = await send(target.server.url, 'POST', '/invoke?modelId=eu.amazon.nova-pro-v1%3A0', bytes, { 'content-type': 'application/octet-stream' });
    expect(answer.status).toBe(200);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
    expect(answer.headers[INVOKER_HEADERS.profile]).toBe('eu.amazon.nova-pro-v1:0');
    expect(answer.json.receivedBytes).toBe(bytes.length);
    expect(shared.fake.calls.map((call) => [call.region, call.operation, call.modelId])).toEqual([
      ['eu-west-1', 'invoke', 'eu.amazon.nova-pro-v1:0'],
      ['eu-central-1', 'invoke', 'eu.amazon.nova-pro-v1:0'],
    ]);
    expect(shared.fake.calls[1].body.equals(bytes)).toBe(true);
  });

  test('/invoke with a JSON body passes it through byte for byte', async () => {
    const target = await rigWith();
    const body = '{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,  "messages":[{"role":"user","content":"héllo"}]}';
    const answer = await send(target.server.url, 'POST', '/invoke', body);
    expect(answer.status).toBe(200);
    expect(shared.fake.calls[0].body.toString('utf8')).toBe(body);
    expect(shared.fake.calls[0].modelId).toBe(PROFILE);
  });

  test('a modelId that is not configured → 400 naming the allowed ids, nothing called', async () => {
    const target = await rigWith();
    const answer = await converse(target, converseBody({ modelId: 'us.anthropic.claude-3-haiku' }));
    expect(answer.status).toBe(400);
    expect(answer.json.error).toBe('UnknownModelId');
    expect(answer.json.message).toContain(PROFILE);
    expect(answer.json.message).toContain('eu.amazon.nova-pro-v1:0');
    expect(shared.fake.calls).toHaveLength(0);
  });

  test('/health answers 200 with the plan and circuit states without calling Bedrock', async () => {
    const target = await rigWith();
    const answer = await send(target.server.url, 'GET', '/health');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      status: 'ok',
      region: 'eu-west-1',
      geography: 'eu',
      regionPlan: ['eu-west-1', 'eu-central-1', 'eu-west-3'],
      circuits: [
        { region: 'eu-west-1', state: 'closed' },
        { region: 'eu-central-1', state: 'closed' },
        { region: 'eu-west-3', state: 'closed' },
      ],
    });
    expect(shared.fake.calls).toHaveLength(0);
  });

  test('a plan leaving the geography → 500 GeographyViolation on every route, /health reports it, nothing called', async () => {
    const target = await rigWith({ regionPlan: ['eu-west-1', 'us-east-1'] });
    for (const [method, path, body] of [['POST', '/converse', converseBody()], ['POST', '/converse-stream', converseBody()], ['POST', '/invoke', '{}']]) {
      const answer = await send(target.server.url, method, path, body);
      expect(answer.status).toBe(500);
      expect(answer.json.error).toBe('GeographyViolation');
      expect(answer.json.message).toContain('us-east-1');
    }
    const health = await send(target.server.url, 'GET', '/health');
    expect(health.json.status).toBe('GeographyViolation');
    expect(health.json.geographyViolations).toEqual(["region 'us-east-1' is outside geography 'eu'"]);
    expect(shared.fake.calls).toHaveLength(0);
  });

  test('an invalid configuration → 500 InvalidConfiguration on every route, nothing called', async () => {
    const target = await rigWith({ deadlineMs: -1 });
    for (const [method, path] of [['POST', '/converse'], ['POST', '/invoke'], ['GET', '/health']]) {
      const answer = await send(target.server.url, method, path, method === 'POST' ? converseBody() : undefined);
      expect([answer.status, answer.json?.error, path]).toEqual([500, 'InvalidConfiguration', path]);
    }
    expect(shared.fake.calls).toHaveLength(0);
  });
});

describe('client goes away', () => {
  /** Polls `predicate` every 10 ms for up to `withinMs`. */
  async function waitFor(predicate: () => boolean, withinMs: number, what: string): Promise<void> {
    const until = Date.now() + withinMs;
    while (!predicate()) {
      if (Date.now() > until) {
        throw new Error(`not within ${withinMs} ms: ${what}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  test.each(['/converse', '/converse-stream'])(
    '%s: a client that disconnects while the primary hangs aborts the attempt at once and ends the walk; the circuit is untouched',
    async (route) => {
      // Long attempt timeout: only the client leaving can end the hung attempt within the wait below.
      const target = await rigWith({ attemptTimeoutMs: 5_000, firstTokenTimeoutMs: 5_000, deadlineMs: 8_000 });
      shared.fake.inject('eu-west-1', faults.hang());
      const request = http.request(`${target.server.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' } });
      request.on('error', () => undefined);
      request.end(converseBody());
      await waitFor(() => shared.fake.calls.length === 1, 3_000, 'the primary receives the call');

      request.destroy();
      await waitFor(() => shared.fake.abandoned().length === 1, 2_000, 'the invoker aborts its call to the hung primary');
      expect(shared.fake.abandoned().map((call) => call.region)).toEqual(['eu-west-1']);

      // Had the walk gone on, the next region would be called right after the abort.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(shared.fake.regionsCalled()).toEqual(['eu-west-1']);
      const health = await send(target.server.url, 'GET', '/health');
      expect(health.json.circuits[0]).toEqual({ region: 'eu-west-1', state: 'closed', consecutiveFailures: 0 });
    },
  );
});
