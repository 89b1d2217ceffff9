/**
 * A failure is never amplified: while one region can serve, no client sees an error, and nothing one
 * request does opens circuits for everyone else. Through the real handler (local server → core) and
 * the real AWS SDK against the fake Bedrock on 127.0.0.1; every load loop is bounded in count and time.
 */
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { converseBody, parseSse, PROFILE, Rig, send, useSharedFakeBedrock } from './invoker-harness';
import { faults } from '../../../dev/fake-bedrock/fake-bedrock';
import { BedrockClients } from '../../../lambda/invoker/bedrock-clients';
import { AttemptControl } from '../../../lambda/invoker/resilience/attempt-control';
import { INVOKER_HEADERS } from '../../../lib/shared/invoker-config';

const shared = useSharedFakeBedrock();
const { rigWith } = shared;

async function circuitStates(target: Rig): Promise<string[]> {
  const health = await send(target.server.url, 'GET', '/health');
  return health.json.circuits.map((circuit: { state: string }) => circuit.state);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('only a region\'s own answers count against it', () => {
  test('a request the SDK cannot even build is marked not sent, and nothing reaches any region', async () => {
    const clients = new BedrockClients({ connectionTimeoutMs: 1_000 });
    process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = shared.fake.url;
    try {
      const poisoned = new AttemptControl();
      const unserialisable = { modelId: PROFILE, messages: [{ role: 'user', content: [{ $unknown: [] }] }] };
      await expect(clients.send('eu-west-1', new ConverseCommand(unserialisable as never), poisoned)).rejects.toThrow();
      expect(poisoned.stage).toBe('in-sdk');
      expect(shared.fake.calls).toHaveLength(0);

      const valid = new AttemptControl();
      await clients.send('eu-west-1', new ConverseCommand({ modelId: PROFILE, messages: [{ role: 'user', content: [{ text: 'hi' }] }] }), valid);
      expect(valid.stage).toBe('sent');
      expect(shared.fake.regionsCalled()).toEqual(['eu-west-1']);
    } finally {
      clients.destroy();
    }
  });

  test('throttles are a quota signal: three per region never open a circuit, the next request is served at once', async () => {
    const target = await rigWith({ breakerFailureThreshold: 3, breakerCooldownMs: 30_000 });
    for (const region of ['eu-west-1', 'eu-central-1', 'eu-west-3']) {
      shared.fake.inject(region, faults.throttle(), { times: 3 });
    }
    // Spend the throttles (bounded: at most six requests, six attempts each).
    for (let request = 0; request < 6 && shared.fake.calls.filter((call) => call.fault !== undefined).length < 9; request++) {
      const answer = await send(target.server.url, 'POST', '/converse', converseBody());
      expect([200, 429]).toContain(answer.status);
    }
    expect(shared.fake.calls.filter((call) => call.fault !== undefined)).toHaveLength(9);
    // Before: every circuit open for 30 s and 503 "circuit open" with zero attempts.
    const answer = await send(target.server.url, 'POST', '/converse', converseBody());
    expect(answer.status).toBe(200);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-west-1');
    expect(await circuitStates(target)).toEqual(['closed', 'closed', 'closed']);
  });
});

describe('mid-stream failures count', () => {
  test('a region that fails every stream after its first events opens its circuit, even one request at a time', async () => {
    const target = await rigWith({ breakerFailureThreshold: 3, breakerCooldownMs: 30_000 });
    shared.fake.inject('eu-west-1', faults.streamException(2, 'internalServerException', 'The server encountered an internal error.'), { operation: 'converse-stream' });
    for (let request = 0; request < 3; request++) {
      const answer = await send(target.server.url, 'POST', '/converse-stream', converseBody());
      expect(answer.status).toBe(200);
      expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-west-1');
      expect(parseSse(answer.text).at(-1)).toMatchObject({ event: 'error' });
    }
    // Before: the first event of each stream reset the count, so 10 of 10 streams were cut short.
    expect((await circuitStates(target))[0]).toBe('open');
    const next = await send(target.server.url, 'POST', '/converse-stream', converseBody());
    expect(next.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
    expect(parseSse(next.text).map((event) => event.event)).toContain('messageStop');
  });
});

describe('a long answer is not a failure', () => {
  test('/invoke is bounded by the request deadline alone: a region answering after the attempt timeout still serves, once', async () => {
    const target = await rigWith({ attemptTimeoutMs: 300, deadlineMs: 4_000 });
    shared.fake.inject('eu-west-1', faults.slow(900), { operation: 'invoke' });
    const answer = await send(target.server.url, 'POST', '/invoke', '{"anthropic_version":"bedrock-2023-05-31","max_tokens":5,"messages":[]}');
    expect(answer.status).toBe(200);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-west-1');
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1']);
    expect(await circuitStates(target)).toEqual(['closed', 'closed', 'closed']);
  });
});

describe('open circuits never refuse a healthy region', () => {
  test('a fault rolling from region to region (one always healthy): no client sees an error', async () => {
    const target = await rigWith({ breakerFailureThreshold: 2, breakerCooldownMs: 30_000 });
    const regions = ['eu-west-1', 'eu-central-1', 'eu-west-3'];
    const statuses: number[] = [];
    let stop = false;
    const clients = Array.from({ length: 8 }, async () => {
      for (let request = 0; request < 200 && !stop; request++) {
        statuses.push((await send(target.server.url, 'POST', '/converse', converseBody())).status);
      }
    });
    // Two rounds over the three regions, 250 ms each: after the first round every circuit has opened once.
    for (let phase = 0; phase < 6; phase++) {
      shared.fake.reset();
      shared.fake.inject(regions[phase % 3], faults.unavailable());
      await sleep(250);
    }
    stop = true;
    await Promise.all(clients);
    expect(statuses.length).toBeGreaterThan(20);
    // Before: once every circuit had opened, 503 AllRegionsUnavailable while two regions were healthy.
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });
});
