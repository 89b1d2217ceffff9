import { testConfig } from './invoker-harness';
import { parseInvokerConfig } from '../../../lambda/invoker/config';
import { requestFromApiGatewayEvent } from '../../../lambda/invoker/host/api-gateway-event';
import { MAX_JSON_DEPTH, resolveRoute, validateConverseBody, validateInvokeRequest } from '../../../lambda/invoker/http/request-validation';
import { sseEvent, toJson } from '../../../lambda/invoker/http/response-sink';
import { CircuitBreakerRegistry } from '../../../lambda/invoker/resilience/circuit-breaker';
import { classifyBedrockError } from '../../../lambda/invoker/resilience/error-classification';
import { assertRegionAllowed, findGeographyViolations, GeographyViolationError } from '../../../lambda/invoker/resilience/geography-guard';
import { backoffBeforeNextPassMs, parseRetryAfterMs, regionsForPass } from '../../../lambda/invoker/resilience/region-plan';
import { createInvokerRuntime, InvokerRuntimeOptions } from '../../../lambda/invoker/runtime';
import { GEOGRAPHY_REGIONS } from '../../../lib/shared/invoker-config';

function sdkError(name: string, status: number, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status }, $response: { statusCode: status, headers } });
}

describe('error classification', () => {
  test.each([
    ['ThrottlingException', 429, true],
    ['ServiceUnavailableException', 503, false],
    ['InternalServerException', 500, false],
    ['ModelNotReadyException', 429, false],
    ['ModelTimeoutException', 408, false],
    ['ServiceQuotaExceededException', 400, false],
    ['overloaded_error', 529, false],
    ['SomethingNew', 502, false],
  ])('%s (%d) fails over', (name, status, throttle) => {
    expect(classifyBedrockError(sdkError(name, status))).toMatchObject({ name, disposition: 'failover', throttle });
  });

  test.each([
    ['ValidationException', 400],
    ['AccessDeniedException', 403],
    ['ResourceNotFoundException', 404],
    ['ModelErrorException', 424],
    ['SomeClientError', 409],
  ])('%s (%d) is returned to the client with its own status', (name, status) => {
    expect(classifyBedrockError(sdkError(name, status))).toMatchObject({ name, disposition: 'client-error', status });
  });

  test('classification is by name, not status: a 400 ServiceQuotaExceeded fails over, a 429-named-Validation does not', () => {
    expect(classifyBedrockError(sdkError('ServiceQuotaExceededException', 400)).disposition).toBe('failover');
    expect(classifyBedrockError(sdkError('ValidationException', 429)).disposition).toBe('client-error');
  });

  test('network errors and timeouts fail over', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED']) {
      expect(classifyBedrockError(Object.assign(new Error('boom'), { code })).disposition).toBe('failover');
    }
    expect(classifyBedrockError(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }))).toMatchObject({ name: 'ECONNRESET', disposition: 'failover' });
    expect(classifyBedrockError(new Error('aborted'), 'AttemptTimeout')).toMatchObject({ name: 'AttemptTimeout', disposition: 'failover' });
    expect(classifyBedrockError(new Error('aborted'), 'FirstTokenTimeout')).toMatchObject({ name: 'FirstTokenTimeout', disposition: 'failover' });
    expect(classifyBedrockError(new Error('aborted'), 'DeadlineExceeded').disposition).toBe('stop');
    expect(classifyBedrockError(new Error('aborted'), 'ClientDisconnected').disposition).toBe('stop');
  });

  test('Retry-After is read from the response, messages are one line', () => {
    expect(classifyBedrockError(sdkError('ThrottlingException', 429, { 'retry-after': '3' })).retryAfterMs).toBe(3000);
    const multiLine = Object.assign(new Error('first line\n    at secret (/var/task/index.js:1:1)'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect(classifyBedrockError(multiLine).message).toBe('first line');
  });
});

describe('region plan', () => {
  test('keeps plan order and skips refused regions, asking lazily', () => {
    const asked: string[] = [];
    const iterator = regionsForPass(['a', 'b', 'c'], (region) => {
      asked.push(region);
      return region !== 'b';
    });
    expect(iterator.next().value).toBe('a');
    expect(asked).toEqual(['a']);
    expect([...iterator]).toEqual(['c']);
  });

  test('backoff honours Retry-After capped at the maximum, else jittered exponential', () => {
    const base = { pass: 1, backoffBaseMs: 100, backoffMaxMs: 1000 };
    expect(backoffBeforeNextPassMs({ ...base, retryAfterMs: [2000, 500], random: 0.5 })).toBe(500);
    expect(backoffBeforeNextPassMs({ ...base, retryAfterMs: [5000], random: 0.5 })).toBe(1000);
    expect(backoffBeforeNextPassMs({ ...base, retryAfterMs: [], random: 0.99 })).toBe(99);
    expect(backoffBeforeNextPassMs({ ...base, retryAfterMs: [], random: 0 })).toBe(50);
    expect(backoffBeforeNextPassMs({ ...base, pass: 5, retryAfterMs: [], random: 0.99 })).toBe(990);
  });

  test('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfterMs('2', 0)).toBe(2000);
    expect(parseRetryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfterMs('soon', 0)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, 0)).toBeUndefined();
  });
});

describe('circuit breaker (fake clock)', () => {
  let now = 0;
  const breakers = (): CircuitBreakerRegistry => new CircuitBreakerRegistry({ failureThreshold: 3, cooldownMs: 1000, now: () => now });
  beforeEach(() => {
    now = 0;
  });

  test('opens after N consecutive failures; a success resets the count', () => {
    const registry = breakers();
    registry.recordFailure('r');
    registry.recordFailure('r');
    registry.recordSuccess('r');
    registry.recordFailure('r');
    registry.recordFailure('r');
    expect(registry.stateOf('r')).toBe('closed');
    registry.recordFailure('r');
    expect(registry.stateOf('r')).toBe('open');
    expect(registry.tryAcquire('r')).toBeUndefined();
  });

  test('half-open lets exactly one probe through; success closes, failure re-opens', () => {
    const registry = breakers();
    for (let index = 0; index < 3; index++) registry.recordFailure('r');
    now = 999;
    expect(registry.tryAcquire('r')).toBeUndefined();
    now = 1000;
    expect(registry.stateOf('r')).toBe('half-open');
    expect(registry.tryAcquire('r')).toBeDefined();
    expect(registry.tryAcquire('r')).toBeUndefined();
    expect(registry.tryAcquire('r')).toBeUndefined();
    registry.recordFailure('r');
    expect(registry.stateOf('r')).toBe('open');
    now = 2000;
    expect(registry.tryAcquire('r')).toBeDefined();
    registry.recordSuccess('r');
    expect(registry.stateOf('r')).toBe('closed');
    expect(registry.tryAcquire('r')).toBeDefined();
    expect(registry.tryAcquire('r')).toBeDefined();
  });

  test('a released or lost probe frees the slot', () => {
    const registry = breakers();
    for (let index = 0; index < 3; index++) registry.recordFailure('r');
    now = 1000;
    const probe = registry.tryAcquire('r');
    expect(probe).toEqual({ region: 'r', probe: true });
    registry.release(probe!);
    expect(registry.tryAcquire('r')).toEqual({ region: 'r', probe: true });
    now = 2500;
    expect(registry.tryAcquire('r')).toEqual({ region: 'r', probe: true });
  });

  test('only the probe\'s own release frees the slot: a caller admitted before the circuit opened cannot start a second probe', () => {
    const registry = breakers();
    const early = registry.tryAcquire('r');
    expect(early).toEqual({ region: 'r', probe: false });
    for (let index = 0; index < 3; index++) registry.recordFailure('r');
    now = 1000;
    const probe = registry.tryAcquire('r');
    expect(probe?.probe).toBe(true);
    registry.release(early!); // its client went away: no verdict, and it was not the probe
    expect(registry.tryAcquire('r')).toBeUndefined();
    registry.release(probe!);
    expect(registry.tryAcquire('r')?.probe).toBe(true);
  });

  test('regions are independent', () => {
    const registry = breakers();
    for (let index = 0; index < 3; index++) registry.recordFailure('a');
    expect(registry.tryAcquire('b')).toBeDefined();
    expect(registry.snapshot(['a', 'b'])).toEqual([
      { region: 'a', state: 'open', consecutiveFailures: 3, retryAtMs: 1000 },
      { region: 'b', state: 'closed', consecutiveFailures: 0 },
    ]);
  });
});

describe('geography guard', () => {
  test('a compliant plan has no violations', () => {
    expect(findGeographyViolations(testConfig())).toEqual([]);
  });

  test('refuses regions outside the geography even when configured', () => {
    expect(findGeographyViolations(testConfig({ regionPlan: ['eu-west-1', 'us-east-1'] }))).toEqual(["region 'us-east-1' is outside geography 'eu'"]);
    expect(() => assertRegionAllowed('us-east-1', 'eu', ['eu-west-1', 'us-east-1'])).toThrow(GeographyViolationError);
    expect(() => assertRegionAllowed('eu-west-1', 'eu', ['eu-west-1'])).not.toThrow();
  });

  test('fails closed for an unknown geography and for a profile of another geography', () => {
    expect(findGeographyViolations(testConfig({ geography: 'mars' }))[0]).toMatch(/unknown/);
    expect(() => assertRegionAllowed('eu-west-1', 'mars', ['eu-west-1'])).toThrow(GeographyViolationError);
    expect(findGeographyViolations(testConfig({ profileIds: ['us.anthropic.claude'] }))).toEqual(["profile 'us.anthropic.claude' belongs to geography 'us', not 'eu'"]);
  });

  test('global: the configured plan is the guard', () => {
    const plan = ['us-east-1', 'eu-west-1'];
    expect(findGeographyViolations({ geography: 'global', regionPlan: plan, profileIds: ['global.anthropic.claude'] })).toEqual([]);
    expect(() => assertRegionAllowed('ap-south-1', 'global', plan)).toThrow(GeographyViolationError);
  });

  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('%s (an Object.prototype name) is an unknown geography, not a crash', (geography) => {
    expect(findGeographyViolations(testConfig({ geography }))).toEqual([expect.stringMatching(`geography '${geography}' is unknown`)]);
    expect(() => assertRegionAllowed('eu-west-1', geography, ['eu-west-1'])).toThrow(GeographyViolationError);
  });

  test('a runtime configured with an Object.prototype name as geography is built, refusing every call', () => {
    const logged: string[] = [];
    const logger = { error: (message: string) => logged.push(message) } as unknown as NonNullable<InvokerRuntimeOptions['logger']>;
    const ignore = () => undefined;
    const newRequestMetrics = () => ({
      attempt: ignore, streamFailed: ignore, served: ignore, clientError: ignore, drillActive: ignore, flush: ignore,
    });
    const runtime = createInvokerRuntime({ configJson: JSON.stringify(testConfig({ geography: 'constructor' })), logger, newRequestMetrics });
    runtime.clients.destroy();
    expect(runtime.configResult.ok).toBe(true);
    expect(runtime.geographyViolations).toEqual([expect.stringMatching("geography 'constructor' is unknown")]);
    expect(logged).toEqual([expect.stringMatching(/refusing every Bedrock call/)]);
  });

  test('every geography guard set is non-empty', () => {
    for (const regions of Object.values(GEOGRAPHY_REGIONS)) {
      expect(regions.length).toBeGreaterThan(0);
    }
  });
});

describe('config parsing', () => {
  test('accepts a valid config', () => {
    const result = parseInvokerConfig(JSON.stringify(testConfig()));
    expect(result).toEqual({ ok: true, config: testConfig() });
  });

  test.each([
    [undefined, /not set/],
    ['not json', /not valid JSON/],
    ['[]', /JSON object/],
    [JSON.stringify({ ...testConfig(), regionPlan: [] }), /regionPlan must be a non-empty array/],
    [JSON.stringify({ ...testConfig(), profileIds: ['a', 'a'] }), /must not repeat/],
    [JSON.stringify({ ...testConfig(), deadlineMs: 0 }), /deadlineMs must be a positive integer/],
    [JSON.stringify({ ...testConfig(), attemptTimeoutMs: 99_999 }), /must not exceed deadlineMs/],
    [JSON.stringify({ ...testConfig(), geography: 3 }), /geography must be a non-empty string/],
  ])('rejects %s', (raw, problem) => {
    const result = parseInvokerConfig(raw);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.join('\n')).toMatch(problem);
  });
});

describe('request validation', () => {
  const config = testConfig();
  const validateConverse = (body: string) => validateConverseBody({ body: Buffer.from(body), query: {} }, 'converse', config);

  test('routes, 404 and 405', () => {
    expect(resolveRoute('POST', '/converse/')).toEqual({ ok: true, value: 'converse' });
    expect(resolveRoute('GET', '/health')).toEqual({ ok: true, value: 'health' });
    expect(resolveRoute('GET', '/converse')).toMatchObject({ ok: false, problem: { status: 405, code: 'MethodNotAllowed', headers: { allow: 'POST' } } });
    expect(resolveRoute('POST', '/nope')).toMatchObject({ ok: false, problem: { status: 404, code: 'NotFound' } });
  });

  test.each([
    ['', 'EmptyBody'],
    ['{', 'InvalidJson'],
    ['[]', 'InvalidRequest'],
    ['{}', 'MissingMessages'],
    ['{"messages":[]}', 'MissingMessages'],
    ['{"messages":"hi"}', 'InvalidRequest'],
    ['{"messages":[{"role":"robot","content":[{"text":"x"}]}]}', 'InvalidRequest'],
    ['{"messages":[{"role":"user","content":[]}]}', 'InvalidRequest'],
    ['{"messages":[{"role":"user","content":["x"]}]}', 'InvalidRequest'],
    ['{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":3}', 'InvalidRequest'],
    ['{"messages":[{"role":"user","content":[{"text":"x"}]}],"prompt":"x"}', 'UnknownField'],
    ['{"messages":[{"role":"user","content":[{"text":"x"}]}],"modelId":"other"}', 'UnknownModelId'],
    ['{"messages":[{"role":"user","content":[{"image":{"format":"png","source":{"bytes":"***"}}}]}]}', 'InvalidRequest'],
  ])('converse body %s → %s', (body, code) => {
    const result = validateConverse(body);
    expect(result).toMatchObject({ ok: false, problem: { status: 400, code } });
    expect(result.ok ? '' : result.problem.message.length).toBeGreaterThan(10);
  });

  test('a valid converse body: default profile, base64 image bytes decoded for the SDK', () => {
    const body = { messages: [{ role: 'user', content: [{ text: 'x' }, { image: { format: 'png', source: { bytes: Buffer.from('PNG').toString('base64') } } }] }], inferenceConfig: { maxTokens: 5 } };
    const result = validateConverse(JSON.stringify(body));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.modelId).toBe(config.profileIds[0]);
      const content = (result.value.input.messages as Array<{ content: Array<{ image?: { source: { bytes: Uint8Array } } }> }>)[0].content;
      expect(Buffer.from(content[1].image!.source.bytes).toString()).toBe('PNG');
      expect(result.value.input.inferenceConfig).toEqual({ maxTokens: 5 });
    }
  });

  test('a body nested deeper than the limit is a 400 naming the limit, not a stack overflow', () => {
    const tooDeep = `{"messages":[{"role":"user","content":[{"text":"hi"}]}],"additionalModelRequestFields":${nestedObject(5_000)}}`;
    const result = validateConverse(tooDeep);
    expect(result).toMatchObject({ ok: false, problem: { status: 400, code: 'TooDeeplyNested' } });
    expect(result.ok ? '' : result.problem.message).toBe(
      `field "additionalModelRequestFields" is nested too deeply: a request may nest JSON objects and arrays at most ${MAX_JSON_DEPTH} levels deep (the body itself is level 1); flatten it`,
    );
    const deepArray = `{"messages":[{"role":"user","content":[{"text":"hi","x":${'['.repeat(50_000)}${']'.repeat(50_000)}}]}]}`;
    expect(validateConverse(deepArray)).toMatchObject({ ok: false, problem: { status: 400, code: 'TooDeeplyNested' } });
  });

  test('a body nested exactly to the limit is accepted, one level more is refused', () => {
    // Body (1) → additionalModelRequestFields (2) → depth - 2 further objects.
    const body = (depth: number) => `{"messages":[{"role":"user","content":[{"text":"hi"}]}],"additionalModelRequestFields":${nestedObject(depth - 1)}}`;
    const accepted = validateConverse(body(MAX_JSON_DEPTH));
    expect(accepted.ok).toBe(true);
    expect(JSON.stringify(accepted.ok && accepted.value.input.additionalModelRequestFields)).toBe(nestedObject(MAX_JSON_DEPTH - 1));
    expect(validateConverse(body(MAX_JSON_DEPTH + 1))).toMatchObject({ ok: false, problem: { code: 'TooDeeplyNested' } });
  });

  test('invoke: bytes untouched, modelId from the query string', () => {
    const body = Buffer.from([1, 2, 3]);
    const result = validateInvokeRequest({ method: 'POST', path: '/invoke', query: { modelId: config.profileIds[1] }, headers: {}, body }, config);
    expect(result).toEqual({ ok: true, value: { modelId: config.profileIds[1], body, contentType: 'application/json', accept: 'application/json' } });
  });

  test('API Gateway events: base64 bodies are decoded, bad base64 is a 400', () => {
    const event = { httpMethod: 'POST', path: '/converse', resource: '/converse', headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{"a":1}').toString('base64'), isBase64Encoded: true };
    const decoded = requestFromApiGatewayEvent(event as never);
    expect(decoded.ok && Buffer.from(decoded.value.body).toString()).toBe('{"a":1}');
    expect(decoded.ok && decoded.value.headers['content-type']).toBe('application/json');
    expect(requestFromApiGatewayEvent({ ...event, body: '%%%' } as never)).toMatchObject({ ok: false, problem: { status: 400, code: 'InvalidBase64Body' } });
  });
});

describe('JSON answers', () => {
  test('byte arrays anywhere in the answer are rendered as base64, everything else as plain JSON', () => {
    const answer = {
      output: { message: { content: [{ text: 'a picture' }, { image: { format: 'png', source: { bytes: new Uint8Array([104, 105]) } } }] } },
      usage: { inputTokens: 3 },
    };
    expect(JSON.parse(toJson(answer))).toEqual({
      output: { message: { content: [{ text: 'a picture' }, { image: { format: 'png', source: { bytes: 'aGk=' } } }] } },
      usage: { inputTokens: 3 },
    });
    expect(toJson(new Uint8Array([1, 2, 3]))).toBe('"AQID"');
    expect(toJson([Buffer.from('hi')])).toBe('["aGk="]');
  });

  test('answers without bytes are exactly JSON.stringify', () => {
    const answer = { output: { message: { role: 'assistant', content: [{ text: 'hello' }] } }, stopReason: 'end_turn', nothing: null, skipped: undefined };
    expect(toJson(answer)).toBe(JSON.stringify(answer));
    expect(sseEvent('metadata', { usage: { outputTokens: 2 } })).toBe('event: metadata\ndata: {"usage":{"outputTokens":2}}\n\n');
  });
});

/** `levels` nested objects: `{"a":{"a":...{}}}` (`{}` when 1). */
function nestedObject(levels: number): string {
  return `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
}
