/**
 * The twin's clients: how they spread over regions, the seeded random numbers they draw, and the one
 * request each sends, against tiny servers on 127.0.0.1.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientPopulation, ClientOutcome, isClientError, seededRandom, sendConverse } from '../../../dev/twin/client-population';
import type { RecordModel } from '../../../dev/twin/deployment-model';
import { SimulatedDns } from '../../../dev/twin/route53-answers';
import { INVOKER_HEADERS } from '../../../lib/shared/invoker-config';

/** How many of `clients` are near each region. */
const countsOf = (clients: ReadonlyArray<{ region: string }>) =>
  clients.reduce<Record<string, number>>((counts, client) => ({ ...counts, [client.region]: (counts[client.region] ?? 0) + 1 }), {});

describe('clientPopulation', () => {
  test('spreads the clients by share', () => {
    const clients = clientPopulation(50, { 'eu-west-1': 0.6, 'eu-central-1': 0.4 }, undefined, seededRandom(1));
    expect(countsOf(clients)).toEqual({ 'eu-west-1': 30, 'eu-central-1': 20 });
  });

  test('normalises shares that do not sum to 1', () => {
    expect(countsOf(clientPopulation(9, { a: 2, b: 1 }, undefined, seededRandom(1)))).toEqual({ a: 6, b: 3 });
  });

  test('gives a region with share 0 no client', () => {
    const clients = clientPopulation(10, { 'eu-west-1': 1, 'eu-west-3': 0, 'eu-central-1': 1 }, undefined, seededRandom(1));
    expect(countsOf(clients)).toEqual({ 'eu-west-1': 5, 'eu-central-1': 5 });
  });

  test('makes exactly `count` clients, each region within one of its exact share, for any shares', () => {
    const random = seededRandom(42);
    for (let round = 0; round < 300; round++) {
      const count = 1 + Math.floor(random() * 60);
      const regions = 1 + Math.floor(random() * 5);
      const shares = Object.fromEntries(Array.from({ length: regions }, (_, i) => [`r${i}`, random() < 0.2 ? 0 : random()]));
      const total = Object.values(shares).reduce((sum, share) => sum + share, 0);
      if (total === 0) {
        continue;
      }
      const counts = countsOf(clientPopulation(count, shares, undefined, random));
      expect(Object.values(counts).reduce((sum, n) => sum + n, 0)).toBe(count);
      for (const [region, share] of Object.entries(shares)) {
        expect(Math.abs((counts[region] ?? 0) - (count * share) / total)).toBeLessThanOrEqual(1);
      }
    }
  });

  test('makes exactly `count` clients when every share rounds up (2 clients, 4 equal shares)', () => {
    expect(clientPopulation(2, { a: 1, b: 1, c: 1, d: 1 }, undefined, seededRandom(1))).toHaveLength(2);
  });

  test('with no share above 0, it is refused', () => {
    expect(() => clientPopulation(10, { a: 0, b: 0 }, undefined, seededRandom(1))).toThrow('clientRegions must give at least one region a share above 0');
    expect(() => clientPopulation(10, {}, undefined, seededRandom(1))).toThrow(/at least one region/);
  });

  test('without a hosted zone the clients have no resolver; with one, each its own, from where it is', () => {
    expect(clientPopulation(3, { 'us-east-1': 1 }, undefined, seededRandom(1)).map(c => c.resolver)).toEqual([undefined, undefined, undefined]);
    const alias = (region: string): RecordModel => ({ id: `A/${region}`, name: `${region}.shared.chat.example.com`, type: 'A', target: { kind: 'region', region } });
    const latency = (region: string): RecordModel => ({
      id: `L/${region}`,
      name: 'chat.example.com',
      type: 'CNAME',
      setIdentifier: region,
      latencyRegion: region,
      ttlSeconds: 30,
      target: { kind: 'name', name: `${region}.shared.chat.example.com` },
    });
    const dns = new SimulatedDns([alias('us-east-1'), alias('us-west-2'), latency('us-east-1'), latency('us-west-2')], () => true);
    const clients = clientPopulation(4, { 'us-east-1': 0.5, 'us-west-2': 0.5 }, dns, seededRandom(1));
    expect(new Set(clients.map(c => c.resolver)).size).toBe(4);
    expect(clients.map(c => [c.region, c.resolver!.resolve('chat.example.com', 0).region])).toEqual([
      ['us-east-1', 'us-east-1'], ['us-east-1', 'us-east-1'], ['us-west-2', 'us-west-2'], ['us-west-2', 'us-west-2'],
    ]);
  });
});

describe('seededRandom', () => {
  test('the same seed draws the same numbers; another seed others', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 20 }, () => random());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(8)).not.toEqual(draw(7));
  });

  test('draws in [0, 1), spread over the interval', () => {
    const random = seededRandom(123);
    const values = Array.from({ length: 10_000 }, () => random());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const tenths = new Array<number>(10).fill(0);
    for (const value of values) {
      tenths[Math.floor(value * 10)]++;
    }
    for (const share of tenths) {
      expect(share).toBeGreaterThan(800);
      expect(share).toBeLessThan(1200);
    }
  });
});

test.each([
  [200, false], [204, false], [299, false], [0, true], [199, true], [301, true], [400, true], [429, true], [503, true],
])('isClientError: status %i → %p', (status, error) => {
  expect(isClientError({ status, attempts: 1 })).toBe(error);
});

describe('sendConverse', () => {
  const servers: http.Server[] = [];
  const agent = new http.Agent({ keepAlive: false });
  afterAll(() => agent.destroy());
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    }
  });

  /** Serves `handler` on 127.0.0.1; its base URL. */
  async function serve(handler: http.RequestListener): Promise<string> {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  test('POSTs a Converse body to /converse and reads the status, served region and attempts', async () => {
    const seen: Array<{ method?: string; url?: string; type?: string; body: string }> = [];
    const url = await serve((request, response) => {
      let body = '';
      request.on('data', chunk => { body += chunk; });
      request.on('end', () => {
        seen.push({ method: request.method, url: request.url, type: request.headers['content-type'], body });
        response.writeHead(200, { [INVOKER_HEADERS.servedRegion]: 'eu-central-1', [INVOKER_HEADERS.attempts]: '2' });
        response.end('{}');
      });
    });
    await expect(sendConverse(url, agent, 2_000)).resolves.toEqual<ClientOutcome>({ status: 200, servedRegion: 'eu-central-1', attempts: 2 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/converse', type: 'application/json' });
    expect(JSON.parse(seen[0].body)).toEqual({ messages: [{ role: 'user', content: [{ text: expect.any(String) }] }] });
  });

  test('an answer without the invoker\'s headers has no served region and 0 attempts', async () => {
    const url = await serve((_, response) => {
      response.writeHead(503);
      response.end();
    });
    await expect(sendConverse(url, agent, 2_000)).resolves.toEqual({ status: 503, servedRegion: undefined, attempts: 0 });
  });

  test('a server that never answers is status 0 once the timeout passes', async () => {
    const url = await serve(() => undefined);
    const started = performance.now();
    await expect(sendConverse(url, agent, 150)).resolves.toEqual({ status: 0, attempts: 0 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  test('a refused connection is status 0', async () => {
    const url = await serve(() => undefined);
    const closed = servers.pop()!;
    await new Promise(resolve => closed.close(resolve));
    await expect(sendConverse(url, agent, 2_000)).resolves.toEqual({ status: 0, attempts: 0 });
  });
});
