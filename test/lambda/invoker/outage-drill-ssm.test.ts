/**
 * The outage-drill switch read the way the deployed handler reads it: Powertools Parameters and the real
 * AWS SDK SSM client (`readOutageDrillParameter`), against a fake SSM on 127.0.0.1 that speaks SSM's JSON
 * protocol, through the real handler and the fake Bedrock. Shows the cache: one GetParameter per cache
 * period, values and failures alike.
 */
import { converseBody, send, testConfig } from './invoker-harness';
import { FakeBedrock, startFakeBedrock } from '../../../dev/fake-bedrock/fake-bedrock';
import { isolateEnvironment } from '../../../dev/fake-bedrock/offline-environment';
import { LocalServer, startLocalServer } from '../../../lambda/invoker/host/local-server';
import { readOutageDrillParameter } from '../../../lambda/invoker/resilience/outage-drill-parameter';
import { INVOKER_HEADERS } from '../../../lib/shared/invoker-config';
import { FakeSsm, startFakeSsm } from '../../support/fake-ssm';

const PARAMETER = '/cdk-bedrock-cross-region/test/eu-west-1/outage-drill';
const CACHE_SECONDS = 1;

let restoreEnvironment: () => void;
let fake: FakeBedrock;
let ssm: FakeSsm;
let server: LocalServer;

const servedRegion = async () => (await send(server.url, 'POST', '/converse', converseBody())).headers[INVOKER_HEADERS.servedRegion];
/** Waits past the cache period (bounded: one period and a margin). */
const nextCachePeriod = () => new Promise((resolve) => setTimeout(resolve, CACHE_SECONDS * 1000 + 200));

beforeAll(async () => {
  restoreEnvironment = isolateEnvironment();
  fake = await startFakeBedrock();
  ssm = await startFakeSsm();
  process.env.AWS_ENDPOINT_URL_SSM = ssm.url;
  server = await startLocalServer({
    port: 0,
    endpoint: fake.url,
    config: testConfig({ outageDrill: { parameterName: PARAMETER, cacheSeconds: CACHE_SECONDS, maxDurationMinutes: 30 } }),
    runtimeOptions: { readOutageDrillParameter },
  });
});

afterAll(async () => {
  await server.close();
  await ssm.close();
  await fake.close();
  restoreEnvironment();
});

test('off, then on, then unreadable: the drill follows the parameter, read once per cache period', async () => {
  ssm.setValue(PARAMETER, 'off');
  expect([await servedRegion(), await servedRegion(), await servedRegion()]).toEqual(['eu-west-1', 'eu-west-1', 'eu-west-1']);
  expect(ssm.requested).toEqual([PARAMETER]);

  ssm.setValue(PARAMETER, JSON.stringify({ failBedrock: true, until: new Date(Date.now() + 10 * 60_000).toISOString() }));
  // Still the cached `off` within the period: the drill reaches a container at most one cache period late.
  expect(await servedRegion()).toBe('eu-west-1');
  await nextCachePeriod();
  expect([await servedRegion(), await servedRegion()]).toEqual(['eu-central-1', 'eu-central-1']);
  expect(ssm.requested).toHaveLength(2);

  ssm.denyAccess(true);
  await nextCachePeriod();
  // Unreadable is no drill; the failure is trusted for the period too, so SSM is not asked on every request.
  expect([await servedRegion(), await servedRegion()]).toEqual(['eu-west-1', 'eu-west-1']);
  expect(ssm.requested).toHaveLength(3);
});
