/**
 * The canary's entry point (`lambda/canary/index.ts`), run with the environment the construct deploys,
 * against the fake Bedrock on 127.0.0.1 with the real AWS SDK, Powertools metrics ENABLED: what each
 * kind of region behaviour publishes, read from the embedded-metric-format lines, and checked against
 * the alarm the region's Route 53 health check follows.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { ScheduledEvent } from 'aws-lambda';
import { divertEmfLines, EmfRecord } from '../../../dev/emf-capture';
import { FakeBedrock, faults, startFakeBedrock } from '../../../dev/fake-bedrock/fake-bedrock';
import { isolateEnvironment } from '../../../dev/fake-bedrock/offline-environment';
import type { CanaryReport } from '../../../lambda/canary/canary-runtime';
import { CrossRegionInferenceApi, CrossRegionInferenceProfile, RoutingPattern } from '../../../lib';
import { CANARY_CONFIG_ENV } from '../../../lib/shared/canary-config';

const REGION = 'eu-west-1';
const TIMEOUT_MS = 500;

let restoreEnvironment: () => void;
let fake: FakeBedrock;
let handler: (event: ScheduledEvent) => Promise<CanaryReport>;
let restoreStdout: (() => void) | undefined;
let alarm: { Namespace: string; MetricName: string; Dimensions: Array<{ Name: string; Value: string }> };
let profileId: string;
const emfLines: string[] = [];

/** A scheduled event as EventBridge sends it, ticked `agoMs` before now (whole seconds, as EventBridge writes it). */
function scheduledEvent(agoMs = 2_000): ScheduledEvent {
  const time = new Date(Math.floor((Date.now() - agoMs) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return {
    'version': '0',
    'id': 'c0ffee00-0000-0000-0000-000000000000',
    'detail-type': 'Scheduled Event',
    'source': 'aws.events',
    'account': '111111111111',
    time,
    'region': REGION,
    'resources': [],
    'detail': {},
  };
}

/** The one record the run published. */
function onlyRecord(): EmfRecord {
  expect(emfLines).toHaveLength(1);
  return JSON.parse(emfLines[0]) as EmfRecord;
}

function metricsOf(record: EmfRecord): Record<string, [string, unknown]> {
  return Object.fromEntries(record._aws.CloudWatchMetrics[0].Metrics.map(m => [m.Name, [m.Unit, record[m.Name]]]));
}

beforeAll(async () => {
  restoreEnvironment = isolateEnvironment();
  // The environment the construct gives the deployed canary in eu-west-1, and the alarm it feeds.
  const app = new App();
  const api = new CrossRegionInferenceApi(app, 'Bedrock', {
    account: '111111111111',
    domain: { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
    endpoints: [{
      name: 'chat',
      profiles: [CrossRegionInferenceProfile.fromId('eu.anthropic.claude-sonnet-4-5-20250929-v1:0')],
      routing: RoutingPattern.activePassive({ primary: REGION, secondaries: ['eu-central-1'] }),
    }],
  });
  const regional = Template.fromStack(api.regionalStack(REGION));
  const variables = Object.values<any>(regional.findResources('AWS::Lambda::Function'))
    .map(f => f.Properties.Environment?.Variables as Record<string, string> | undefined)
    .find(v => v?.[CANARY_CONFIG_ENV] !== undefined)!;
  alarm = Object.values<any>(regional.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties)
    .find(a => a.AlarmName === 'Bedrock-chat-eu-west-1-bedrock-canary');
  const config = JSON.parse(variables[CANARY_CONFIG_ENV]);
  profileId = config.profileId;
  expect(config.region).toBe(REGION);

  fake = await startFakeBedrock();
  Object.assign(process.env, {
    ...variables,
    // A short timeout so that the hang below ends quickly; everything else as deployed.
    [CANARY_CONFIG_ENV]: JSON.stringify({ ...config, timeoutMs: TIMEOUT_MS }),
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
    POWERTOOLS_METRICS_DISABLED: 'false',
  });
  delete process.env.POWERTOOLS_DEV;
  restoreStdout = divertEmfLines((line) => emfLines.push(line));
  // The entry point reads its environment when it loads, as in Lambda's init phase: load it only now.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  handler = (require('../../../lambda/canary/index') as typeof import('../../../lambda/canary/index')).handler;
});

afterEach(() => {
  fake.reset();
  emfLines.length = 0;
});

afterAll(async () => {
  await fake?.close();
  restoreStdout?.();
  restoreEnvironment();
});

test('healthy: CanarySuccess 1 and a latency, in the exact series the canary alarm reads, dated by the tick', async () => {
  const event = scheduledEvent();
  const report = await handler(event);
  expect(report).toMatchObject({ region: REGION, verdict: 'answered', success: 1, throttles: 0 });

  // One Converse call, to this region only, through the profile, one output token.
  expect(fake.calls.map(c => [c.region, c.operation, c.modelId])).toEqual([[REGION, 'converse', profileId]]);
  expect(JSON.parse(fake.calls[0].body.toString('utf8')).inferenceConfig).toEqual({ maxTokens: 1 });

  const record = onlyRecord();
  const directive = record._aws.CloudWatchMetrics[0];
  expect(directive.Namespace).toBe(alarm.Namespace);
  expect(directive.Dimensions).toEqual([['service', 'Region']]);
  for (const { Name, Value } of alarm.Dimensions) {
    expect(record[Name]).toBe(Value);
  }
  expect(record._aws.Timestamp).toBe(Date.parse(event.time));
  const metrics = metricsOf(record);
  expect(Object.keys(metrics).sort()).toEqual(['CanaryLatency', 'CanarySuccess', 'CanaryThrottles']);
  expect(metrics[alarm.MetricName]).toEqual(['Count', 1]);
  expect(metrics.CanaryThrottles).toEqual(['Count', 0]);
  expect(metrics.CanaryLatency[0]).toBe('Milliseconds');
  expect(metrics.CanaryLatency[1]).toEqual(expect.any(Number));
  expect(metrics.CanaryLatency[1] as number).toBeLessThan(TIMEOUT_MS);
});

test('a 500 in the region: CanarySuccess 0, no latency, and no other region or retry tried', async () => {
  fake.inject(REGION, faults.internal());
  fake.inject('*', faults.internal());
  const report = await handler(scheduledEvent());
  expect(report).toMatchObject({ verdict: 'failed', errorName: 'InternalServerException', success: 0 });
  expect(fake.regionsCalled()).toEqual([REGION]);
  expect(metricsOf(onlyRecord())).toEqual({ CanarySuccess: ['Count', 0], CanaryThrottles: ['Count', 0] });
});

test('a throttle is an answer: CanarySuccess 1, counted in CanaryThrottles', async () => {
  fake.inject(REGION, faults.throttle(0));
  const report = await handler(scheduledEvent());
  expect(report).toMatchObject({ verdict: 'throttled', errorName: 'ThrottlingException', success: 1, throttles: 1 });
  expect(fake.regionsCalled()).toEqual([REGION]);
  expect(metricsOf(onlyRecord())).toEqual({ CanarySuccess: ['Count', 1], CanaryThrottles: ['Count', 1] });
});

test('access denied (model access not granted in the region) is a failure', async () => {
  fake.inject(REGION, faults.accessDenied());
  expect(await handler(scheduledEvent())).toMatchObject({ verdict: 'failed', errorName: 'AccessDeniedException' });
  expect(metricsOf(onlyRecord()).CanarySuccess).toEqual(['Count', 0]);
});

test('a region that never answers: the run gives up at its timeout and publishes CanarySuccess 0', async () => {
  fake.inject(REGION, faults.hang());
  const started = Date.now();
  const report = await handler(scheduledEvent());
  const elapsed = Date.now() - started;
  expect(report).toMatchObject({ verdict: 'failed', errorName: 'AttemptTimeout', success: 0 });
  expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
  expect(elapsed).toBeLessThan(TIMEOUT_MS + 2_000);
  expect(metricsOf(onlyRecord())).toEqual({ CanarySuccess: ['Count', 0], CanaryThrottles: ['Count', 0] });
});

test('the region recovers: the next run succeeds on the same container', async () => {
  fake.inject(REGION, faults.unavailable(), { times: 1 });
  expect((await handler(scheduledEvent())).success).toBe(0);
  expect((await handler(scheduledEvent())).success).toBe(1);
  expect(emfLines.map(line => (JSON.parse(line) as EmfRecord).CanarySuccess)).toEqual([0, 1]);
});
