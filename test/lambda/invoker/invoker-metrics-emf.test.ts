/**
 * The invoker's embedded-metric-format output, end to end: real requests through the local server and
 * the real AWS SDK against the fake Bedrock, with Powertools metrics ENABLED and the environment the
 * RegionalInvoker construct deploys. Captures the EMF JSON lines Powertools writes to stdout and checks
 * them against literal names AND against `RegionalInvoker.metric()` (what the Route 53 health-check
 * alarms and the dashboards read), so a drift of namespace, dimension or metric names fails here.
 */
import * as http from 'node:http';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { converseBody, isolateEnvironment, Rig, send, startRig, testConfig, closeClientAgent } from './invoker-harness';
import { divertEmfLines, EmfRecord } from '../../../dev/emf-capture';
import { FAKE_USAGE, FakeBedrock, faults, startFakeBedrock } from '../../../dev/fake-bedrock/fake-bedrock';
import { createPowertoolsMetrics, DEFAULT_INVOKER_SERVICE_NAME } from '../../../lambda/invoker/telemetry/invoker-metrics';
import { CrossRegionInferenceProfile, RegionalInvoker } from '../../../lib';
import { INVOKER_HEADERS, INVOKER_METRIC_NAMES, INVOKER_METRICS_NAMESPACE, INVOKER_SERVICE_DIMENSION } from '../../../lib/shared/invoker-config';

const NAMESPACE = 'CdkBedrockCrossRegion/Invoker';
const DIMENSION_SET = [['service', 'Region']];
const SERVICE_NAME = 'emf-test-invoker-euw1';

let restoreEnvironment: () => void;
let fake: FakeBedrock;
let rig: Rig;
let invoker: RegionalInvoker;
let restoreStdout: (() => void) | undefined;
const emfLines: string[] = [];

/** Waits (bounded) until at least `count` EMF records were written, then returns exactly what was written. */
async function takeRecords(count: number): Promise<EmfRecord[]> {
  const until = Date.now() + 3_000;
  while (emfLines.length < count && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setImmediate(resolve));
  const records = emfLines.splice(0).map((line) => JSON.parse(line) as EmfRecord);
  return records;
}

function byRegion(records: readonly EmfRecord[], region: string): EmfRecord {
  const matching = records.filter((record) => record.Region === region);
  expect(matching).toHaveLength(1);
  return matching[0];
}

/** The record's metric names, units and values, sorted by name (order is not part of the contract). */
function metricsOf(record: EmfRecord): Array<[string, string, unknown]> {
  return record._aws.CloudWatchMetrics[0].Metrics
    .map((metric): [string, string, unknown] => [metric.Name, metric.Unit, record[metric.Name]])
    .sort(([a], [b]) => a.localeCompare(b));
}

/** Shape every record must have: one directive, the invoker namespace, exactly the dimension set [service, Region]. */
function expectEnvelope(record: EmfRecord, region: string): void {
  expect(record._aws.CloudWatchMetrics).toHaveLength(1);
  expect(record._aws.CloudWatchMetrics[0].Namespace).toBe(NAMESPACE);
  expect(record._aws.CloudWatchMetrics[0].Dimensions).toEqual(DIMENSION_SET);
  expect(typeof record._aws.Timestamp).toBe('number');
  expect(record.service).toBe(SERVICE_NAME);
  expect(record.Region).toBe(region);
  const metricNames = record._aws.CloudWatchMetrics[0].Metrics.map((metric) => metric.Name);
  // Nothing but the envelope, the two dimensions and the metric values.
  expect(Object.keys(record).sort()).toEqual(['_aws', 'service', 'Region', ...metricNames].sort());
}

/**
 * Every metric of the record is exactly the metric the construct alarms on / charts for this region:
 * same namespace, same metric name, same dimension names and values.
 */
function expectConstructReads(record: EmfRecord): void {
  const directive = record._aws.CloudWatchMetrics[0];
  for (const { Name } of directive.Metrics) {
    const metric = invoker.metric(Name, record.Region as string);
    expect(metric.namespace).toBe(directive.Namespace);
    expect(metric.metricName).toBe(Name);
    const dimensions = metric.dimensions ?? {};
    expect(Object.keys(dimensions).sort()).toEqual([...directive.Dimensions[0]].sort());
    for (const [name, value] of Object.entries(dimensions)) {
      expect(record[name]).toBe(value);
    }
  }
}

beforeAll(async () => {
  restoreEnvironment = isolateEnvironment();
  // The environment the construct gives the deployed function.
  const app = new App();
  const stack = new Stack(app, 'EmfContract', { env: { account: '111111111111', region: 'eu-west-1' } });
  invoker = new RegionalInvoker(stack, 'Invoker', {
    profiles: [CrossRegionInferenceProfile.fromId('eu.anthropic.claude-sonnet-4-5-20250929-v1:0')],
    fallbackRegions: ['eu-central-1', 'eu-west-3'],
    serviceName: SERVICE_NAME,
  });
  const functions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
  const variables = functions
    .map((resource) => (resource as { Properties: { Environment?: { Variables?: Record<string, string> } } }).Properties.Environment?.Variables)
    .find((candidate) => candidate?.POWERTOOLS_SERVICE_NAME !== undefined);
  expect(variables?.POWERTOOLS_SERVICE_NAME).toBe(SERVICE_NAME);
  Object.assign(process.env, {
    POWERTOOLS_SERVICE_NAME: variables!.POWERTOOLS_SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: variables!.POWERTOOLS_METRICS_NAMESPACE,
    POWERTOOLS_METRICS_DISABLED: 'false',
  });
  delete process.env.POWERTOOLS_DEV;

  restoreStdout = divertEmfLines((line) => emfLines.push(line));
  fake = await startFakeBedrock();
  rig = await startRig(testConfig({ regionPlan: invoker.regionPlan, profileIds: invoker.profiles.map((profile) => profile.profileId) }), fake);
});

afterEach(() => {
  fake.reset();
  emfLines.length = 0;
});

afterAll(async () => {
  await rig?.close();
  await fake?.close();
  closeClientAgent();
  restoreStdout?.();
  restoreEnvironment();
});

test('the contract constants are the names the construct and this test use', () => {
  expect(INVOKER_METRICS_NAMESPACE).toBe(NAMESPACE);
  expect(INVOKER_SERVICE_DIMENSION).toBe('service');
  expect(invoker.regionPlan).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3']);
  expect(INVOKER_METRIC_NAMES).toEqual({
    requests: 'RequestsServed',
    attempts: 'Attempts',
    failovers: 'Failovers',
    throttles: 'Throttles',
    errors: 'Errors',
    latency: 'Latency',
    timeToFirstToken: 'TimeToFirstToken',
    inputTokens: 'InputTokens',
    outputTokens: 'OutputTokens',
    servedBySecondary: 'ServedBySecondary',
    clientErrors: 'ClientErrors',
    hedges: 'Hedges',
    hedgeWins: 'HedgeWins',
    drillActive: 'DrillActive',
  });
});

test('failover: primary throttled, secondary serves → one record per region called, with the dimensions the alarms read', async () => {
  fake.inject('eu-west-1', faults.throttle(0), { times: 1 }); // Retry-After 0: no quota back-off carried into the next test
  const answer = await send(rig.server.url, 'POST', '/converse', converseBody());
  expect(answer.status).toBe(200);
  expect(answer.headers[INVOKER_HEADERS.servedRegion]).toBe('eu-central-1');
  expect(fake.regionsCalled()).toEqual(['eu-west-1', 'eu-central-1']);

  const records = await takeRecords(2);
  expect(records).toHaveLength(2);
  const primary = byRegion(records, 'eu-west-1');
  expectEnvelope(primary, 'eu-west-1');
  expect(metricsOf(primary)).toEqual([
    ['Attempts', 'Count', 1],
    ['Failovers', 'Count', 1],
    ['Throttles', 'Count', 1],
  ]);
  expectConstructReads(primary);

  const secondary = byRegion(records, 'eu-central-1');
  expectEnvelope(secondary, 'eu-central-1');
  const latency = secondary.Latency;
  expect(typeof latency).toBe('number');
  expect(latency as number).toBeGreaterThan(0);
  expect(latency as number).toBeLessThan(5_000);
  expect(metricsOf(secondary)).toEqual([
    ['Attempts', 'Count', 1],
    ['InputTokens', 'Count', FAKE_USAGE.inputTokens],
    ['Latency', 'Milliseconds', latency],
    ['OutputTokens', 'Count', FAKE_USAGE.outputTokens],
    ['RequestsServed', 'Count', 1],
    ['ServedBySecondary', 'Count', 1],
    // /converse is served through ConverseStream, so it measures the time to first token too.
    ['TimeToFirstToken', 'Milliseconds', secondary.TimeToFirstToken],
  ]);
  expect(secondary.TimeToFirstToken as number).toBeLessThanOrEqual(latency as number);
  expect([FAKE_USAGE.inputTokens, FAKE_USAGE.outputTokens]).toEqual([11, 7]);
  expectConstructReads(secondary);
});

test('healthy primary → one record, ServedBySecondary 0', async () => {
  const answer = await send(rig.server.url, 'POST', '/converse', converseBody());
  expect(answer.status).toBe(200);
  const records = await takeRecords(1);
  expect(records).toHaveLength(1);
  const primary = byRegion(records, 'eu-west-1');
  expectEnvelope(primary, 'eu-west-1');
  expect(metricsOf(primary).map(([name, unit, value]) => [name, unit, name === 'Latency' || name === 'TimeToFirstToken' ? typeof value : value])).toEqual([
    ['Attempts', 'Count', 1],
    ['InputTokens', 'Count', 11],
    ['Latency', 'Milliseconds', 'number'],
    ['OutputTokens', 'Count', 7],
    ['RequestsServed', 'Count', 1],
    ['ServedBySecondary', 'Count', 0],
    ['TimeToFirstToken', 'Milliseconds', 'number'],
  ]);
  expectConstructReads(primary);
});

test('Bedrock answers 400 ValidationException → ClientErrors on the region that answered, no failover', async () => {
  fake.inject('eu-west-1', faults.validation(), { times: 1 });
  const answer = await send(rig.server.url, 'POST', '/converse', converseBody());
  expect(answer.status).toBe(400);
  expect(fake.regionsCalled()).toEqual(['eu-west-1']);
  const records = await takeRecords(1);
  expect(records).toHaveLength(1);
  const primary = byRegion(records, 'eu-west-1');
  expectEnvelope(primary, 'eu-west-1');
  expect(metricsOf(primary)).toEqual([
    ['Attempts', 'Count', 1],
    ['ClientErrors', 'Count', 1],
  ]);
  expectConstructReads(primary);
});

test('a client that leaves while the region is still answering costs the region no Errors (users pressing "stop" must not fail it over)', async () => {
  fake.inject('eu-west-1', faults.hang(), { times: 1 });
  const request = http.request(`${rig.server.url}/converse`, { method: 'POST', headers: { 'content-type': 'application/json' } });
  request.on('error', () => undefined);
  request.end(converseBody());
  const until = Date.now() + 3_000;
  while (fake.calls.length === 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  request.destroy();
  const records = await takeRecords(1);
  expect(records).toHaveLength(1);
  const primary = byRegion(records, 'eu-west-1');
  expect(metricsOf(primary)).toEqual([['Attempts', 'Count', 1]]);
});

test('a stream that fails mid-way on a client error counts ClientErrors, not Errors; one cut short by the region counts Errors', async () => {
  fake.inject('eu-west-1', faults.streamException(2, 'validationException', 'bad tool use'), { times: 1 });
  const rejected = await send(rig.server.url, 'POST', '/converse-stream', converseBody());
  expect(rejected.text).toContain('event: error');
  // A stream publishes twice: its attempts when its region is chosen, the rest when it ends.
  const rejectedRecords = await takeRecords(2);
  expect(rejectedRecords.map((record) => record.Region)).toEqual(['eu-west-1', 'eu-west-1']);
  const rejectedNames = rejectedRecords.flatMap((record) => metricsOf(record).map(([name]) => name));
  expect(rejectedNames).toEqual(expect.arrayContaining(['Attempts', 'ClientErrors', 'RequestsServed']));
  expect(rejectedNames).not.toContain('Errors');

  fake.inject('eu-west-1', faults.streamEndEarly(3), { times: 1 });
  const cut = await send(rig.server.url, 'POST', '/converse-stream', converseBody());
  expect(cut.text).toContain('event: error');
  const cutRecords = await takeRecords(2);
  expect(cutRecords.flatMap(metricsOf)).toContainEqual(['Errors', 'Count', 1]);
});

test('invalid request body → 400 and ClientErrors with Region "none", Bedrock not called', async () => {
  const answer = await send(rig.server.url, 'POST', '/converse', '{"messages": ');
  expect(answer.status).toBe(400);
  expect(fake.calls).toHaveLength(0);
  const records = await takeRecords(1);
  expect(records).toHaveLength(1);
  const record = byRegion(records, 'none');
  expectEnvelope(record, 'none');
  expect(metricsOf(record)).toEqual([['ClientErrors', 'Count', 1]]);
});

test('without POWERTOOLS_SERVICE_NAME the service dimension falls back to bedrock-invoker', async () => {
  const metrics = createPowertoolsMetrics({});
  metrics.addDimension('Region', 'eu-west-1');
  metrics.addMetric('Attempts', 'Count', 1);
  metrics.publishStoredMetrics();
  const records = await takeRecords(1);
  expect(records).toHaveLength(1);
  expect(DEFAULT_INVOKER_SERVICE_NAME).toBe('bedrock-invoker');
  expect(records[0].service).toBe('bedrock-invoker');
  expect(records[0]._aws.CloudWatchMetrics[0].Dimensions).toEqual(DIMENSION_SET);
});
