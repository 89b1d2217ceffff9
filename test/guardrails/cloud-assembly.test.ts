import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { synthesizeSample, tempDir } from './synthesized-apps';
import { deploymentRolePatterns, deploymentStacksOf, readCloudAssembly, stackMatches } from '../../lib/guardrails/private/cloud-assembly';
import { DEFAULT_REGIONAL_STACK_SERVICES, DEFAULT_ROUTING_STACK_SERVICES } from '../../lib/guardrails/private/deployment-needs';
import { iamPrefixOfResourceType } from '../../lib/guardrails/private/resource-type-service';

let tmp: { dir: string; remove: () => void };
let sample: string;
let sampleWithZone: string;
beforeAll(() => {
  tmp = tempDir('cloud-assembly-');
  sample = path.join(tmp.dir, 'sample');
  sampleWithZone = path.join(tmp.dir, 'sample-zone');
  synthesizeSample(sample);
  synthesizeSample(sampleWithZone, { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' });
});
afterAll(() => tmp.remove());

describe('readCloudAssembly on the synthesized sample', () => {
  test('reads each stack\'s region, routing role, resource services, deployment roles and invoker profiles', () => {
    const stacks = readCloudAssembly(sample);
    expect(stacks.map(s => `${s.name}@${s.region}${s.routing ? ' (routing)' : ''}`).sort()).toEqual([
      'BedrockEu-eu-central-1@eu-central-1', 'BedrockEu-eu-west-1@eu-west-1', 'BedrockEu-eu-west-3@eu-west-3',
      'BedrockEu-routing@us-east-1 (routing)', 'BedrockUs-routing@us-east-1 (routing)', 'BedrockUs-us-east-1@us-east-1', 'BedrockUs-us-west-2@us-west-2',
    ]);
    const routing = stacks.find(s => s.name === 'BedrockEu-routing')!;
    expect(routing).toMatchObject({ displayName: 'BedrockEu/Routing', account: '111111111111', profileIds: [] });
    expect(routing.services).toContain('cloudwatch');
    expect(routing.services).not.toContain('lambda');
    expect(routing.deploymentRoleArns).toEqual([
      'arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-us-east-1',
      'arn:aws:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-us-east-1',
      'arn:aws:iam::111111111111:role/cdk-hnb659fds-file-publishing-role-111111111111-us-east-1',
    ]);
    const euWest1 = stacks.find(s => s.name === 'BedrockEu-eu-west-1')!;
    expect(euWest1.services).toEqual(expect.arrayContaining(['apigateway', 'lambda', 'logs']));
    expect(euWest1.profileIds).toEqual(['eu.anthropic.claude-3-7-sonnet-20250219-v1:0']);
    expect(stacks.find(s => s.name === 'BedrockUs-us-west-2')!.profileIds)
      .toEqual(['us.amazon.nova-pro-v1:0', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0']);
  });

  test.each([['without', () => sample], ['with', () => sampleWithZone]])(
    'the default services cover what the sample\'s stacks create (%s a hosted zone)', (_name, dir) => {
      for (const stack of readCloudAssembly(dir())) {
        const defaults = stack.routing ? DEFAULT_ROUTING_STACK_SERVICES : DEFAULT_REGIONAL_STACK_SERVICES;
        expect({ stack: stack.name, missing: stack.services.filter(s => !defaults.includes(s)) }).toEqual({ stack: stack.name, missing: [] });
      }
    });

  test('gives the stacks as SCP options, selects them by name or path, and generalises the roles to any account', () => {
    const stacks = readCloudAssembly(sample);
    const eu = stacks.filter(s => stackMatches(s, 'BedrockEu-*'));
    expect(eu).toHaveLength(4);
    expect(stacks.filter(s => stackMatches(s, 'BedrockUs/Routing')).map(s => s.name)).toEqual(['BedrockUs-routing']);
    expect(deploymentStacksOf(eu).find(s => s.routing)).toEqual({
      name: 'BedrockEu-routing', region: 'us-east-1', routing: true, services: eu.find(s => s.routing)!.services,
    });
    expect(deploymentRolePatterns(eu, ['us-east-1'])).toEqual([
      'arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*-us-east-1',
      'arn:aws:iam::*:role/cdk-hnb659fds-deploy-role-*-us-east-1',
      'arn:aws:iam::*:role/cdk-hnb659fds-file-publishing-role-*-us-east-1',
    ]);
  });
});

describe('readCloudAssembly on other apps', () => {
  test('reads the stacks of a stage (a nested assembly)', () => {
    const outdir = path.join(tmp.dir, 'staged');
    const app = new App({ outdir });
    const stage = new Stage(app, 'Prod', { env: { account: '222222222222', region: 'eu-north-1' } });
    new sns.Topic(new Stack(stage, 'Alerts'), 'Topic');
    app.synth();
    expect(readCloudAssembly(outdir)).toEqual([expect.objectContaining({
      name: 'Prod-Alerts', region: 'eu-north-1', account: '222222222222', routing: false, services: ['sns'],
    })]);
  });

  test('refuses an environment-agnostic stack, and a folder that is not a cloud assembly', () => {
    const outdir = path.join(tmp.dir, 'agnostic');
    const app = new App({ outdir });
    new sns.Topic(new Stack(app, 'Anywhere'), 'Topic');
    app.synth();
    expect(() => readCloudAssembly(outdir)).toThrow(/Stack 'Anywhere' is environment-agnostic \(aws:\/\/unknown-account\/unknown-region\).*--deployment-regions/);
    const empty = path.join(tmp.dir, 'empty');
    fs.mkdirSync(empty);
    expect(() => readCloudAssembly(empty)).toThrow(/Not a synthesized CDK app \(cdk\.out folder\): cannot read '.*manifest\.json'/);
  });
});

describe('iamPrefixOfResourceType', () => {
  test.each([
    ['AWS::Lambda::Function', 'lambda'],
    ['AWS::ApiGateway::RestApi', 'apigateway'],
    ['AWS::ApiGatewayV2::Api', 'apigateway'],
    ['AWS::CertificateManager::Certificate', 'acm'],
    ['AWS::StepFunctions::StateMachine', 'states'],
    ['AWS::CloudWatch::Alarm', 'cloudwatch'],
    ['Custom::LogRetention', undefined],
    ['AWS::CloudFormation::CustomResource', undefined],
  ])('%s → %s', (type, prefix) => {
    expect(iamPrefixOfResourceType(type)).toBe(prefix);
  });
});
