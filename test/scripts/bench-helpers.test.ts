/**
 * The bench's pure helpers: percentiles, the poison mix, the rolling-fault schedule, the tags that tie
 * the fake's recorded calls to client requests, and the reading of error answers and SSE error events.
 */
import { errorName, sseErrorEvents } from '../../scripts/bench/load';
import { isPoison, phaseAt, rollingSchedule } from '../../scripts/bench/schedules';
import { median, percentile } from '../../scripts/bench/stats';
import { callsByTag, callsPerRequest, describeCallsPerRequest, requestTag, tagOf, taggedConverseBody, taggedInvokeBody } from '../../scripts/bench/tagged-requests';

const REGIONS = ['eu-west-1', 'eu-central-1', 'eu-west-3'];

describe('percentile and median', () => {
  const hundred = Array.from({ length: 100 }, (_, index) => index + 1);

  test('nearest rank from below: p50 of 1..100 is 51, p99 is 100, p0 the smallest, p100 clamped to the largest', () => {
    expect(percentile(hundred, 50)).toBe(51);
    expect(percentile(hundred, 99)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  test('no values: NaN, not undefined or a throw', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(median([])).toBeNaN();
  });

  test('median of an unsorted list, odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('isPoison', () => {
  test('2 % of 5000 requests are poison, evenly spread: every 50th', () => {
    const poison = Array.from({ length: 5000 }, (_, index) => index).filter((index) => isPoison(index, 0.02));
    expect(poison).toHaveLength(100);
    expect(poison.slice(0, 3)).toEqual([49, 99, 149]);
    expect(poison.slice(1).map((index, position) => index - poison[position])).toEqual(Array(99).fill(50));
  });

  test.each([[0.07, 70], [0.5, 500], [1, 1000]])('share %d of 1000 requests: %d poison', (share, expected) => {
    expect(Array.from({ length: 1000 }, (_, index) => index).filter((index) => isPoison(index, share))).toHaveLength(expected);
  });

  test('share 0: none', () => {
    expect(Array.from({ length: 1000 }, (_, index) => index).some((index) => isPoison(index, 0))).toBe(false);
  });
});

describe('rollingSchedule', () => {
  const schedule = rollingSchedule(REGIONS, 60, 5, ['unavailable', 'throttle']);

  test('phases cover the run back to back; the last is cut to fit', () => {
    expect(schedule).toHaveLength(12);
    expect(schedule[0].startSeconds).toBe(0);
    schedule.slice(1).forEach((phase, index) => expect(phase.startSeconds).toBe(schedule[index].endSeconds));
    expect(schedule[11].endSeconds).toBe(60);
    const cut = rollingSchedule(REGIONS, 12, 5, ['hang']);
    expect(cut.map((phase) => [phase.startSeconds, phase.endSeconds])).toEqual([[0, 5], [5, 10], [10, 12]]);
  });

  test('every phase has exactly one healthy region and faults every other one', () => {
    for (const phase of schedule) {
      expect(REGIONS).toContain(phase.healthy);
      expect(phase.faulted.map((entry) => entry.region).sort()).toEqual(REGIONS.filter((region) => region !== phase.healthy).sort());
    }
  });

  test('the primary fails first; the healthy region then moves through every region, so each fails and recovers in turn', () => {
    expect(schedule.slice(0, 4).map((phase) => phase.healthy)).toEqual(['eu-west-3', 'eu-west-1', 'eu-central-1', 'eu-west-3']);
    for (let index = 1; index < schedule.length; index++) {
      expect(schedule[index].healthy).not.toBe(schedule[index - 1].healthy);
    }
  });

  test('the faults alternate between the faulted regions and from phase to phase', () => {
    expect(schedule[0].faulted).toEqual([{ region: 'eu-west-1', fault: 'unavailable' }, { region: 'eu-central-1', fault: 'throttle' }]);
    expect(schedule[1].faulted).toEqual([{ region: 'eu-central-1', fault: 'throttle' }, { region: 'eu-west-3', fault: 'unavailable' }]);
    const kinds = new Set(schedule.flatMap((phase) => phase.faulted.map((entry) => `${entry.region} ${entry.fault}`)));
    expect(kinds.size).toBe(6);
  });

  test.each([
    [['eu-west-1'], 60, 5, ['unavailable']],
    [REGIONS, 0, 5, ['unavailable']],
    [REGIONS, 60, 0, ['unavailable']],
    [REGIONS, 60, 5, []],
  ] as const)('refuses %j regions, %d s, phases of %d s, faults %j', (regions, total, phase, faults) => {
    expect(() => rollingSchedule(regions, total, phase, faults)).toThrow(/a rolling schedule needs two regions or more/);
  });

  test('phaseAt: the phase in force at a time, the last one past the end, none before the start', () => {
    expect(phaseAt(schedule, 0)).toBe(schedule[0]);
    expect(phaseAt(schedule, 4.999)).toBe(schedule[0]);
    expect(phaseAt(schedule, 5)).toBe(schedule[1]);
    expect(phaseAt(schedule, 75)).toBe(schedule[11]);
    expect(phaseAt(schedule, -1)).toBeUndefined();
  });
});

describe('request tags', () => {
  test('found in Converse and InvokeModel bodies, as bytes or text; absent from an untagged body', () => {
    const tag = requestTag('with-hedging', 17);
    expect(tagOf(Buffer.from(taggedConverseBody(tag)))).toBe(tag);
    expect(tagOf(taggedInvokeBody(tag))).toBe(tag);
    expect(tagOf('{"messages":[{"role":"user","content":[{"text":"Hello"}]}]}')).toBeUndefined();
  });

  test('request 1 and request 17 are told apart', () => {
    expect(tagOf(taggedConverseBody(requestTag('converse', 1)))).toBe('bench-request-converse-1');
    expect(tagOf(taggedConverseBody(requestTag('converse', 17)))).toBe('bench-request-converse-17');
  });

  test('calls grouped per request, counted in a histogram: a hedged request made two calls, a refused one none', () => {
    const call = (index: number, region: string) => ({ region, body: Buffer.from(taggedConverseBody(requestTag('run', index))) });
    const calls = [call(0, 'eu-west-1'), call(1, 'eu-west-1'), call(1, 'eu-central-1'), call(2, 'eu-west-1'), { region: 'x', body: Buffer.from('{}') }];
    const grouped = callsByTag(calls);
    expect(grouped.get(requestTag('run', 1))?.map((entry) => entry.region)).toEqual(['eu-west-1', 'eu-central-1']);
    expect(grouped.get('untagged')).toHaveLength(1);
    const histogram = callsPerRequest([0, 1, 2, 3].map((index) => requestTag('run', index)), grouped);
    expect(histogram).toEqual({ 0: 1, 1: 2, 2: 1 });
    expect(describeCallsPerRequest(histogram)).toBe('0 calls x1, 1 call x2, 2 calls x1');
  });
});

describe('reading answers', () => {
  test('errorName: the error field of a JSON error, or what is wrong with the body', () => {
    expect(errorName('{"error":"InvalidRequest","message":"messages[0].content[0].text must be a string"}')).toBe('InvalidRequest');
    expect(errorName('{"message":"x"}')).toBe('no error field');
    expect(errorName('')).toBe('non-JSON');
  });

  test('sseErrorEvents: the error events of an SSE body, not its other events', () => {
    const body = 'event: messageStart\ndata: {"role":"assistant"}\n\n'
      + 'event: contentBlockDelta\ndata: {"delta":{"text":"error"}}\n\n'
      + 'event: error\ndata: {"error":"StreamInterrupted","message":"m","retryable":true}\n\n';
    expect(sseErrorEvents(body)).toEqual(['StreamInterrupted']);
    expect(sseErrorEvents('event: messageStop\ndata: {}\n\n')).toEqual([]);
  });
});
