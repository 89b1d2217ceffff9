/**
 * Hedged streaming requests: the policy on its own, and the handler through the local server against
 * the fake Bedrock on 127.0.0.1 with a region slow to its first token.
 */
import { converseBody, parseSse, Rig, send, useSharedFakeBedrock } from './invoker-harness';
import { faults } from '../../../dev/fake-bedrock/fake-bedrock';
import { HEDGE_BURST, HedgePolicy } from '../../../lambda/invoker/resilience/hedging';
import { INVOKER_HEADERS } from '../../../lib/shared/invoker-config';

describe('HedgePolicy', () => {
  test('the delay is the floor until enough first tokens are known, then the fastest region\'s p95', () => {
    const policy = new HedgePolicy({ minDelayMs: 100, maxShare: 0.1 });
    expect(policy.delay()).toBe(100);
    for (let i = 1; i <= 40; i++) {
      policy.recordFirstToken('eu-west-1', i * 10); // 10 ms … 400 ms
    }
    expect(policy.delay()).toBe(380);
    // A region that has gone slow (2 s) does not raise the delay while another answers in 150 ms.
    for (let i = 0; i < 40; i++) {
      policy.recordFirstToken('eu-west-1', 2_000);
      policy.recordFirstToken('eu-central-1', 150);
    }
    expect(policy.delay()).toBe(150);
    const fast = new HedgePolicy({ minDelayMs: 100, maxShare: 0.1 });
    for (let i = 0; i < 40; i++) {
      fast.recordFirstToken('eu-west-1', 5);
    }
    expect(fast.delay()).toBe(100); // never below the floor
  });

  test('the budget caps hedges at maxShare of requests, after a small burst', () => {
    const policy = new HedgePolicy({ minDelayMs: 100, maxShare: 0.1 });
    let hedges = 0;
    for (let request = 0; request < 1_000; request++) {
      policy.noteRequest();
      if (policy.tryTake()) {
        hedges++;
      }
    }
    expect(hedges).toBeGreaterThanOrEqual(100);
    expect(hedges).toBeLessThanOrEqual(100 + HEDGE_BURST);
  });
});

describe('hedged requests', () => {
  const shared = useSharedFakeBedrock();
  let rig: Rig | undefined;

  async function streamThrough(hedging: { minDelayMs: number; maxShare: number } | undefined) {
    rig = await shared.rigWith({ firstTokenTimeoutMs: 3_000, attemptTimeoutMs: 3_000, ...(hedging === undefined ? {} : { hedging }) });
    const started = Date.now();
    const answer = await send(rig.server.url, 'POST', '/converse-stream', converseBody());
    return { answer, elapsedMs: Date.now() - started };
  }

  test('a primary slow to its first token is hedged: the next region serves, the primary is aborted and not blamed', async () => {
    shared.fake.inject('eu-west-1', faults.slowFirstEvent(2_000), { operation: 'converse-stream' });
    const { answer, elapsedMs } = await streamThrough({ minDelayMs: 150, maxShare: 1 });
    expect(answer.status).toBe(200);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
    expect(answer.headers[INVOKER_HEADERS.attempts]).toBe('2');
    expect(parseSse(answer.text).map((event) => event.event)).toContain('messageStop');
    expect(elapsedMs).toBeLessThan(1_500);
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1']);
    const health = await send(rig!.server.url, 'GET', '/health');
    expect(health.json.circuits.map((circuit: { consecutiveFailures: number }) => circuit.consecutiveFailures)).toEqual([0, 0, 0]);
  });

  test('/converse (a stream underneath) is hedged the same way', async () => {
    shared.fake.inject('eu-west-1', faults.slowFirstEvent(2_000), { operation: 'converse-stream' });
    rig = await shared.rigWith({ firstTokenTimeoutMs: 3_000, attemptTimeoutMs: 3_000, hedging: { minDelayMs: 150, maxShare: 1 } });
    const started = Date.now();
    const answer = await send(rig.server.url, 'POST', '/converse', converseBody());
    expect(answer.status).toBe(200);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
    expect(answer.json.output.message.role).toBe('assistant');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  test('without hedging the same request waits for the slow primary', async () => {
    shared.fake.inject('eu-west-1', faults.slowFirstEvent(2_000), { operation: 'converse-stream' });
    const { answer, elapsedMs } = await streamThrough(undefined);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-west-1');
    expect(elapsedMs).toBeGreaterThanOrEqual(1_900);
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1']);
  });

  test('when the primary\'s first token still comes first, it serves and the hedge is aborted without blame', async () => {
    shared.fake.inject('eu-west-1', faults.slowFirstEvent(400), { operation: 'converse-stream' });
    shared.fake.inject('eu-central-1', faults.slowFirstEvent(1_500), { operation: 'converse-stream' });
    const { answer } = await streamThrough({ minDelayMs: 100, maxShare: 1 });
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-west-1');
    expect(parseSse(answer.text).map((event) => event.event)).toContain('messageStop');
    expect(shared.fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1']);
    const health = await send(rig!.server.url, 'GET', '/health');
    expect(health.json.circuits.map((circuit: { state: string }) => circuit.state)).toEqual(['closed', 'closed', 'closed']);
  });

  test('a spent budget means no hedge', async () => {
    shared.fake.inject('eu-west-1', faults.slowFirstEvent(300), { operation: 'converse-stream' });
    rig = await shared.rigWith({ firstTokenTimeoutMs: 3_000, attemptTimeoutMs: 3_000, hedging: { minDelayMs: 50, maxShare: 0.01 } });
    const requests = HEDGE_BURST + 3;
    const servedBy: string[] = [];
    for (let request = 0; request < requests; request++) {
      servedBy.push(String((await send(rig.server.url, 'POST', '/converse-stream', converseBody())).headers[INVOKER_HEADERS.servedRegion]));
    }
    // The burst allows HEDGE_BURST hedges; requests × 0.01 earns no more.
    expect(servedBy.filter((region) => region === 'eu-central-1')).toHaveLength(HEDGE_BURST);
    expect(servedBy.slice(HEDGE_BURST)).toEqual(['eu-west-1', 'eu-west-1', 'eu-west-1']);
  });
});
