/**
 * The twin on the sample app's own templates: what the README promises of a regional outage (DNS failover
 * within the computed worst case, fail-back, no flap, no client error while a region can serve), the
 * in-request layer alone without a hosted zone, and the flapping the twin would have caught in the design
 * whose health followed the invoker's own error count.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildSampleApp, readSampleSettings } from '../../../bin/sample-app';
import type { DeploymentModel } from '../../../dev/twin/deployment-model';
import { readDeployment } from '../../../dev/twin/read-deployment';
import { builtInScenario, Scenario } from '../../../dev/twin/scenario';
import type { Timeline, TwinSummary } from '../../../dev/twin/timeline';
import { runTwin } from '../../../dev/twin/twin-run';
import { summarize } from '../../../dev/twin/twin-summary';
import type { CrossRegionInferenceApi } from '../../../lib';
import { tempDir } from '../../guardrails/synthesized-apps';

/** Fast enough for the test suite, slow enough for the compressed timeouts on a loaded machine. */
const SPEED = 40;
const MINUTE = 60;
const DOMAIN = { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABC' };

const folders = tempDir('twin-');
afterAll(() => folders.remove());

/** Synthesizes the sample into a folder of its own; returns the deployments' constructs. */
function synthesize(name: string, context: Record<string, string>): { dir: string; apis: CrossRegionInferenceApi[] } {
  const dir = path.join(folders.dir, name);
  const app = new App({ outdir: dir, context });
  const apis = buildSampleApp(app, readSampleSettings(app, {}));
  app.synth();
  return { dir, apis };
}

async function run(model: DeploymentModel, scenario: Scenario): Promise<{ timeline: Timeline; summary: TwinSummary }> {
  const timeline = await runTwin({ model, endpoint: model.endpoints[0], scenario, speed: SPEED });
  return { timeline, summary: summarize(timeline) };
}

describe('the sample with a hosted zone, primary hard down for 10 minutes', () => {
  let result: { timeline: Timeline; summary: TwinSummary };
  let eu: CrossRegionInferenceApi;

  beforeAll(async () => {
    const { dir, apis } = synthesize('with-zone', DOMAIN);
    eu = apis[0];
    result = await run(readDeployment(dir), builtInScenario('primary-outage'));
  }, 180_000);

  test('DNS fails over within the computed worst case, and fails back within the computed fail-back time', () => {
    const { summary } = result;
    expect(summary.dnsFailoverSeconds).not.toBeNull();
    expect(summary.dnsFailoverSeconds!).toBeLessThanOrEqual(eu.worstCaseFailoverTime.toSeconds());
    expect(summary.failbackSeconds).not.toBeNull();
    expect(summary.failbackSeconds!).toBeLessThanOrEqual(eu.failbackTime.toSeconds());
  });

  test('no flap and no client error: the invoker serves from the next region until DNS moves', () => {
    const { summary, timeline } = result;
    expect(summary).toMatchObject({ flaps: 0, dnsChanges: 2, clientErrors: 0 });
    const outage = timeline.seconds.filter(second => second.faults['eu-west-1'] !== undefined);
    expect(outage.length).toBe(10 * MINUTE);
    // Before DNS moves, the primary's invoker answers from eu-central-1: those requests paid a failed attempt or
    // met an open circuit, and none of them was served by the failing region.
    expect(outage.reduce((sum, second) => sum + (second.servedBy['eu-west-1'] ?? 0), 0)).toBe(0);
    expect(outage.reduce((sum, second) => sum + (second.servedBy['eu-central-1'] ?? 0), 0)).toBeGreaterThan(0);
  });

  test('the canary alarm of the primary fires during the outage and clears after it, from the EMF the canary printed', () => {
    const canary = result.summary.alarms.find(alarm => alarm.name === 'BedrockEu-eu-chat-eu-west-1-bedrock-canary');
    expect(canary).toBeDefined();
    expect(canary!.firstAlarmSecond).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(canary!.firstAlarmSecond + canary!.alarmSeconds).toBeLessThan(result.timeline.seconds.length);
    expect(result.summary.alarms.map(alarm => alarm.name)).not.toContain('BedrockEu-eu-chat-eu-central-1-bedrock-canary');
  });
});

describe('the sample with a hosted zone, long answers in a healthy primary', () => {
  test('a long answer is not a regional failure: no failover, no error, and the canary keeps the primary in DNS', async () => {
    const { dir } = synthesize('long-answers', DOMAIN);
    const scenario: Scenario = {
      name: 'long-answers',
      description: '45-second answers for 5 minutes',
      durationSeconds: 7 * MINUTE,
      faults: [{ region: 'primary', kind: 'long-answers', generationSeconds: 45, fromSeconds: MINUTE, toSeconds: 6 * MINUTE }],
    };
    const { summary } = await run(readDeployment(dir), scenario);
    expect(summary).toMatchObject({ clientErrors: 0, failedAttemptRequests: 0, dnsChanges: 0 });
    expect(Object.keys(summary.servedBy).filter(region => summary.servedBy[region] > 0)).toEqual(['eu-west-1']);
  }, 120_000);
});

describe('the sample without a hosted zone: the in-request layer alone', () => {
  test('clients of the first region see no error while it is down; the next region serves', async () => {
    const { dir } = synthesize('without-zone', {});
    const scenario: Scenario = {
      name: 'short-outage',
      description: 'primary down for 2 minutes',
      durationSeconds: 4 * MINUTE,
      faults: [{ region: 'primary', kind: 'bedrock-down', fromSeconds: MINUTE, toSeconds: 3 * MINUTE }],
    };
    const { summary, timeline } = await run(readDeployment(dir), scenario);
    expect(timeline.dns).toBe(false);
    expect(timeline.seconds.every(second => second.dnsRegion === undefined && (second.sentTo['eu-west-1'] ?? 0) === second.requests)).toBe(true);
    expect(summary).toMatchObject({ clientErrors: 0, dnsFailoverSeconds: null, dnsChanges: 0 });
    expect(summary.servedBy['eu-central-1']).toBeGreaterThan(0);
    expect(summary.failedAttemptRequests).toBeGreaterThan(0);
  }, 120_000);
});

describe('the design whose DNS health followed the invoker\'s own errors', () => {
  test('the twin catches its flapping: a drained region has no errors, so it comes back into DNS while still failing', async () => {
    const { dir } = synthesize('old-design', DOMAIN);
    healthFromInvokerErrors(dir);
    const scenario: Scenario = {
      name: 'outage',
      description: 'primary down for 12 minutes',
      durationSeconds: 16 * MINUTE,
      faults: [{ region: 'primary', kind: 'bedrock-down', fromSeconds: 2 * MINUTE, toSeconds: 14 * MINUTE }],
    };
    const { summary } = await run(readDeployment(dir), scenario);
    expect(summary.flaps).toBeGreaterThan(0);
    expect(summary.dnsChanges).toBeGreaterThan(2);
  }, 180_000);
});

/**
 * Rewrites the synthesized templates to the earlier design: each region's alarm-based health check follows an
 * alarm on the invoker's `Errors` in that region (1 error in a minute; missing data not breaching) instead of
 * the canary.
 */
function healthFromInvokerErrors(dir: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf-8')) as {
    artifacts: Record<string, { type: string; environment?: string; properties?: { templateFile?: string } }>;
  };
  for (const artifact of Object.values(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) {
      continue;
    }
    const file = path.join(dir, artifact.properties.templateFile);
    const template = JSON.parse(fs.readFileSync(file, 'utf-8')) as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
    const region = artifact.environment!.split('/').pop()!;
    for (const [id, resource] of Object.entries(template.Resources)) {
      const service = resource.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME;
      if (resource.Type === 'AWS::Lambda::Function' && resource.Properties.Environment.Variables.INVOKER_CONFIG) {
        template.Resources[`${id}OldDesignErrors`] = {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            AlarmName: `${service}-${region}-invoker-errors`,
            Namespace: 'CdkBedrockCrossRegion/Invoker',
            MetricName: 'Errors',
            Dimensions: [{ Name: 'Region', Value: region }, { Name: 'service', Value: service }],
            Statistic: 'Sum',
            Period: 60,
            EvaluationPeriods: 1,
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            TreatMissingData: 'notBreaching',
          },
        };
      }
      const alarm = resource.Properties?.HealthCheckConfig?.AlarmIdentifier;
      if (resource.Type === 'AWS::Route53::HealthCheck' && alarm) {
        alarm.Name = String(alarm.Name).replace(/-bedrock-canary$/, '-invoker-errors');
      }
    }
    fs.writeFileSync(file, JSON.stringify(template));
  }
}
