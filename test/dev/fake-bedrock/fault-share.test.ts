/** The fake Bedrock's fault rules that apply to a share of the calls (the twin's "throttle 40%"). */
import { FakeBedrock, faults, startFakeBedrock } from '../../../dev/fake-bedrock/fake-bedrock';
import { seededRandom } from '../../../dev/twin/client-population';

let fake: FakeBedrock;
beforeAll(async () => {
  fake = await startFakeBedrock();
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

/** A Converse call to `region` as the SDK signs it (the fake reads the region from the credential scope). */
async function converse(region: string): Promise<number> {
  const response = await fetch(`${fake.url}/model/m/converse`, {
    method: 'POST',
    headers: { 'authorization': `AWS4-HMAC-SHA256 Credential=AKID/20260101/${region}/bedrock/aws4_request`, 'content-type': 'application/json' },
    body: '{}',
  });
  await response.arrayBuffer();
  return response.status;
}

test('a rule with a share applies to about that share of the calls; the others go on to the next rule', async () => {
  fake.inject('eu-west-1', faults.throttle(), { share: 0.4, random: seededRandom(7) });
  fake.inject('eu-west-1', faults.unavailable());
  const statuses: number[] = [];
  for (let i = 0; i < 200; i++) {
    statuses.push(await converse('eu-west-1'));
  }
  const throttled = statuses.filter(status => status === 429).length;
  expect(throttled).toBeGreaterThan(60);
  expect(throttled).toBeLessThan(100);
  expect(statuses.filter(status => status === 503).length).toBe(200 - throttled);
});

test('a rule without a share applies to every matching call, and only in its region', async () => {
  fake.inject('eu-west-1', faults.throttle());
  expect(await converse('eu-west-1')).toBe(429);
  expect(await converse('eu-central-1')).toBe(200);
});
