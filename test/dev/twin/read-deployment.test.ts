/**
 * Reading a synthesized app into the twin's model: the sample app (with and without a hosted zone) for
 * what the construct writes, and hand-built templates for what the reader refuses. The expected values
 * are read from the templates themselves (the INVOKER_CONFIG / CANARY_CONFIG variables, the alarms'
 * properties) wherever the reader's job is to copy them. Sources:
 * [RATE] EventBridge "Rate expressions reference", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html
 * [ALARM] CloudWatch PutMetricAlarm (TreatMissingData: "If you omit this parameter, the default behavior of missing is
 *   used"), https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html, and "Using Amazon
 *   CloudWatch alarms" (DatapointsToAlarm differing from EvaluationPeriods is an "M out of N" alarm),
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 * [HC] Route 53 API HealthCheckConfig (RequestInterval defaults to 30 s, FailureThreshold to 3),
 *   https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { DeploymentModel, EndpointHealthCheckModel, RecordModel } from '../../../dev/twin/deployment-model';
import { rateSeconds, readDeployment } from '../../../dev/twin/read-deployment';
import { alarmsOf, healthChecksOf, recordsOf, StackTemplate, TemplateResource } from '../../../dev/twin/template-resources';
import { CANARY_CONFIG_ENV, CANARY_METRIC_NAMES } from '../../../lib/shared/canary-config';
import { INVOKER_CONFIG_ENV, INVOKER_METRIC_NAMES, INVOKER_METRICS_NAMESPACE } from '../../../lib/shared/invoker-config';
import { synthesizeSample, tempDir } from '../../guardrails/synthesized-apps';

const EU_REGIONS = ['eu-west-1', 'eu-central-1', 'eu-west-3'];

let tmp: { dir: string; remove: () => void };
let withDomainDir: string;
let withDomain: DeploymentModel;
let withoutDomain: DeploymentModel;
beforeAll(() => {
  tmp = tempDir('read-deployment-');
  withDomainDir = path.join(tmp.dir, 'with-domain');
  const withoutDomainDir = path.join(tmp.dir, 'without-domain');
  synthesizeSample(withDomainDir, { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABC' });
  synthesizeSample(withoutDomainDir, {});
  withDomain = readDeployment(withDomainDir);
  withoutDomain = readDeployment(withoutDomainDir);
});
afterAll(() => tmp.remove());

/** Every Lambda function of the assembly in `dir`, with its stack's name, read straight from the files. */
function functionsOf(dir: string): Array<{ stackName: string; env: Record<string, string> }> {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf-8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string; stackName?: string } }>;
  };
  return Object.values(manifest.artifacts).filter(artifact => artifact.type === 'aws:cloudformation:stack').flatMap(artifact => {
    const template = JSON.parse(fs.readFileSync(path.join(dir, artifact.properties!.templateFile!), 'utf-8')) as { Resources: Record<string, TemplateResource> };
    return Object.values(template.Resources).filter(resource => resource.Type === 'AWS::Lambda::Function').map(resource => ({
      stackName: artifact.properties!.stackName!,
      env: ((resource.Properties?.Environment as { Variables?: Record<string, string> } | undefined)?.Variables) ?? {},
    }));
  });
}

const endpoint = (model: DeploymentModel, service: string) => model.endpoints.find(candidate => candidate.service === service)!;

describe('readDeployment on the synthesized sample', () => {
  test('finds the three endpoints, by service name', () => {
    for (const model of [withDomain, withoutDomain]) {
      expect(model.endpoints.map(e => e.service)).toEqual(['BedrockEu-eu-chat', 'BedrockUs-chat', 'BedrockUs-batch']);
    }
  });

  test('orders an endpoint\'s regions as the routing stack lists them, the primary first', () => {
    for (const model of [withDomain, withoutDomain]) {
      expect(endpoint(model, 'BedrockEu-eu-chat').regions.map(r => r.region)).toEqual(EU_REGIONS);
      expect(endpoint(model, 'BedrockUs-batch').regions.map(r => r.region)).toEqual(['us-east-1', 'us-west-2']);
    }
    expect(endpoint(withDomain, 'BedrockEu-eu-chat').regions.map(r => r.stackId)).toEqual(EU_REGIONS.map(region => `BedrockEu-${region}`));
  });

  test('keeps the routing stack\'s order when the manifest lists the regional stacks in another order', () => {
    const reordered = path.join(tmp.dir, 'reordered');
    fs.cpSync(withDomainDir, reordered, { recursive: true, filter: source => !path.basename(source).startsWith('asset.') });
    const manifestPath = path.join(reordered, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf-8')) as { artifacts: Record<string, unknown> };
    manifest.artifacts = Object.fromEntries(Object.entries(manifest.artifacts).reverse());
    fs.writeFileSync(manifestPath, JSON.stringify(manifest));
    expect(endpoint(readDeployment(reordered), 'BedrockEu-eu-chat').regions.map(r => r.region)).toEqual(EU_REGIONS);
  });

  test('gives each endpoint the name its routing records answer for, and none without a hosted zone', () => {
    expect(withDomain.endpoints.map(e => e.dnsName)).toEqual(['eu-chat.example.com', 'chat.example.com', 'batch.example.com']);
    expect(withoutDomain.endpoints.map(e => e.dnsName)).toEqual([undefined, undefined, undefined]);
  });

  test('copies each invoker\'s INVOKER_CONFIG from its template', () => {
    const invokers = functionsOf(withDomainDir).filter(fn => fn.env[INVOKER_CONFIG_ENV] !== undefined);
    const modelled = withDomain.endpoints.flatMap(e => e.regions.map(invoker => ({ service: e.service, invoker })));
    expect(modelled).toHaveLength(invokers.length);
    for (const { service, invoker } of modelled) {
      const fn = invokers.find(candidate => candidate.stackName === invoker.stackId && candidate.env.POWERTOOLS_SERVICE_NAME === service)!;
      expect(invoker.config).toEqual(JSON.parse(fn.env[INVOKER_CONFIG_ENV]));
      expect(invoker.config.regionPlan[0]).toBe(invoker.region);
    }
  });

  test('gives each region its canary (every 60 s, its CANARY_CONFIG), and none without a hosted zone', () => {
    const canaries = functionsOf(withDomainDir).filter(fn => fn.env[CANARY_CONFIG_ENV] !== undefined);
    for (const e of withDomain.endpoints) {
      for (const invoker of e.regions) {
        const fn = canaries.find(candidate => candidate.stackName === invoker.stackId && candidate.env.POWERTOOLS_SERVICE_NAME === e.service)!;
        expect(invoker.canary).toEqual({ intervalSeconds: 60, config: JSON.parse(fn.env[CANARY_CONFIG_ENV]) });
        expect(invoker.canary!.config.region).toBe(invoker.region);
      }
    }
    expect(withoutDomain.endpoints.flatMap(e => e.regions.map(invoker => invoker.canary))).toEqual(
      withoutDomain.endpoints.flatMap(e => e.regions.map(() => undefined)));
  });

  test('reads the canary alarm: Minimum of CanarySuccess < 1 over 60 s, 2 of 3 periods, missing data breaching', () => {
    const alarm = withDomain.alarms.find(a => a.name === 'BedrockEu-eu-chat-eu-west-1-bedrock-canary');
    expect(alarm).toEqual({
      id: expect.stringMatching(/^BedrockEu-eu-west-1\/euchatCanaryAlarm/),
      name: 'BedrockEu-eu-chat-eu-west-1-bedrock-canary',
      region: 'eu-west-1',
      comparisonOperator: 'LessThanThreshold',
      threshold: 1,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: 'breaching',
      metric: {
        metric: {
          namespace: INVOKER_METRICS_NAMESPACE,
          metricName: CANARY_METRIC_NAMES.success,
          dimensions: { Region: 'eu-west-1', service: 'BedrockEu-eu-chat' },
        },
        statistic: 'Minimum',
        periodSeconds: 60,
      },
    });
  });

  test('reads a metric-math alarm\'s returned expression and its inputs by id', () => {
    const alarm = withDomain.alarms.find(a => a.id.startsWith('BedrockEu-eu-west-1/euchatAlarmsErrorRate'))!;
    const input = (metricName: string) => ({
      metric: { namespace: INVOKER_METRICS_NAMESPACE, metricName, dimensions: { Region: 'eu-west-1', service: 'BedrockEu-eu-chat' } },
      statistic: 'Sum',
      periodSeconds: 300,
    });
    expect(alarm.metric).toBeUndefined();
    expect(alarm.math).toEqual({
      expression: expect.stringContaining('100 * FILL(failures, 0) / attempts'),
      inputs: { attempts: input(INVOKER_METRIC_NAMES.attempts), failures: input(INVOKER_METRIC_NAMES.errors) },
      periodSeconds: 300,
    });
    expect(alarm).toMatchObject({ comparisonOperator: 'GreaterThanThreshold', threshold: 5, evaluationPeriods: 2, treatMissingData: 'notBreaching' });
  });

  test('marks anomaly-detection alarms unsupported, without a threshold', () => {
    const anomaly = withDomain.alarms.filter(a => a.comparisonOperator === 'GreaterThanUpperThreshold');
    expect(anomaly.length).toBeGreaterThan(0);
    for (const alarm of anomaly) {
      expect(alarm.unsupported).toMatch(/anomaly-detection/);
      expect([alarm.threshold, alarm.metric, alarm.math]).toEqual([undefined, undefined, undefined]);
    }
    expect(withDomain.alarms.filter(a => a.unsupported !== undefined)).toEqual(anomaly);
  });

  test('reads the health checks of the three kinds, their children and alarms resolving to what the model has', () => {
    const checks = withDomain.healthChecks;
    const ids = new Set(checks.map(check => check.id));
    const https = checks.filter((check): check is EndpointHealthCheckModel => check.type === 'HTTPS');
    expect(https.map(check => check.fqdn)).toEqual(expect.arrayContaining(EU_REGIONS.map(region => `${region}.eu-chat.example.com`)));
    for (const check of https) {
      expect(check).toMatchObject({ port: 443, resourcePath: '/health', requestIntervalSeconds: 10, failureThreshold: 3, inverted: false, disabled: false });
    }
    const alarmChecks = checks.filter(check => check.type === 'CLOUDWATCH_METRIC');
    expect(alarmChecks).toHaveLength(https.length);
    for (const check of alarmChecks) {
      expect(withDomain.alarms.some(a => a.name === check.alarmName && a.region === check.alarmRegion)).toBe(true);
      expect(check.insufficientDataHealthStatus).toBe('Unhealthy');
    }
    const calculated = checks.filter(check => check.type === 'CALCULATED');
    expect(calculated).toHaveLength(https.length);
    for (const check of calculated) {
      expect(check.children).toHaveLength(2);
      expect(check.children.every(child => ids.has(child))).toBe(true);
      expect(check.healthThreshold).toBe(2);
    }
    expect(withoutDomain.healthChecks).toEqual([]);
  });

  test('reads the failover chain: PRIMARY then SECONDARY per level, TTL 30, in the endpoint\'s region order', () => {
    const ids = new Set(withDomain.healthChecks.map(check => check.id));
    const chain: string[] = [];
    let name: string | undefined = 'eu-chat.example.com';
    for (let level = 0; name !== undefined && level < 5; level++) {
      const here = withDomain.records.filter(record => record.name === name && record.setIdentifier !== undefined);
      expect(here.map(record => record.failover).sort()).toEqual(['PRIMARY', 'SECONDARY']);
      for (const record of here) {
        expect(record).toMatchObject({ type: 'CNAME', ttlSeconds: 30 });
        expect(record.healthCheckId === undefined || ids.has(record.healthCheckId)).toBe(true);
      }
      const primary = here.find(record => record.failover === 'PRIMARY')!;
      const secondary = here.find(record => record.failover === 'SECONDARY')!;
      expect(primary.healthCheckId).toBeDefined();
      chain.push(targetName(primary));
      const next = targetName(secondary);
      name = withDomain.records.some(record => record.name === next && record.failover !== undefined) ? next : undefined;
      if (name === undefined) {
        expect(secondary.healthCheckId).toBeDefined();
        chain.push(next);
      }
    }
    expect(chain).toEqual(EU_REGIONS.map(region => `${region}.shared.eu-chat.example.com`));
    expect(withoutDomain.records).toEqual([]);
  });

  test('points every alias record at its own stack\'s region', () => {
    const regionOfStack = new Map(withDomain.endpoints.flatMap(e => e.regions.map(invoker => [invoker.stackId, invoker.region] as const)));
    const aliases = withDomain.records.filter(record => record.target.kind === 'region');
    expect(aliases.length).toBe(2 * regionOfStack.size + 2 * 2);
    for (const record of aliases) {
      const stackName = record.id.split('/')[0];
      expect(record.target).toEqual({ kind: 'region', region: regionOfStack.get(stackName) });
      expect(record.ttlSeconds).toBeUndefined();
      expect(record.name.startsWith(`${regionOfStack.get(stackName)}.`)).toBe(true);
    }
  });
});

function targetName(record: RecordModel): string {
  if (record.target.kind !== 'name') {
    throw new Error(`${record.id} is not a CNAME`);
  }
  return record.target.name;
}

describe('readDeployment refuses', () => {
  test('a folder that is not a cloud assembly, naming it', () => {
    const empty = path.join(tmp.dir, 'empty');
    fs.mkdirSync(empty);
    expect(() => readDeployment(empty)).toThrow(/Not a synthesized CDK app/);
    expect(() => readDeployment(empty)).toThrow(empty);
  });

  test('an assembly without an invoker, saying what to synthesize', () => {
    const outdir = path.join(tmp.dir, 'no-invoker');
    const app = new App({ outdir });
    new sns.Topic(new Stack(app, 'Plain', { env: { account: '111111111111', region: 'eu-west-1' } }), 'Topic');
    app.synth();
    expect(() => readDeployment(outdir)).toThrow(`${outdir} holds no Bedrock invoker (no function with INVOKER_CONFIG): synthesize an app that uses CrossRegionInferenceApi`);
  });
});

describe('rateSeconds [RATE]', () => {
  test.each([
    ['rate(1 minute)', 60],
    ['rate(5 minutes)', 300],
    ['rate(2 hours)', 7200],
    ['rate(1 day)', 86400],
  ])('%s is %i seconds', (expression, seconds) => {
    expect(rateSeconds(expression)).toBe(seconds);
  });

  test('a cron schedule is refused, quoted', () => {
    expect(() => rateSeconds('cron(0/5 * * * ? *)')).toThrow(/Schedule 'cron\(0\/5 \* \* \* \? \*\)' is not a rate\(\.\.\.\) expression/);
  });
});

/** A one-stack template of `resources`, in eu-west-1. */
const stack = (resources: Record<string, TemplateResource>): StackTemplate => ({ stackName: 'Hand', region: 'eu-west-1', resources });

describe('template-resources on hand-built templates', () => {
  test('an alias to an API Gateway domain targets the stack\'s region; names lose case and the trailing dot', () => {
    const records = recordsOf(stack({
      Domain: { Type: 'AWS::ApiGateway::DomainName', Properties: { DomainName: 'api.example.com' } },
      Alias: {
        Type: 'AWS::Route53::RecordSet',
        Properties: { Name: 'API.Example.com.', Type: 'A', AliasTarget: { DNSName: { 'Fn::GetAtt': ['Domain', 'RegionalDomainName'] }, EvaluateTargetHealth: true } },
      },
    }));
    expect(records).toEqual([{
      id: 'Hand/Alias',
      name: 'api.example.com',
      type: 'A',
      evaluateTargetHealth: true,
      target: { kind: 'region', region: 'eu-west-1' },
      setIdentifier: undefined,
      failover: undefined,
      latencyRegion: undefined,
      weight: undefined,
      healthCheckId: undefined,
      ttlSeconds: undefined,
    }]);
  });

  test('an alias to anything but an API Gateway domain name is refused, naming the record', () => {
    const lb = stack({
      Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer' },
      Alias: { Type: 'AWS::Route53::RecordSet', Properties: { Name: 'a.example.com', Type: 'A', AliasTarget: { DNSName: { 'Fn::GetAtt': ['Lb', 'DNSName'] } } } },
    });
    expect(() => recordsOf(lb)).toThrow(/Record Hand\/Alias is an alias to .*Lb.*API Gateway domain names only/);
    const literal = stack({ Alias: { Type: 'AWS::Route53::RecordSet', Properties: { Name: 'a.example.com', Type: 'A', AliasTarget: { DNSName: 'd111.cloudfront.net' } } } });
    expect(() => recordsOf(literal)).toThrow(/Record Hand\/Alias is an alias to "d111.cloudfront.net"/);
  });

  test('a CNAME with two values, or a value that is not a literal, is refused', () => {
    const cname = (ResourceRecords: unknown) => stack({ Cname: { Type: 'AWS::Route53::RecordSet', Properties: { Name: 'c.example.com', Type: 'CNAME', TTL: '60', ResourceRecords } } });
    expect(() => recordsOf(cname(['a.example.com', 'b.example.com']))).toThrow(/Record Hand\/Cname has \["a.example.com","b.example.com"\]; .*exactly one literal value/);
    expect(() => recordsOf(cname([{ 'Fn::Join': ['', ['a', '.example.com']] }]))).toThrow(/exactly one literal value/);
    expect(recordsOf(cname(['A.example.com.']))[0]).toMatchObject({ ttlSeconds: 60, target: { kind: 'name', name: 'a.example.com' } });
  });

  test('an unknown health-check type is refused, naming the check and the type', () => {
    const template = stack({ Control: { Type: 'AWS::Route53::HealthCheck', Properties: { HealthCheckConfig: { Type: 'RECOVERY_CONTROL' } } } });
    expect(() => healthChecksOf(template)).toThrow('Health check Hand/Control has type RECOVERY_CONTROL, which the twin does not simulate');
  });

  test('an endpoint check without RequestInterval or FailureThreshold gets Route 53\'s 30 s and 3 [HC]', () => {
    const [check] = healthChecksOf(stack({
      Check: { Type: 'AWS::Route53::HealthCheck', Properties: { HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: 'X.example.com', ResourcePath: '/health' } } },
    }));
    expect(check).toMatchObject({ id: 'Hand/Check', fqdn: 'x.example.com', requestIntervalSeconds: 30, failureThreshold: 3 });
  });

  test('an alarm without DatapointsToAlarm or TreatMissingData is N of N, missing data "missing" [ALARM]', () => {
    const [alarm] = alarmsOf(stack({
      Plain: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          MetricName: 'Errors',
          Namespace: 'Ns',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 4,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanThreshold',
          Dimensions: [{ Name: 'Topic', Value: { Ref: 'Topic' } }],
        },
      },
    }));
    expect(alarm).toMatchObject({
      name: 'Plain',
      evaluationPeriods: 4,
      datapointsToAlarm: 4,
      treatMissingData: 'missing',
      metric: { metric: { namespace: 'Ns', metricName: 'Errors', dimensions: { Topic: 'Hand/Topic' } }, statistic: 'Sum', periodSeconds: 60 },
    });
  });

  test('a metric-math alarm whose inputs have different periods is unsupported', () => {
    const input = (Id: string, Period: number) => ({ Id, ReturnData: false, MetricStat: { Metric: { Namespace: 'Ns', MetricName: Id }, Period, Stat: 'Sum' } });
    const [alarm] = alarmsOf(stack({
      Mixed: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanThreshold',
          Metrics: [{ Id: 'e', Expression: 'a + b', ReturnData: true }, input('a', 60), input('b', 300)],
        },
      },
    }));
    expect(alarm.unsupported).toBe('inputs with different periods');
    expect(alarm.math).toBeUndefined();
  });
});
