import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { buildSampleApp, readSampleSettings } from '../../bin/sample-app';
import {
  CrossRegionInferenceApi, CrossRegionInferenceApiProps, CrossRegionInferenceProfile, RoutingPattern,
} from '../../lib';
import { allowedInferenceRegionsFrom } from '../../lib/routing/private/audit-regions';

const EU = CrossRegionInferenceProfile.fromId('eu.anthropic.claude-3-7-sonnet-20250219-v1:0');
const US = CrossRegionInferenceProfile.fromId('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
const GLOBAL = CrossRegionInferenceProfile.fromId('global.anthropic.claude-sonnet-4-5-20250929-v1:0');
const EU_REGIONS = ['eu-west-1', 'eu-central-1', 'eu-west-3'];

function deploy(props: Partial<CrossRegionInferenceApiProps> = {}, app = new App(), id = 'Bedrock') {
  const api = new CrossRegionInferenceApi(app, id, {
    account: '111111111111',
    endpoints: [{ name: 'chat', profiles: [EU], routing: RoutingPattern.activePassive({ primary: 'eu-west-1', secondaries: ['eu-central-1', 'eu-west-3'] }) }],
    ...props,
  });
  return { app, api };
}

/** The resource types the audit creates. */
const AUDIT_TYPES = ['AWS::Events::Rule', 'AWS::Logs::MetricFilter', 'AWS::Logs::QueryDefinition', 'AWS::CloudTrail::Trail', 'AWS::Logs::ResourcePolicy'];
const countOf = (stack: Stack, type: string) => Object.keys(Template.fromStack(stack).findResources(type)).length;

/** The audit widgets' lines of the stack's dashboard: each metric (namespace, name, dimensions) or expression, with the region it is read in. */
function auditLinesOf(stack: Stack): Array<{ metric?: string[]; expression?: string; region: string }> {
  const body = Object.values<any>(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody;
  const text = typeof body === 'string' ? body : (body['Fn::Join'][1] as any[]).map(part => typeof part === 'string' ? part : '<token>').join('');
  return JSON.parse(text).widgets.filter((w: any) => w.type === 'metric').flatMap((w: any) => (w.properties.metrics as any[]).map(line => {
    const options = typeof line[line.length - 1] === 'object' ? line[line.length - 1] : {};
    const metric = line.filter((x: unknown) => typeof x === 'string');
    return options.expression ? { expression: options.expression, region: options.region } : { metric, region: options.region };
  })).filter((line: any) => (line.expression ?? line.metric[0]).includes('CdkBedrockCrossRegion/Audit'));
}

describe('allowedInferenceRegionsFrom', () => {
  const endpoints = [
    { name: 'chat', profiles: [EU], routing: RoutingPattern.activePassive({ primary: 'eu-west-1', secondaries: ['eu-central-1'] }) },
    { name: 'batch', profiles: [US], routing: RoutingPattern.activeActiveLatency(['us-east-1', 'us-west-2']) },
  ];

  test('the destinations, from that region, of the profiles of the endpoints that call Bedrock there', () => {
    expect(allowedInferenceRegionsFrom(endpoints, 'eu-west-1')).toEqual([...new Set(EU.destinationsFrom('eu-west-1'))].sort());
    expect(allowedInferenceRegionsFrom(endpoints, 'us-west-2')).toEqual([...new Set(US.destinationsFrom('us-west-2'))].sort());
    expect(allowedInferenceRegionsFrom(endpoints, 'us-west-2')!.every(r => r.startsWith('us-'))).toBe(true);
  });

  test('no check where a global profile is called, or where no endpoint calls Bedrock', () => {
    const withGlobal = [...endpoints, { name: 'any', profiles: [GLOBAL], routing: RoutingPattern.activeActiveLatency(['us-east-1', 'us-east-2']) }];
    expect(allowedInferenceRegionsFrom(withGlobal, 'us-east-1')).toBeUndefined();
    expect(allowedInferenceRegionsFrom(withGlobal, 'us-west-2')).toBeDefined();
    expect(allowedInferenceRegionsFrom(endpoints, 'ap-south-1')).toBeUndefined();
  });
});

describe('CrossRegionInferenceApi audit', () => {
  test('by default: an audit in each regional stack, notifying that region\'s topic, and no CloudTrail trail anywhere', () => {
    const { app, api } = deploy();
    expect(api.auditTrail).toBeUndefined();
    expect(api.regionalAudits.map(a => a.region)).toEqual(EU_REGIONS);
    for (const stack of [...api.regionalStacks, api.routingStack]) {
      expect(countOf(stack, 'AWS::CloudTrail::Trail')).toBe(0);
    }
    for (const audit of api.regionalAudits) {
      const stack = Stack.of(audit);
      expect(stack).toBe(api.regionalStack(audit.region));
      expect(audit.metricNamespace).toBe('CdkBedrockCrossRegion/Audit/Bedrock');
      expect(audit.queryName).toBe(`Bedrock/Bedrock/Where inference ran from ${audit.region}`);
      expect(audit.allowedInferenceRegions).toEqual([...new Set(EU.destinationsFrom(audit.region))].sort());
      const topicArn = stack.resolve(audit.topic.topicArn);
      const alarms = Object.values<any>(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))
        .filter(a => /cross-region activity|outside the allowed regions/.test(a.Properties.AlarmDescription));
      expect(alarms).toHaveLength(2);
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
        expect(alarm.Properties.AlarmDescription).toContain(`from ${audit.region} `);
      }
      // The audit shares the region's one alarm topic.
      expect(countOf(stack, 'AWS::SNS::Topic')).toBe(1);
    }
    for (const type of AUDIT_TYPES) {
      expect(countOf(api.routingStack, type)).toBe(0);
    }
    // Said as information: a warning would fail `cdk synth --strict` for every account that has a trail.
    Annotations.fromStack(api.routingStack).hasInfo('*', Match.stringLikeRegexp('only while a trail logs management events'));
    expect(Annotations.fromStack(api.routingStack).findWarning('*', Match.stringLikeRegexp('trail'))).toEqual([]);
    expect(app).toBeDefined();
  });

  test('createRegionalTrails: a single-region trail in each regional stack, and no warning', () => {
    const { api } = deploy({ operations: { createRegionalTrails: true } });
    for (const stack of api.regionalStacks) {
      Template.fromStack(stack).resourcePropertiesCountIs('AWS::CloudTrail::Trail', { IsMultiRegionTrail: false }, 1);
    }
    expect(countOf(api.routingStack, 'AWS::CloudTrail::Trail')).toBe(0);
    expect(Annotations.fromStack(api.routingStack).findInfo('*', Match.stringLikeRegexp('only while a trail logs'))).toEqual([]);
  });

  test('an organisation trail\'s log group: filters, alarms and query on it in the routing stack, namespaced by the prefix', () => {
    const { api } = deploy({ operations: { existingTrailLogGroupName: 'org-trail' } });
    expect(api.regionalAudits).toEqual([]);
    const routing = Template.fromStack(api.routingStack);
    routing.resourceCountIs('AWS::CloudTrail::Trail', 0);
    const filters = Object.values<any>(routing.findResources('AWS::Logs::MetricFilter')).map(f => f.Properties);
    expect(filters.length).toBeGreaterThan(0);
    for (const filter of filters) {
      expect(filter.LogGroupName).toBe('org-trail');
      expect(filter.MetricTransformations[0].MetricNamespace).toBe('CdkBedrockCrossRegion/Audit/Bedrock');
    }
    routing.hasResourceProperties('AWS::Logs::QueryDefinition', { Name: 'Bedrock/Bedrock/Where inference ran from us-east-1' });
    expect(api.auditTrail!.residencyAlarm).toBeDefined();
    for (const stack of api.regionalStacks) {
      expect(countOf(stack, 'AWS::Events::Rule')).toBe(0);
    }
  });

  test('the audit can be switched off; contradictory options are refused', () => {
    const { api } = deploy({ operations: { auditTrail: false } });
    expect(api.regionalAudits).toEqual([]);
    for (const stack of [...api.regionalStacks, api.routingStack]) {
      for (const type of AUDIT_TYPES) {
        expect(countOf(stack, type)).toBe(0);
      }
    }
    expect(() => deploy({ operations: { auditTrail: false, createRegionalTrails: true } })).toThrow(/auditTrail is false/);
    expect(() => deploy({ operations: { createRegionalTrails: true, existingTrailLogGroupName: 'org' } })).toThrow(/exclude each other/);
  });

  test('two deployments in one region keep their own series, alarms and queries', () => {
    const app = new App();
    const endpoints = [{ name: 'chat', profiles: [US], routing: RoutingPattern.activeActiveLatency(['us-east-1', 'us-west-2']) }];
    const a = deploy({ endpoints }, app, 'Alpha').api;
    const b = deploy({ endpoints }, app, 'Beta').api;
    const [auditA, auditB] = [a, b].map(api => api.regionalAudits.find(audit => audit.region === 'us-east-1')!);
    expect(auditA.metricNamespace).not.toBe(auditB.metricNamespace);
    expect(auditA.queryName).not.toBe(auditB.queryName);
    const residencyNamespace = (api: CrossRegionInferenceApi) => Object.values<any>(Template.fromStack(api.regionalStack('us-east-1'))
      .findResources('AWS::CloudWatch::Alarm')).filter(x => x.Properties.MetricName === 'InferencesOutsideAllowedRegions').map(x => x.Properties.Namespace);
    expect(residencyNamespace(a)).toEqual(['CdkBedrockCrossRegion/Audit/Alpha']);
    expect(residencyNamespace(b)).toEqual(['CdkBedrockCrossRegion/Audit/Beta']);
  });

  test('the dashboard reads each source region\'s audit metrics in that region', () => {
    const { api } = deploy();
    const lines = auditLinesOf(api.routingStack);
    for (const region of EU_REGIONS) {
      expect(lines).toContainEqual({ metric: ['CdkBedrockCrossRegion/Audit/Bedrock', 'CrossRegionInferences', 'SourceRegion', region], region });
      expect(lines).toContainEqual({ metric: ['CdkBedrockCrossRegion/Audit/Bedrock', 'InferencesOutsideAllowedRegions'], region });
      // Where inference ran: a search over the region's Inferences series, run in that region.
      expect(lines).toContainEqual({
        expression: `SEARCH('{"CdkBedrockCrossRegion/Audit/Bedrock",SourceRegion,InferenceRegion} MetricName="Inferences" SourceRegion="${region}"', 'Sum', 300)`,
        region,
      });
    }
    expect(lines.every(line => line.region !== api.routingStack.region)).toBe(true);
  });

  test('the runbook names the audit alarms of every region and the query of each region', () => {
    const { app, api } = deploy();
    const assembly = app.synth();
    const text = fs.readFileSync(path.join(assembly.directory, api.runbookFiles[0]), 'utf-8');
    expect(text).toContain('Inference outside the allowed regions');
    expect(text).toContain('Unusual cross-region activity');
    expect(text).toContain('`Bedrock/Bedrock/Where inference ran from <source region>` in eu-west-1, eu-central-1, eu-west-3');
    for (const audit of api.regionalAudits) {
      expect(text).toContain(Stack.of(audit).resolve(Stack.of(audit).getLogicalId(audit.residencyAlarm!.node.defaultChild as any)));
    }
  });
});

describe('the EU-only sample', () => {
  test('creates no audit resource outside the EU regions: nothing of it in the us-east-1 routing stack', () => {
    const app = new App();
    const [eu] = buildSampleApp(app, readSampleSettings(app, {}));
    expect(eu.routingStack.region).toBe('us-east-1');
    for (const type of [...AUDIT_TYPES, 'AWS::S3::Bucket']) {
      expect(countOf(eu.routingStack, type)).toBe(0);
    }
    const routingLogGroups = Object.values<any>(Template.fromStack(eu.routingStack).findResources('AWS::Logs::LogGroup'));
    expect(routingLogGroups).toEqual([]);
    expect(eu.regionalAudits.map(a => a.region).every(r => r.startsWith('eu-'))).toBe(true);
    for (const audit of eu.regionalAudits) {
      expect(Stack.of(audit).region).toBe(audit.region);
      expect(audit.allowedInferenceRegions!.every(r => r.startsWith('eu-'))).toBe(true);
      expect(countOf(Stack.of(audit), 'AWS::Events::Rule')).toBe(1);
    }
  });
});
