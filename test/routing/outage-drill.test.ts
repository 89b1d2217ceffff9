/**
 * The outage drill in a real account (`operations.outageDrill`): per region, the switch (an SSM
 * parameter), who may read and write it, the automation that turns it on and off, and the FIS experiment
 * template that runs it, stops on the region's alarms and logs what happened.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { parseCanaryConfig } from '../../lambda/canary/config';
import { parseInvokerConfig } from '../../lambda/invoker/config';
import { parseDrillSwitch } from '../../lambda/invoker/resilience/outage-drill';
import { CrossRegionInferenceApi, CrossRegionInferenceApiProps, CrossRegionInferenceProfile, RoutingPattern } from '../../lib';
import { drillValueTemplate } from '../../lib/routing/private/outage-drill-document';
import { CANARY_CONFIG_ENV } from '../../lib/shared/canary-config';
import { INVOKER_CONFIG_ENV } from '../../lib/shared/invoker-config';
import { nagFindings } from '../support/nag';

const EU = CrossRegionInferenceProfile.fromId('eu.anthropic.claude-3-7-sonnet-20250219-v1:0');
const DOMAIN = { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };
const SWITCH = (region: string) => `/cdk-bedrock-cross-region/Bedrock/${region}/outage-drill`;

function deploy(props: Partial<CrossRegionInferenceApiProps> = {}) {
  const app = new App();
  const api = new CrossRegionInferenceApi(app, 'Bedrock', {
    account: '111111111111',
    domain: DOMAIN,
    endpoints: [{ name: 'chat', profiles: [EU], routing: RoutingPattern.activePassive({ primary: 'eu-west-1', secondaries: ['eu-central-1'] }) }],
    operations: { outageDrill: {} },
    ...props,
  });
  return { app, api };
}

/** A template value as a string, with `{ Ref: 'AWS::Partition' }` as `aws` (the joins CDK writes for ARNs). */
function flat(value: unknown): string {
  if (typeof value === 'string') { return value; }
  const record = value as Record<string, any>;
  if (record.Ref === 'AWS::Partition') { return 'aws'; }
  if (record['Fn::Join']) { return (record['Fn::Join'][1] as unknown[]).map(flat).join(record['Fn::Join'][0]); }
  return JSON.stringify(value);
}

/** Every statement of the policies attached to roles whose logical id matches `role`. */
function statementsOf(template: Template, role: RegExp): any[] {
  return Object.values<any>(template.findResources('AWS::IAM::Policy'))
    .filter(p => p.Properties.Roles.some((r: any) => role.test(r.Ref)))
    .flatMap(p => p.Properties.PolicyDocument.Statement);
}

function lambdaVariables(template: Template, variable: string): Record<string, string> {
  return Object.values<any>(template.findResources('AWS::Lambda::Function'))
    .map(f => f.Properties.Environment?.Variables as Record<string, string> | undefined)
    .find(v => v?.[variable] !== undefined)!;
}

function onlyResource(template: Template, type: string): any {
  const resources = Object.values<any>(template.findResources(type));
  expect(resources).toHaveLength(1);
  return resources[0].Properties;
}

function logicalIdOf(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('without operations.outageDrill', () => {
  const { api } = deploy({ operations: {} });
  const regional = Template.fromStack(api.regionalStack('eu-west-1'));

  test('there is no switch, automation or experiment, and no handler may read SSM or is told of a switch', () => {
    regional.resourceCountIs('AWS::SSM::Parameter', 0);
    regional.resourceCountIs('AWS::SSM::Document', 0);
    regional.resourceCountIs('AWS::FIS::ExperimentTemplate', 0);
    expect(JSON.stringify(statementsOf(regional, /./))).not.toContain('ssm:');
    expect(JSON.parse(lambdaVariables(regional, INVOKER_CONFIG_ENV)[INVOKER_CONFIG_ENV]).outageDrill).toBeUndefined();
    expect(JSON.parse(lambdaVariables(regional, CANARY_CONFIG_ENV)[CANARY_CONFIG_ENV]).outageDrill).toBeUndefined();
    expect(api.outageDrillTemplates).toEqual([]);
  });
});

describe('with operations.outageDrill: {} (the defaults)', () => {
  const { app, api } = deploy();
  const regional = Template.fromStack(api.regionalStack('eu-west-1'));
  const arn = `arn:aws:ssm:eu-west-1:111111111111:parameter${SWITCH('eu-west-1')}`;

  test('each regional stack has its own switch, off at rest', () => {
    for (const region of ['eu-west-1', 'eu-central-1']) {
      const parameter = onlyResource(Template.fromStack(api.regionalStack(region)), 'AWS::SSM::Parameter');
      expect(parameter).toMatchObject({ Name: SWITCH(region), Type: 'String', Value: 'off', Tier: 'Standard' });
    }
    expect(api.outageDrillTemplates).toHaveLength(2);
    expect(api.outageDrillTemplates.map(t => Stack.of(t).region)).toEqual(['eu-west-1', 'eu-central-1']);
  });

  test('the invoker and the canary may only GetParameter exactly the switch of their region', () => {
    for (const role of [/chatHandlerRole/, /chatCanaryRole/]) {
      const ssm = statementsOf(regional, role).filter(s => JSON.stringify(s.Action).includes('ssm:'));
      expect(ssm).toHaveLength(1);
      expect(ssm[0].Action).toBe('ssm:GetParameter');
      expect(ssm[0].Effect).toBe('Allow');
      expect(flat(ssm[0].Resource)).toBe(arn);
    }
  });

  test('the handlers are configured with the switch, and their own parsers accept the configuration', () => {
    const expected = { parameterName: SWITCH('eu-west-1'), cacheSeconds: 10, maxDurationMinutes: 30 };
    const invoker = parseInvokerConfig(lambdaVariables(regional, INVOKER_CONFIG_ENV)[INVOKER_CONFIG_ENV]);
    expect(invoker.ok && invoker.config.outageDrill).toEqual(expected);
    expect(invoker.ok && invoker.ignored).toBeUndefined();
    const canary = parseCanaryConfig(lambdaVariables(regional, CANARY_CONFIG_ENV)[CANARY_CONFIG_ENV]);
    expect(canary.ok && canary.config.outageDrill).toEqual(expected);
  });

  test('only the automation role may write the switch, and only SSM Automation of this account and region may assume it', () => {
    const writes = statementsOf(regional, /./).filter(s => JSON.stringify(s.Action).includes('ssm:PutParameter'));
    expect(writes).toHaveLength(1);
    expect(writes[0].Action).toBe('ssm:PutParameter');
    expect(flat(writes[0].Resource)).toBe(arn);
    const automationRole = Object.entries<any>(regional.findResources('AWS::IAM::Role')).find(([id]) => /OutageDrillAutomationRole/.test(id))![1];
    const trust = automationRole.Properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0].Principal).toEqual({ Service: 'ssm.amazonaws.com' });
    expect(trust[0].Condition.StringEquals).toEqual({ 'aws:SourceAccount': '111111111111' });
    expect(flat(trust[0].Condition.ArnLike['aws:SourceArn'])).toBe('arn:aws:ssm:eu-west-1:111111111111:automation-execution/*');
    expect(statementsOf(regional, /OutageDrillAutomationRole/)).toHaveLength(1);
  });

  test('the experiment role may start the drill document only, pass the automation role to SSM only, and follow it in this region', () => {
    const statements = statementsOf(regional, /OutageDrillExperimentRole/);
    const bySid = Object.fromEntries(statements.map(s => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual(['DeliverTheExperimentLog', 'FollowAndStopTheDrillAutomation', 'PassTheAutomationRole', 'StartTheDrillAutomation']);
    const documentId = logicalIdOf(regional, 'AWS::SSM::Document');
    expect(bySid.StartTheDrillAutomation.Action).toBe('ssm:StartAutomationExecution');
    expect(flat(bySid.StartTheDrillAutomation.Resource)).toBe(`arn:aws:ssm:eu-west-1:111111111111:document/${JSON.stringify({ Ref: documentId })}`);
    expect(bySid.PassTheAutomationRole).toMatchObject({
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/OutageDrillAutomationRole/), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
    });
    expect(bySid.FollowAndStopTheDrillAutomation).toMatchObject({
      Action: ['ssm:GetAutomationExecution', 'ssm:StopAutomationExecution'], Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
    });
    expect(bySid.DeliverTheExperimentLog.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } });
    expect(JSON.stringify(statements)).not.toMatch(/PutParameter|bedrock:|lambda:/);
  });

  test('the experiment starts the automation for the drill, stops on the region\'s API 5xx and rejection alarms, logs and is tagged', () => {
    const experiment = onlyResource(regional, 'AWS::FIS::ExperimentTemplate');
    const alarms = Object.keys(regional.findResources('AWS::CloudWatch::Alarm'));
    const apiServerErrors = alarms.find(id => /chatAlarmsApiServerErrors/.test(id))!;
    const rejectionRate = alarms.find(id => /chatAlarmsRejectionRate/.test(id))!;
    expect(experiment.StopConditions).toEqual([
      { Source: 'aws:cloudwatch:alarm', Value: { 'Fn::GetAtt': [apiServerErrors, 'Arn'] } },
      { Source: 'aws:cloudwatch:alarm', Value: { 'Fn::GetAtt': [rejectionRate, 'Arn'] } },
    ]);
    expect(experiment.Targets).toEqual({});
    const actions = Object.values<any>(experiment.Actions);
    expect(actions).toHaveLength(1);
    expect(actions[0].ActionId).toBe('aws:ssm:start-automation-execution');
    expect(flat(actions[0].Parameters.documentArn)).toContain(`document/${JSON.stringify({ Ref: logicalIdOf(regional, 'AWS::SSM::Document') })}`);
    expect(JSON.parse(actions[0].Parameters.documentParameters)).toEqual({ DurationMinutes: '30' });
    expect(actions[0].Parameters.maxDuration).toBe('PT35M');
    expect(experiment.RoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/OutageDrillExperimentRole/), 'Arn'] });
    expect(experiment.LogConfiguration).toEqual({
      LogSchemaVersion: 2,
      CloudWatchLogsConfiguration: { LogGroupArn: { 'Fn::GetAtt': [expect.stringMatching(/OutageDrillExperimentLogs/), 'Arn'] } },
    });
    expect(experiment.Tags).toMatchObject({ 'cdk-bedrock-cross-region:deployment': 'Bedrock', 'cdk-bedrock-cross-region:region': 'eu-west-1' });
    regional.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
    const experimentId = logicalIdOf(regional, 'AWS::FIS::ExperimentTemplate');
    expect(Object.values<any>(regional.toJSON().Outputs).map(o => o.Value)).toContainEqual({ Ref: experimentId });
  });

  test('the automation turns the switch on until a computed end, sleeps until then, and every failure or cancel path turns it off', () => {
    const { Content: content, DocumentType } = onlyResource(regional, 'AWS::SSM::Document');
    expect(DocumentType).toBe('Automation');
    expect(content.schemaVersion).toBe('0.3');
    expect(content.assumeRole).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/OutageDrillAutomationRole/), 'Arn'] });
    expect(content.parameters.DurationMinutes).toMatchObject({ type: 'Integer', default: 30 });
    const steps: any[] = content.mainSteps;
    expect(steps.map(s => [s.name, s.action])).toEqual([
      ['ComputeDrillEnd', 'aws:executeScript'],
      ['TurnDrillOn', 'aws:executeAwsApi'],
      ['HoldDrill', 'aws:sleep'],
      ['TurnDrillOff', 'aws:executeAwsApi'],
    ]);
    const [compute, on, hold, off] = steps;
    // Nothing is written before the end is known: failing there needs no clean-up.
    expect(compute.onFailure).toBe('Abort');
    expect(compute.outputs).toEqual([{ Name: 'Until', Selector: '$.Payload.Until', Type: 'String' }]);
    expect(compute.inputs.Script).toContain('minutes > 30');
    for (const step of [on, hold]) {
      expect(step.onFailure).toBe('step:TurnDrillOff');
      expect(step.onCancel).toBe('step:TurnDrillOff');
    }
    expect(hold.inputs).toEqual({ Timestamp: '{{ ComputeDrillEnd.Until }}' });
    for (const step of [on, off]) {
      expect(step.inputs).toMatchObject({ Service: 'ssm', Api: 'PutParameter', Name: SWITCH('eu-west-1'), Type: 'String', Overwrite: true });
    }
    expect(off.inputs.Value).toBe('off');
    expect(off.isEnd).toBe(true);
    expect(on.inputs.Value).toBe(drillValueTemplate());
  });

  test('what the automation writes is what the handlers read: on until the end it computed, then expired; off is off', () => {
    const { Content: content } = onlyResource(regional, 'AWS::SSM::Document');
    const [, on, , off] = content.mainSteps;
    const now = Date.parse('2026-03-01T10:00:00Z');
    const until = '2026-03-01T10:30:00Z'; // what ComputeDrillEnd returns for the default 30 minutes
    const written = (on.inputs.Value as string).replace('{{ ComputeDrillEnd.Until }}', until);
    expect(parseDrillSwitch(written, now, 30)).toEqual({ kind: 'on', untilEpochMs: Date.parse(until) });
    expect(parseDrillSwitch(written, Date.parse(until), 30).kind).toBe('expired');
    expect(parseDrillSwitch(off.inputs.Value, now, 30)).toEqual({ kind: 'off' });
  });

  test('cdk-nag finds nothing unacknowledged', () => {
    expect(nagFindings(app)).toEqual([]);
  });

  test('the runbook says how to start each region\'s experiment, what happens when and how to stop it', () => {
    const runbook = fs.readFileSync(path.join(app.outdir, api.runbookFiles[0]), 'utf-8');
    const section = runbook.slice(runbook.indexOf('## Rehearse a regional outage'), runbook.indexOf('## Drills'));
    expect(section).not.toBe('');
    const outputKey = Object.keys(regional.toJSON().Outputs).find(key => /OutageDrillTemplateId/.test(key))!;
    expect(section).toContain('aws fis start-experiment --region eu-west-1 --experiment-template-id $(aws cloudformation describe-stacks --region eu-west-1 '
      + `--stack-name Bedrock-eu-west-1 --query "Stacks[0].Outputs[?OutputKey=='${outputKey}'].OutputValue" --output text)`);
    expect(section).toContain('aws fis stop-experiment --region eu-central-1');
    expect(section).toContain(`aws ssm put-parameter --region eu-west-1 --name ${SWITCH('eu-west-1')} --value off --overwrite`);
    // The canary's path is the DNS worst case with the default settings (the HTTPS check keeps passing in a drill).
    expect(section).toContain(`**within ${api.worstCaseFailoverTime.toSeconds()} s**`);
    expect(section).toContain(`within ${api.failbackTime.toSeconds()} s the canary has passed again`);
    expect(section).toMatch(/chatAlarmsApiServerErrors[0-9A-F]{8}/);
    const drills = runbook.slice(runbook.indexOf('## Drills'));
    expect(drills).toContain('`npx cdk-bedrock-cross-region drill --from cdk.out --scenario primary-outage` rehearses this deployment');
    expect(drills).toContain('with `operations.outageDrill`, see "Rehearse a regional outage" above');
  });
});

describe('drill options', () => {
  test('a shorter drill and cache reach the document, the FIS action and the handlers', () => {
    const { api } = deploy({ operations: { outageDrill: { duration: Duration.minutes(10), parameterCacheTime: Duration.seconds(5) } } });
    const regional = Template.fromStack(api.regionalStack('eu-central-1'));
    const action = Object.values<any>(onlyResource(regional, 'AWS::FIS::ExperimentTemplate').Actions)[0];
    expect(JSON.parse(action.Parameters.documentParameters)).toEqual({ DurationMinutes: '10' });
    expect(action.Parameters.maxDuration).toBe('PT15M');
    const config = parseInvokerConfig(lambdaVariables(regional, INVOKER_CONFIG_ENV)[INVOKER_CONFIG_ENV]);
    expect(config.ok && config.config.outageDrill).toEqual({ parameterName: SWITCH('eu-central-1'), cacheSeconds: 5, maxDurationMinutes: 10 });
  });

  test.each([
    ['duration 90 s', { duration: Duration.seconds(90) }, /outageDrill.duration must be a whole number of minutes from 1 to 600; got 1.5 minutes/],
    ['duration 601 min', { duration: Duration.minutes(601) }, /outageDrill.duration must be a whole number of minutes from 1 to 600; got 601/],
    ['cache 1.5 s', { parameterCacheTime: Duration.millis(1500) }, /outageDrill.parameterCacheTime must be a whole number of seconds from 1 to 300; got 1.5/],
    ['cache 0 s', { parameterCacheTime: Duration.seconds(0) }, /parameterCacheTime must be a whole number of seconds from 1 to 300; got 0/],
    ['cache 6 min', { parameterCacheTime: Duration.minutes(6) }, /parameterCacheTime must be a whole number of seconds from 1 to 300; got 360/],
  ])('%s is refused', (_label, outageDrill, message) => {
    expect(() => deploy({ operations: { outageDrill } })).toThrow(message);
  });

  test('two endpoints in a region: one switch, read by both invokers, and both endpoints\' alarms stop the experiment', () => {
    const { app, api } = deploy({
      endpoints: [
        { name: 'chat', profiles: [EU], routing: RoutingPattern.activePassive({ primary: 'eu-west-1', secondaries: ['eu-central-1'] }) },
        { name: 'batch', profiles: [EU], routing: RoutingPattern.activePassive({ primary: 'eu-central-1', secondaries: ['eu-west-1'] }) },
      ],
    });
    const regional = Template.fromStack(api.regionalStack('eu-west-1'));
    regional.resourceCountIs('AWS::SSM::Parameter', 1);
    const stops = onlyResource(regional, 'AWS::FIS::ExperimentTemplate').StopConditions.map((s: any) => s.Value['Fn::GetAtt'][0]);
    expect(stops).toEqual([
      expect.stringMatching(/^chatAlarmsApiServerErrors/), expect.stringMatching(/^chatAlarmsRejectionRate/),
      expect.stringMatching(/^batchAlarmsApiServerErrors/), expect.stringMatching(/^batchAlarmsRejectionRate/),
    ]);
    for (const role of [/chatHandlerRole/, /batchHandlerRole/]) {
      expect(statementsOf(regional, role).filter(s => s.Action === 'ssm:GetParameter').map(s => flat(s.Resource)))
        .toEqual([`arn:aws:ssm:eu-west-1:111111111111:parameter${SWITCH('eu-west-1')}`]);
    }
    expect(nagFindings(app)).toEqual([]);
  });

  test('without a hosted zone there is no canary, and the runbook says only the in-request layer moves', () => {
    const { app, api } = deploy({ domain: undefined });
    const regional = Template.fromStack(api.regionalStack('eu-west-1'));
    regional.resourceCountIs('AWS::FIS::ExperimentTemplate', 1);
    expect(lambdaVariables(regional, CANARY_CONFIG_ENV)).toBeUndefined();
    expect(nagFindings(app)).toEqual([]);
    const runbook = fs.readFileSync(path.join(app.outdir, api.runbookFiles[0]), 'utf-8');
    expect(runbook).toContain('## Rehearse a regional outage');
    expect(runbook).toContain('no canary without DNS routing: only the in-request layer moves');
    expect(runbook).not.toContain('Route 53 marks the region unhealthy');
  });
});
