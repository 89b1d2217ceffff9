import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildSampleApp, PLACEHOLDER_ACCOUNT, readSampleSettings } from '../../bin/sample-app';
import { nagFindings } from '../support/nag';
import { withoutAssetHashes } from '../support/snapshot';

describe('sample app', () => {
  test('synthesizes offline with placeholder account and regions', () => {
    const app = new App();
    const settings = readSampleSettings(app, {});
    expect(settings).toEqual({
      account: PLACEHOLDER_ACCOUNT,
      domain: undefined,
      activePassiveRegions: ['eu-west-1', 'eu-central-1', 'eu-west-3'],
      activeActiveRegions: ['us-east-1', 'us-west-2'],
    });
    const [eu, us] = buildSampleApp(app, settings);
    const assembly = app.synth();
    expect(assembly.stacks.map(s => s.stackName).sort()).toEqual([
      'BedrockEu-eu-central-1', 'BedrockEu-eu-west-1', 'BedrockEu-eu-west-3', 'BedrockEu-routing',
      'BedrockUs-routing', 'BedrockUs-us-east-1', 'BedrockUs-us-west-2',
    ]);
    expect(eu.invoker('eu-chat', 'eu-west-1').regionPlan).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-3']);
    expect(us.invoker('batch', 'us-west-2').regionPlan).toEqual(['us-west-2', 'us-east-1']);
  });

  test('context and environment override the placeholders', () => {
    const app = new App({ context: { account: '222222222222', zoneName: 'example.org', hostedZoneId: 'Z99', activePassiveRegions: 'eu-central-1,eu-west-1' } });
    const settings = readSampleSettings(app, { SAMPLE_ACTIVE_ACTIVE_REGIONS: 'us-east-2, us-east-1' });
    expect(settings).toEqual({
      account: '222222222222',
      domain: { zoneName: 'example.org', hostedZoneId: 'Z99' },
      activePassiveRegions: ['eu-central-1', 'eu-west-1'],
      activeActiveRegions: ['us-east-2', 'us-east-1'],
    });
    expect(() => readSampleSettings(new App({ context: { zoneName: 'example.org' } }), {})).toThrow(/Give both zoneName and hostedZoneId/);
  });

  test.each([
    ['without a hosted zone', {}],
    ['with a hosted zone', { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
  ])('matches the snapshot and passes cdk-nag %s', (_name, context) => {
    const app = new App({ context });
    buildSampleApp(app, readSampleSettings(app, {}));
    expect(nagFindings(app)).toEqual([]);
    const templates = Object.fromEntries(app.synth().stacks.map(s => [s.stackName, withoutAssetHashes(s.template)]));
    expect(templates).toMatchSnapshot();
  });

  test('the DNS deployment routes each endpoint as configured', () => {
    const app = new App({ context: { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' } });
    const [eu, us] = buildSampleApp(app, readSampleSettings(app, {}));
    const failovers = Object.values<any>(Template.fromStack(eu.routingStack).findResources('AWS::Route53::RecordSet')).map(r => r.Properties.Failover);
    expect(failovers).toEqual(['PRIMARY', 'SECONDARY', 'PRIMARY', 'SECONDARY']);
    const usRecords = Object.values<any>(Template.fromStack(us.routingStack).findResources('AWS::Route53::RecordSet')).map(r => r.Properties);
    expect(usRecords.filter(r => r.Name === 'chat.example.com.').map(r => r.Region)).toEqual(['us-east-1', 'us-west-2']);
    // The honest bound with the default canary (2 failed runs of 1 min, 10 s timeout, metric delivery and Route 53's read) and TTL 30 s.
    expect(eu.worstCaseFailoverTime.toSeconds()).toBe(280);
    expect(eu.failbackTime.toSeconds()).toBe(280);
  });
});
