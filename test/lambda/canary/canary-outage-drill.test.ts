/**
 * The canary during an outage drill, with the real SDK against the fake Bedrock on 127.0.0.1 and
 * Powertools metrics enabled: while the region's switch is on, every run reports the failure DNS must see
 * (CanarySuccess 0) without calling Bedrock; a switch that is off or unreadable leaves the run to Bedrock.
 * The switch is read through an injected reader.
 */
import { divertEmfLines, EmfRecord } from '../../../dev/emf-capture';
import { FakeBedrock, startFakeBedrock } from '../../../dev/fake-bedrock/fake-bedrock';
import { isolateEnvironment } from '../../../dev/fake-bedrock/offline-environment';
import { createCanaryRuntime, OUTAGE_DRILL_RUN, runCanary } from '../../../lambda/canary/canary-runtime';
import type { CanaryRuntimeConfig } from '../../../lib/shared/canary-config';

const CONFIG: CanaryRuntimeConfig = {
  region: 'eu-west-1',
  profileId: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
  timeoutMs: 2_000,
  outageDrill: { parameterName: '/cdk-bedrock-cross-region/test/eu-west-1/outage-drill', cacheSeconds: 10, maxDurationMinutes: 30 },
};

let restoreEnvironment: () => void;
let restoreStdout: () => void;
let fake: FakeBedrock;
const emfLines: string[] = [];

function canaryReading(value: () => string) {
  const runtime = createCanaryRuntime({ configJson: JSON.stringify(CONFIG), readOutageDrillParameter: async () => value() });
  const warnings: string[] = [];
  jest.spyOn(runtime.logger, 'warn').mockImplementation(((message: string) => {
    warnings.push(message);
  }) as never);
  return { runtime, warnings };
}

function onlyRecord(): EmfRecord {
  expect(emfLines).toHaveLength(1);
  return JSON.parse(emfLines[0]) as EmfRecord;
}

beforeAll(async () => {
  restoreEnvironment = isolateEnvironment();
  Object.assign(process.env, { POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_SERVICE_NAME: 'canary-drill-test' });
  delete process.env.POWERTOOLS_DEV;
  restoreStdout = divertEmfLines((line) => emfLines.push(line));
  fake = await startFakeBedrock();
  process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = fake.url;
});

afterEach(() => {
  emfLines.length = 0;
  fake.reset();
  jest.restoreAllMocks();
});

afterAll(async () => {
  await fake.close();
  restoreStdout();
  restoreEnvironment();
});

test('a drilled region: every run fails (CanarySuccess 0), says why, and Bedrock is not called', async () => {
  const until = new Date(Date.now() + 10 * 60_000).toISOString();
  const { runtime, warnings } = canaryReading(() => JSON.stringify({ failBedrock: true, until }));
  const report = await runCanary(runtime, {});
  runtime.clients.destroy();
  expect(report).toEqual({ region: 'eu-west-1', verdict: 'failed', errorName: OUTAGE_DRILL_RUN, success: 0, throttles: 0 });
  expect(fake.calls).toEqual([]);
  const record = onlyRecord();
  expect(record.Region).toBe('eu-west-1');
  expect(record.CanarySuccess).toBe(0);
  expect(warnings).toContain('Canary reports a failure: the outage drill is on in this region');
});

test.each([
  ['off', () => 'off'],
  ['unreadable', (): string => { throw new Error('not authorized to perform ssm:GetParameter'); }],
])('a switch that is %s: the run calls Bedrock and reports what it answered', async (_label, value) => {
  const { runtime } = canaryReading(value);
  const report = await runCanary(runtime, {});
  runtime.clients.destroy();
  expect(report).toMatchObject({ region: 'eu-west-1', verdict: 'answered', success: 1 });
  expect(fake.regionsCalled()).toEqual(['eu-west-1']);
  expect(onlyRecord().CanarySuccess).toBe(1);
});
