import { canaryRequest } from '../../../lambda/canary/canary-request';
import { parseCanaryConfig } from '../../../lambda/canary/config';
import { measurementsOf, runOfFailure } from '../../../lambda/canary/run-outcome';
import { MAX_SCHEDULE_LAG_MS, runTimestampMs } from '../../../lambda/canary/run-timestamp';
import { CANARY_CONFIG_ENV } from '../../../lib/shared/canary-config';

/** An error shaped as the AWS SDK throws a Bedrock service exception. */
function serviceError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} from the region`), { name, $metadata: { httpStatusCode: status }, $response: { statusCode: status, headers: {} } });
}

describe('what a failed call means for the region', () => {
  test.each([
    ['ThrottlingException', 429],
    ['ServiceQuotaExceededException', 400],
  ])('%s is an answer: the run succeeds and counts a throttle', (name, status) => {
    const run = runOfFailure(serviceError(name, status), undefined, 'sent');
    expect(run).toMatchObject({ verdict: 'throttled', errorName: name });
    expect(measurementsOf(run)).toEqual({ success: 1, throttles: 1 });
  });

  test('an unnamed 429 is a throttle too (classified by status, as the invoker does)', () => {
    expect(runOfFailure(Object.assign(new Error('slow down'), { $metadata: { httpStatusCode: 429 } }), undefined, 'sent').verdict).toBe('throttled');
  });

  test.each([
    ['InternalServerException', 500],
    ['ServiceUnavailableException', 503],
    ['ModelNotReadyException', 429],
    ['ModelTimeoutException', 408],
    ['AccessDeniedException', 403],
    ['ResourceNotFoundException', 404],
    ['ValidationException', 400],
  ])('%s means the region cannot serve the profile: a failed run', (name, status) => {
    const run = runOfFailure(serviceError(name, status), undefined, 'sent');
    expect(run).toMatchObject({ verdict: 'failed', errorName: name });
    expect(measurementsOf(run)).toEqual({ success: 0, throttles: 0 });
  });

  test('a 529 with no exception name, a reset and the canary\'s own timeout are failures', () => {
    expect(runOfFailure(Object.assign(new Error('Overloaded'), { $metadata: { httpStatusCode: 529 } }), undefined, 'sent').verdict).toBe('failed');
    expect(runOfFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), undefined, 'sent')).toMatchObject({ verdict: 'failed', errorName: 'ECONNRESET' });
    const abort = Object.assign(new Error('AttemptTimeout'), { name: 'AbortError' });
    expect(runOfFailure(abort, 'AttemptTimeout', 'sent')).toMatchObject({ verdict: 'failed', errorName: 'AttemptTimeout' });
  });

  test('a request that never left the process (no credentials, a timeout while signing) proves nothing: a failure', () => {
    expect(runOfFailure(new Error('Could not load credentials from any providers'), undefined, 'in-sdk')).toMatchObject({ verdict: 'failed', errorName: 'RequestNotSent' });
    expect(runOfFailure(new Error('AttemptTimeout'), 'AttemptTimeout', 'preparing').verdict).toBe('failed');
  });

  test('an answered run publishes its latency; throttled and failed runs do not', () => {
    expect(measurementsOf({ verdict: 'answered', latencyMs: 420 })).toEqual({ success: 1, throttles: 0, latencyMs: 420 });
    expect(measurementsOf({ verdict: 'throttled', latencyMs: 3 })).not.toHaveProperty('latencyMs');
    expect(measurementsOf({ verdict: 'failed', latencyMs: 10_000 })).not.toHaveProperty('latencyMs');
  });
});

describe('the request', () => {
  test('one short user message through the profile, at most one output token', () => {
    const request = canaryRequest('eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(request.modelId).toBe('eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(request.inferenceConfig).toEqual({ maxTokens: 1 });
    expect(request.messages).toHaveLength(1);
    expect(request.messages![0].role).toBe('user');
    const text = request.messages![0].content![0].text!;
    expect(text.split(/\s+/).length).toBeLessThanOrEqual(6);
    expect(request).not.toHaveProperty('system');
  });
});

describe('the datapoint timestamp', () => {
  const now = Date.parse('2026-01-10T12:01:09.500Z');

  test('a run is dated by its schedule tick, so a slow run stays in its minute', () => {
    expect(runTimestampMs('2026-01-10T12:00:59Z', now)).toBe(Date.parse('2026-01-10T12:00:59Z'));
  });

  test('no time, an unparsable one, one in the future or one older than the allowed lag: now', () => {
    expect(runTimestampMs(undefined, now)).toBe(now);
    expect(runTimestampMs('yesterday', now)).toBe(now);
    expect(runTimestampMs(12345, now)).toBe(now);
    expect(runTimestampMs('2026-01-10T12:02:00Z', now)).toBe(now);
    expect(runTimestampMs(new Date(now - MAX_SCHEDULE_LAG_MS - 1).toISOString(), now)).toBe(now);
  });
});

describe('the configuration', () => {
  test('a valid one', () => {
    expect(parseCanaryConfig(JSON.stringify({ region: 'eu-west-1', profileId: 'eu.x', timeoutMs: 10_000 })))
      .toEqual({ ok: true, config: { region: 'eu-west-1', profileId: 'eu.x', timeoutMs: 10_000 } });
  });

  test('every problem is reported at once', () => {
    const result = parseCanaryConfig(JSON.stringify({ region: '', timeoutMs: -1 }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      'region must be a non-empty string, got ""',
      'profileId must be a non-empty string, got nothing',
      'timeoutMs must be a positive integer, got -1',
    ]);
  });

  test('missing, not JSON, not an object', () => {
    expect(parseCanaryConfig(undefined)).toEqual({ ok: false, problems: [expect.stringContaining(`${CANARY_CONFIG_ENV} is not set`)] });
    expect(parseCanaryConfig('{')).toEqual({ ok: false, problems: [expect.stringContaining('not valid JSON')] });
    expect(parseCanaryConfig('[1]')).toEqual({ ok: false, problems: [`${CANARY_CONFIG_ENV} must be a JSON object`] });
  });
});
