import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import {
  BedrockModelIdDimension, CrossRegionDashboard, CrossRegionDashboardProps, CrossRegionInferenceProfile, DashboardInvoker, RegionalInvoker,
} from '../../lib';
import { nagFindings } from '../support/nag';

const EU_SONNET = 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0';
const EU_HAIKU = 'eu.anthropic.claude-3-haiku-20240307-v1:0';
const PRIMARY: DashboardInvoker = { region: 'eu-west-1', serviceName: 'chat', profileIds: [EU_SONNET], regionPlan: ['eu-west-1', 'eu-central-1'], role: 'primary' };
const SECONDARY: DashboardInvoker = { region: 'eu-central-1', serviceName: 'chat', profileIds: [EU_SONNET, EU_HAIKU], regionPlan: ['eu-central-1', 'eu-west-1'], role: 'secondary' };

interface RenderedMetric {
  readonly widget: string;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions: Record<string, string>;
  readonly expression?: string;
  readonly id?: string;
  readonly region: string;
  readonly stat?: string;
  readonly label?: string;
  readonly period?: number;
}

/** The dashboard body as JSON: Fn::Join resolved, `Ref`s rendered as `<Ref:LogicalId>`. */
function dashboardBody(stack: Stack): any {
  const dashboards = Object.values<any>(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0].Properties.DashboardBody;
  const text = typeof body === 'string' ? body : (body['Fn::Join'][1] as any[]).map(part => typeof part === 'string' ? part : `<Ref:${part.Ref}>`).join('');
  return JSON.parse(text);
}

/** Every metric and expression line of every graph or single-value widget, with its effective region. */
function renderedMetrics(stack: Stack): RenderedMetric[] {
  return dashboardBody(stack).widgets.filter((w: any) => w.type === 'metric').flatMap((w: any) => (w.properties.metrics as any[]).map(line => {
    const options = typeof line[line.length - 1] === 'object' ? line[line.length - 1] : {};
    const region = options.region ?? w.properties.region;
    if (options.expression) {
      return { widget: w.properties.title, expression: options.expression, id: options.id, region, label: options.label, dimensions: {} };
    }
    const [namespace, metricName, ...rest] = line.filter((x: unknown) => typeof x === 'string');
    const dimensions: Record<string, string> = {};
    for (let i = 0; i + 1 < rest.length; i += 2) {
      dimensions[rest[i]] = rest[i + 1];
    }
    return {
      widget: w.properties.title,
      namespace,
      metricName,
      dimensions,
      region,
      stat: options.stat,
      label: options.label,
      id: options.id,
      period: options.period,
    };
  }));
}

function build(props: Partial<CrossRegionDashboardProps> = {}, region = 'us-east-1') {
  const app = new App();
  const stack = new Stack(app, 'Routing', { env: { account: '111111111111', region } });
  const dashboard = new CrossRegionDashboard(stack, 'Dashboard', { invokers: [PRIMARY, SECONDARY], ...props });
  return { app, stack, dashboard };
}

function widget(stack: Stack, title: RegExp): RenderedMetric[] {
  const lines = renderedMetrics(stack).filter(m => title.test(m.widget));
  expect(lines.length).toBeGreaterThan(0);
  return lines;
}

describe('CrossRegionDashboard', () => {
  test('"Which region is serving?": RequestsServed of every invoker for every region it calls, read in the invoker\'s region', () => {
    const { stack } = build({}, 'eu-west-2');
    const lines = widget(stack, /^Which region is serving\?/);
    expect(lines.map(l => [l.region, l.dimensions.service, l.dimensions.Region, l.metricName, l.stat])).toEqual([
      ['eu-west-1', 'chat', 'eu-west-1', 'RequestsServed', 'Sum'],
      ['eu-west-1', 'chat', 'eu-central-1', 'RequestsServed', 'Sum'],
      ['eu-central-1', 'chat', 'eu-central-1', 'RequestsServed', 'Sum'],
      ['eu-central-1', 'chat', 'eu-west-1', 'RequestsServed', 'Sum'],
    ]);
    expect(lines.every(l => l.namespace === 'CdkBedrockCrossRegion/Invoker' && l.period === 60)).toBe(true);
    expect(lines.map(l => l.label)).toEqual(['eu-west-1 (primary)', 'eu-central-1 (fallback of eu-west-1)', 'eu-central-1 (secondary)', 'eu-west-1 (fallback of eu-central-1)']);
  });

  test('secondary share: one expression per invoker, evaluated in the invoker\'s region, with a 50 % annotation', () => {
    const { stack } = build();
    const lines = widget(stack, /^Share served by secondary regions/);
    const expressions = lines.filter(l => l.expression);
    expect(expressions.map(e => [e.expression, e.region])).toEqual([
      ['100 * (FILL(sec0x0, 0)) / (FILL(own0, 0) + (FILL(sec0x0, 0)))', 'eu-west-1'],
      ['100 * (FILL(sec1x0, 0)) / (FILL(own1, 0) + (FILL(sec1x0, 0)))', 'eu-central-1'],
    ]);
    const inputs = Object.fromEntries(lines.filter(l => l.id && !l.expression).map(l => [l.id, l]));
    expect(inputs.own0).toMatchObject({ metricName: 'RequestsServed', region: 'eu-west-1', dimensions: { Region: 'eu-west-1' } });
    expect(inputs.sec0x0).toMatchObject({ metricName: 'ServedBySecondary', region: 'eu-west-1', dimensions: { Region: 'eu-central-1' } });
    expect(inputs.sec1x0).toMatchObject({ metricName: 'ServedBySecondary', region: 'eu-central-1', dimensions: { Region: 'eu-west-1' } });
    const share = dashboardBody(stack).widgets.find((w: any) => /^Share served/.test(w.properties.title));
    expect(share.properties.annotations.horizontal).toEqual([expect.objectContaining({ value: 50 })]);
  });

  test('failovers, attempts, errors and throttles by class, latency p50/p90/p99 and time to first token per called region', () => {
    const { stack } = build();
    const names = (title: RegExp) => [...new Set(widget(stack, title).map(l => `${l.metricName}:${l.stat}`))];
    expect(names(/^Failovers/)).toEqual(['Failovers:Sum', 'Attempts:Sum']);
    expect(names(/^Errors and throttles by class/)).toEqual(['Throttles:Sum', 'Errors:Sum', 'ClientErrors:Sum']);
    expect(names(/^Latency seen by callers/)).toEqual(['Latency:p50', 'Latency:p90', 'Latency:p99']);
    expect(names(/^Time to first token/)).toEqual(['TimeToFirstToken:p50', 'TimeToFirstToken:p90']);
    expect(widget(stack, /^Latency seen by callers/)).toHaveLength(3 * 4);
  });

  test('Route 53 HealthCheckStatus per region, always read in us-east-1', () => {
    const app = new App();
    const stack = new Stack(app, 'Routing', { env: { account: '111111111111', region: 'eu-west-2' } });
    const check = new route53.HealthCheck(stack, 'Check', { type: route53.HealthCheckType.HTTPS, fqdn: 'example.com', resourcePath: '/v1/health' });
    new CrossRegionDashboard(stack, 'Dashboard', {
      invokers: [PRIMARY],
      healthChecks: [
        { region: 'eu-west-1', healthCheckId: check.healthCheckId },
        { region: 'eu-central-1', healthCheckId: 'abcd-1234' },
        { region: 'eu-central-1', healthCheckId: 'efgh-5678', name: 'batch' },
      ],
    });
    const lines = widget(stack, /^Are the Route 53 health checks passing\?/);
    expect(lines.map(l => [l.namespace, l.metricName, l.dimensions.HealthCheckId, l.region, l.stat, l.label])).toEqual([
      ['AWS/Route53', 'HealthCheckStatus', `<Ref:${stack.getLogicalId(check.node.defaultChild as any)}>`, 'us-east-1', 'Minimum', 'eu-west-1 health check'],
      ['AWS/Route53', 'HealthCheckStatus', 'abcd-1234', 'us-east-1', 'Minimum', 'eu-central-1 health check'],
      ['AWS/Route53', 'HealthCheckStatus', 'efgh-5678', 'us-east-1', 'Minimum', 'batch eu-central-1 health check'],
    ]);
    expect(nagFindings(app)).toEqual([]);
  });

  test('native AWS/Bedrock metrics per source region and profile id by default', () => {
    const { stack } = build();
    const invocations = widget(stack, /^Bedrock invocations/);
    expect(invocations.map(l => [l.namespace, l.metricName, l.region, l.dimensions.ModelId])).toEqual([
      ['AWS/Bedrock', 'Invocations', 'eu-west-1', EU_SONNET],
      ['AWS/Bedrock', 'Invocations', 'eu-west-1', EU_HAIKU],
      ['AWS/Bedrock', 'Invocations', 'eu-central-1', EU_SONNET],
      ['AWS/Bedrock', 'Invocations', 'eu-central-1', EU_HAIKU],
    ]);
    expect(widget(stack, /^Bedrock model latency/).every(l => l.metricName === 'InvocationLatency' && l.stat === 'p90')).toBe(true);
    expect(new Set(widget(stack, /^Bedrock throttles and server errors/).map(l => l.metricName))).toEqual(new Set(['InvocationThrottles', 'InvocationServerErrors']));
    expect(new Set(widget(stack, /^Tokens in and out/).map(l => l.metricName))).toEqual(new Set(['InputTokenCount', 'OutputTokenCount']));
  });

  test.each([
    [BedrockModelIdDimension.MODEL_ID, ['anthropic.claude-3-7-sonnet-20250219-v1:0']],
    [BedrockModelIdDimension.PROFILE_AND_MODEL_ID, [EU_SONNET, 'anthropic.claude-3-7-sonnet-20250219-v1:0']],
  ])('the ModelId dimension value is data: %s', (mode, expected) => {
    const { stack } = build({ invokers: [{ ...PRIMARY, regionPlan: undefined }], bedrockModelIdDimension: mode });
    expect(widget(stack, /^Bedrock invocations/).map(l => l.dimensions.ModelId)).toEqual(expected);
  });

  test('estimated cost: token counts of each source region times that region\'s price, per profile and in total', () => {
    const { stack } = build({
      prices: [
        { profileId: EU_SONNET, inputPricePer1kTokens: 0.003, outputPricePer1kTokens: 0.015 },
        { profileId: EU_SONNET, region: 'eu-central-1', inputPricePer1kTokens: 0.0035, outputPricePer1kTokens: 0.0175 },
      ],
    });
    const lines = widget(stack, /^Estimated Bedrock cost per hour/);
    const expressions = lines.filter(l => l.expression);
    expect(expressions.map(e => [e.label, e.region, e.expression])).toEqual([
      [`eu-west-1 ${EU_SONNET}`, 'eu-west-1', '(FILL(r0p0m0in, 0) * 0.003 + FILL(r0p0m0out, 0) * 0.015) / 1000'],
      [`eu-central-1 ${EU_SONNET}`, 'eu-central-1', '(FILL(r1p0m0in, 0) * 0.0035 + FILL(r1p0m0out, 0) * 0.0175) / 1000'],
    ]);
    const inputs = Object.fromEntries(lines.filter(l => !l.expression).map(l => [l.id, l]));
    expect(inputs.r0p0m0in).toMatchObject({ namespace: 'AWS/Bedrock', metricName: 'InputTokenCount', region: 'eu-west-1', dimensions: { ModelId: EU_SONNET }, stat: 'Sum' });
    expect(inputs.r1p0m0out).toMatchObject({ metricName: 'OutputTokenCount', region: 'eu-central-1' });
    // Haiku has no price: no cost line.
    expect(JSON.stringify(lines)).not.toContain('haiku');
    const totals = widget(stack, /^Estimated cost over the selected time range/).filter(l => l.expression);
    expect(totals.map(t => t.label)).toEqual(['eu-west-1 total', 'eu-central-1 total']);
    const single = dashboardBody(stack).widgets.find((w: any) => /^Estimated cost over/.test(w.properties.title));
    expect(single.properties.setPeriodToTimeRange).toBe(true);
  });

  test('no cost widgets without prices, no health or audit widgets without them', () => {
    const { stack } = build();
    const titles = dashboardBody(stack).widgets.map((w: any) => w.properties.title).filter(Boolean);
    expect(titles.some((t: string) => /cost/i.test(t))).toBe(false);
    expect(titles.some((t: string) => /Route 53|CloudTrail/.test(t))).toBe(false);
  });

  test('the audit metric per source region, read in the audit trail\'s region', () => {
    const { stack } = build({ audit: { region: 'eu-west-1', sourceRegions: ['eu-west-1', 'eu-central-1'] } });
    const lines = widget(stack, /^Inference that ran outside its source region/);
    expect(lines.map(l => [l.namespace, l.metricName, l.dimensions.SourceRegion, l.region, l.stat])).toEqual([
      ['CdkBedrockCrossRegion/Audit', 'CrossRegionInferences', 'eu-west-1', 'eu-west-1', 'Sum'],
      ['CdkBedrockCrossRegion/Audit', 'CrossRegionInferences', 'eu-central-1', 'eu-west-1', 'Sum'],
    ]);
  });

  test('an audit trail\'s metrics: its namespace, every source region searched in the trail\'s region, one residency series', () => {
    const { stack } = build({
      audit: { region: 'eu-west-1', sourceRegions: ['eu-west-1', 'eu-central-1'], metricNamespace: 'CdkBedrockCrossRegion/Audit/BedrockEu', residencyCheck: true },
    });
    expect(widget(stack, /^Inference that ran outside its source region/).map(l => [l.namespace, l.dimensions.SourceRegion, l.region])).toEqual([
      ['CdkBedrockCrossRegion/Audit/BedrockEu', 'eu-west-1', 'eu-west-1'],
      ['CdkBedrockCrossRegion/Audit/BedrockEu', 'eu-central-1', 'eu-west-1'],
    ]);
    const searches = widget(stack, /^Where inference ran, by source region/);
    expect(searches.map(l => [l.region, l.expression])).toEqual(['eu-west-1', 'eu-central-1'].map(source => ['eu-west-1',
      `SEARCH('{"CdkBedrockCrossRegion/Audit/BedrockEu",SourceRegion,InferenceRegion} MetricName="Inferences" SourceRegion="${source}"', 'Sum', 300)`]));
    expect(searches[1].label).toBe('called in eu-central-1, ran in ${PROP(\'Dim.InferenceRegion\')}');
    const residency = widget(stack, /^Inference outside the allowed regions/);
    expect(residency.map(l => [l.namespace, l.metricName, l.dimensions, l.region, l.stat, l.label])).toEqual([
      ['CdkBedrockCrossRegion/Audit/BedrockEu', 'InferencesOutsideAllowedRegions', {}, 'eu-west-1', 'Sum', 'called in eu-west-1, eu-central-1'],
    ]);
  });

  test('the header lists regions, roles and call order', () => {
    const { stack } = build();
    const text = dashboardBody(stack).widgets.find((w: any) => w.type === 'text').properties.markdown;
    expect(text).toContain('| eu-west-1 | primary | chat | eu-west-1 → eu-central-1 |');
    expect(text).toContain('| eu-central-1 | secondary | chat | eu-central-1 → eu-west-1 |');
  });

  test('describeInvoker turns a RegionalInvoker into plain data', () => {
    const app = new App();
    const stack = new Stack(app, 'R', { env: { account: '111111111111', region: 'eu-west-1' } });
    const invoker = new RegionalInvoker(stack, 'Invoker', {
      profiles: [CrossRegionInferenceProfile.fromId(EU_SONNET)], fallbackRegions: ['eu-central-1'], serviceName: 'chat',
    });
    expect(CrossRegionDashboard.describeInvoker(invoker, 'primary')).toEqual({
      region: 'eu-west-1', serviceName: 'chat', profileIds: [EU_SONNET], regionPlan: ['eu-west-1', 'eu-central-1'], role: 'primary',
    });
    expect(CrossRegionDashboard.modelIdOf('global.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe('anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(CrossRegionDashboard.modelIdOf('us-gov.x.y-v1:0')).toBe('x.y-v1:0');
  });

  test('validates its props', () => {
    expect(() => build({ invokers: [] })).toThrow(/at least one invoker/);
    expect(() => build({ invokers: [{ ...PRIMARY, regionPlan: ['eu-central-1'] }] })).toThrow(/regionPlan must start with the invoker's own region 'eu-west-1'/);
    expect(() => build({ prices: [{ profileId: EU_SONNET, inputPricePer1kTokens: -1, outputPricePer1kTokens: 0 }] })).toThrow(/inputPricePer1kTokens .* must be zero or more/);
  });

  test('dashboard name and cdk-nag', () => {
    const { app, stack } = build({ dashboardName: 'bedrock-chat', prices: [{ profileId: EU_SONNET, inputPricePer1kTokens: 0.003, outputPricePer1kTokens: 0.015 }] });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'bedrock-chat' });
    expect(nagFindings(app)).toEqual([]);
  });
});
