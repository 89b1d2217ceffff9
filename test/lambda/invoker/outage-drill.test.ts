/**
 * The outage drill through the real handler (the local server) and the real AWS SDK against the fake
 * Bedrock on 127.0.0.1, Powertools metrics enabled: while the region's switch is on, the invoker's own
 * region is never called, the next region serves, the breaker opens, and the metrics say so; a switch
 * that is off, expired, malformed or unreadable is no drill. The switch is read through an injected
 * reader here (outage-drill-ssm.test.ts reads it over SSM's wire protocol).
 */
import { converseBody, parseSse, send, testConfig } from './invoker-harness';
import { divertEmfLines, EmfRecord } from '../../../dev/emf-capture';
import { FakeBedrock, faults, startFakeBedrock } from '../../../dev/fake-bedrock/fake-bedrock';
import { isolateEnvironment } from '../../../dev/fake-bedrock/offline-environment';
import { LocalServer, startLocalServer } from '../../../lambda/invoker/host/local-server';
import { INVOKER_HEADERS, InvokerRuntimeConfig } from '../../../lib/shared/invoker-config';

const PARAMETER = '/cdk-bedrock-cross-region/test/eu-west-1/outage-drill';
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const drillUntil = (until: string) => JSON.stringify({ failBedrock: true, until });

let restoreEnvironment: () => void;
let restoreStdout: () => void;
let fake: FakeBedrock;
const emfLines: string[] = [];
/** What the switch holds now; a function that throws stands for a switch that cannot be read. */
let switchValue: () => string | undefined = () => 'off';
const reads: Array<[string, number]> = [];
let server: LocalServer | undefined;

async function serve(overrides: Partial<InvokerRuntimeConfig> = {}): Promise<LocalServer> {
  server = await startLocalServer({
    port: 0,
    endpoint: fake.url,
    config: testConfig({ outageDrill: { parameterName: PARAMETER, cacheSeconds: 10, maxDurationMinutes: 30 }, ...overrides }),
    runtimeOptions: {
      readOutageDrillParameter: async (name, maxAgeSeconds) => {
        reads.push([name, maxAgeSeconds]);
        return switchValue();
      },
    },
  });
  return server;
}

/** The records published so far (waits, bounded, until `count` arrived), by region. */
async function records(count: number): Promise<Map<string, Record<string, unknown>>> {
  const deadline = Date.now() + 3_000;
  while (emfLines.length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const byRegion = new Map<string, Record<string, unknown>>();
  for (const record of emfLines.splice(0).map((line) => JSON.parse(line) as EmfRecord)) {
    const metrics = Object.fromEntries(record._aws.CloudWatchMetrics[0].Metrics.map((m) => [m.Name, record[m.Name]]));
    const region = record.Region as string;
    byRegion.set(region, { ...byRegion.get(region), ...metrics });
  }
  return byRegion;
}

beforeAll(async () => {
  restoreEnvironment = isolateEnvironment();
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  delete process.env.POWERTOOLS_DEV;
  restoreStdout = divertEmfLines((line) => emfLines.push(line));
  fake = await startFakeBedrock();
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  fake.reset();
  switchValue = () => 'off';
  reads.length = 0;
  emfLines.length = 0;
});

afterAll(async () => {
  await fake.close();
  restoreStdout();
  restoreEnvironment();
});

describe('while the switch is on', () => {
  beforeEach(() => {
    switchValue = () => drillUntil(inMinutes(10));
  });

  test('/converse: the own region is not called, the next region serves, and the metrics show the drill and the failover', async () => {
    const target = await serve();
    const answer = await send(target.url, 'POST', '/converse', converseBody());
    expect(answer.status).toBe(200);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
    expect(answer.headers[INVOKER_HEADERS.attempts]).toBe('2');
    expect(fake.regionsCalled()).toEqual(['eu-central-1']);
    expect(reads).toEqual([[PARAMETER, 10]]);
    const published = await records(2);
    expect(published.get('eu-west-1')).toEqual({ DrillActive: 1, Attempts: 1, Failovers: 1, Errors: 1 });
    expect(published.get('eu-central-1')).toMatchObject({ Attempts: 1, RequestsServed: 1, ServedBySecondary: 1 });
  });

  test('/converse-stream and /invoke fail over the same way', async () => {
    const target = await serve();
    const stream = await send(target.url, 'POST', '/converse-stream', converseBody());
    expect(stream.status).toBe(200);
    expect(stream.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
    expect(parseSse(stream.text).map((event) => event.event)).toContain('messageStop');
    const invoke = await send(target.url, 'POST', `/invoke?modelId=${encodeURIComponent(testConfig().profileIds[0])}`, JSON.stringify({ prompt: 'hi' }));
    expect(invoke.status).toBe(200);
    expect(invoke.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
    expect(fake.regionsCalled()).toEqual(['eu-central-1', 'eu-central-1']);
  });

  test('the region\'s circuit opens as in a real outage: after the threshold, requests go straight to the fallback', async () => {
    const target = await serve({ breakerFailureThreshold: 2 });
    const attempts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await send(target.url, 'POST', '/converse', converseBody());
      expect(answer.status).toBe(200);
      attempts.push(answer.headers[INVOKER_HEADERS.attempts] as string);
    }
    expect(attempts).toEqual(['2', '2', '1', '1']);
    const health = await send(target.url, 'GET', '/health');
    expect(health.json.circuits.find((c: { region: string }) => c.region === 'eu-west-1').state).toBe('open');
  });

  test('other regions are never touched: when they fail too, the client gets the all-regions answer, the drilled region named as unavailable', async () => {
    fake.inject('eu-central-1', faults.unavailable()).inject('eu-west-3', faults.internal());
    const target = await serve();
    const answer = await send(target.url, 'POST', '/converse', converseBody());
    expect(answer.status).toBe(503);
    expect(answer.json.error).toBe('AllRegionsFailed');
    expect(answer.json.attempts.slice(0, 3)).toEqual([
      { region: 'eu-west-1', error: 'ServiceUnavailableException' },
      { region: 'eu-central-1', error: 'ServiceUnavailableException' },
      { region: 'eu-west-3', error: 'InternalServerException' },
    ]);
    expect(fake.regionsCalled()).not.toContain('eu-west-1');
  });
});

describe('no drill', () => {
  test.each([
    ['off', () => 'off'],
    ['expired', () => drillUntil(inMinutes(-1))],
    ['malformed', () => '{"failBedrock":true,"until":"tomorrow"}'],
    ['past the longest drill', () => drillUntil(inMinutes(45))],
    ['unreadable', (): string => { throw new Error('AccessDeniedException: not authorized to perform ssm:GetParameter'); }],
  ])('a switch that is %s: the own region serves, and no DrillActive is published', async (_label, value) => {
    switchValue = value;
    const target = await serve();
    const answer = await send(target.url, 'POST', '/converse', converseBody());
    expect(answer.status).toBe(200);
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-west-1');
    expect(fake.regionsCalled()).toEqual(['eu-west-1']);
    const published = await records(1);
    expect([...published.keys()]).toEqual(['eu-west-1']);
    expect(published.get('eu-west-1')).not.toHaveProperty('DrillActive');
  });

  test('an invoker without a switch never reads one', async () => {
    const target = await serve({ outageDrill: undefined });
    expect((await send(target.url, 'POST', '/converse', converseBody())).headers[INVOKER_HEADERS.servedRegion]).toBe('eu-west-1');
    expect(reads).toEqual([]);
  });

  test('a switch configuration the handler cannot use leaves the drill off, not the invoker broken', async () => {
    switchValue = () => drillUntil(inMinutes(10));
    const target = await serve({ outageDrill: { parameterName: 'not-a-path', cacheSeconds: 0, maxDurationMinutes: 30 } });
    expect(target.runtime.configResult.ok).toBe(true);
    const answer = await send(target.url, 'POST', '/converse', converseBody());
    expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-west-1');
    expect(reads).toEqual([]);
  });

  test('turning the switch off ends the drill at the next read', async () => {
    switchValue = () => drillUntil(inMinutes(10));
    const target = await serve();
    expect((await send(target.url, 'POST', '/converse', converseBody())).headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
    switchValue = () => 'off';
    expect((await send(target.url, 'POST', '/converse', converseBody())).headers[INVOKER_HEADERS.servedRegion]).toBe('eu-west-1');
  });
});
