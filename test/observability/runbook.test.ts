import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Stage, Token } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { CrossRegionInferenceProfile, InferenceAuditTrail, InvokerAlarms, RegionalInvoker } from '../../lib';
import { auditTrailRunbookEntries, invokerAlarmsRunbookEntries, renderRunbook, Runbook, RunbookModel } from '../../lib/observability/private/runbook';

const FAILOVER_TIME = {
  worstCaseSeconds: 150,
  breakdown: [{ label: 'Endpoint detection (10 s × 3)', seconds: 30 }, { label: 'Alarm detection (60 s × 1)', seconds: 60 }, { label: 'Record TTL', seconds: 60 }],
};

function model(overrides: Partial<RunbookModel> = {}): RunbookModel {
  return {
    title: 'chat-api',
    routingPattern: 'active-passive',
    routingDetail: 'failover records',
    domainName: 'chat.example.com',
    regions: [
      { region: 'eu-west-1', role: 'primary', fallbackRegions: ['eu-central-1'], stackName: 'Chat-eu-west-1' },
      { region: 'eu-central-1', role: 'secondary', fallbackRegions: ['eu-west-1'], stackName: 'Chat-eu-central-1' },
    ],
    healthChecks: [
      { region: 'eu-west-1', healthCheckId: 'hc-primary', type: 'calculated (HTTPS + error alarm)' },
      { region: 'eu-central-1', healthCheckId: 'hc-secondary', type: 'calculated (HTTPS + error alarm)' },
    ],
    failoverTime: FAILOVER_TIME,
    alarms: [{ title: 'Error rate in this region', region: 'eu-west-1', meaning: 'M.', firstCheck: 'C.', action: 'A.' }],
    dashboard: { name: 'chat-api', region: 'us-east-1' },
    auditQuery: { name: 'Bedrock/Where inference ran', region: 'eu-west-1' },
    ...overrides,
  };
}

describe('renderRunbook', () => {
  test('regions and roles, routing pattern, health checks and the worst-case failover time with its breakdown', () => {
    const text = renderRunbook(model());
    expect(text).toMatch(/^# Runbook: chat-api/);
    expect(text).toContain('| eu-west-1 | primary | eu-central-1 | (see the stack outputs) | Chat-eu-west-1 |');
    expect(text).toContain('| eu-central-1 | secondary | eu-west-1 |');
    expect(text).toContain('Pattern: **active-passive** (failover records).');
    expect(text).toContain('Callers use `chat.example.com`.');
    expect(text).toContain('| eu-west-1 | `hc-primary` | calculated (HTTPS + error alarm) | yes |');
    expect(text).toContain('**150 s (2 min 30 s)**');
    expect(text).toContain('| Endpoint detection (10 s × 3) | 30 |');
    expect(text).toContain('| Record TTL | 60 |');
  });

  test('every alarm with what it means, what to check first and what to do', () => {
    const text = renderRunbook(model({
      alarms: [
        { title: 'Failover frequency', region: 'eu-west-1', location: 'stack S, alarm X', meaning: 'Meaning one.', firstCheck: 'Check one.', action: 'Do one.' },
        { title: 'Throttle rate in this region', region: 'eu-central-1', meaning: 'Meaning two.', firstCheck: 'Check two.', action: 'Do two.' },
      ],
    }));
    expect(text).toContain('### Failover frequency (eu-west-1)\n\nWhere: stack S, alarm X.\n\n- **What it means:** Meaning one.\n- **Check first:** Check one.\n- **What to do:** Do one.');
    expect(text).toContain('### Throttle rate in this region (eu-central-1)');
    expect(text).toContain('- **What to do:** Do two.');
  });

  test('active-passive: fail over and back by inverting the primary\'s record health check; never SetAlarmState', () => {
    const text = renderRunbook(model());
    expect(text).toContain('**Fail over** from the primary eu-west-1 to eu-central-1');
    expect(text).toContain('aws route53 update-health-check --health-check-id hc-primary --inverted');
    expect(text).toContain('aws route53 update-health-check --health-check-id hc-primary --no-inverted');
    expect(text).toContain('aws route53 update-health-check --health-check-id hc-primary --disabled');
    expect(text).toMatch(/Do not use `aws cloudwatch set-alarm-state`/);
    expect(text).not.toMatch(/Take a region out|Fail over to the standby/);
  });

  test('active-active: take any region out by inverting its health check', () => {
    const text = renderRunbook(model({
      routingPattern: 'active-active',
      routingDetail: 'latency records',
      regions: [{ region: 'eu-west-1', role: 'active' }, { region: 'eu-central-1', role: 'active' }],
    }));
    expect(text).toContain('Pattern: **active-active** (latency records).');
    expect(text).toContain('every region serves');
    expect(text).toContain('**Take one region out**');
    // One labelled line per region, so nobody pastes the whole block and takes every region out.
    expect(text).toContain('# eu-west-1\naws route53 update-health-check --health-check-id hc-primary --inverted\n# eu-central-1\n'
      + 'aws route53 update-health-check --health-check-id hc-secondary --inverted');
    expect(text).not.toContain('**Fail over** from the primary');
  });

  test('health check ids known only at deploy time: the commands read them back with the given lookup', () => {
    const lookup = '$(aws cloudformation describe-stacks --stack-name R --query "Stacks[0].Outputs[?OutputKey==\'k\'].OutputValue" --output text)';
    const text = renderRunbook(model({
      healthChecks: [{ region: 'eu-west-1', healthCheckId: Token.asString({ Ref: 'Check' }), type: 'calculated', idLookup: lookup }],
    }));
    expect(text).toContain(`aws route53 update-health-check --health-check-id ${lookup} --inverted`);
    expect(text).not.toContain('<health check id of eu-west-1>');
  });

  test('drills: projen drill locally, invert the health check in AWS, FIS only on a non-streaming canary', () => {
    const text = renderRunbook(model());
    expect(text).toContain('`npx projen drill`');
    expect(text).toContain('invert the primary region\'s health check (`aws route53 update-health-check --health-check-id hc-primary --inverted`)');
    expect(text).toContain('`x-invoker-served-region`');
    expect(text).toMatch(/cannot be used with response streaming/);
    expect(text).toMatch(/non-streaming canary function/);
  });

  test('deploy-time ids are rendered as lookup hints, not token strings', () => {
    const stack = new Stack(new App(), 'S');
    const check = new route53.HealthCheck(stack, 'C', { type: route53.HealthCheckType.HTTPS, fqdn: 'example.com' });
    const text = renderRunbook(model({ healthChecks: [{ region: 'eu-west-1', healthCheckId: check.healthCheckId, type: 'HTTPS' }] }));
    expect(text).not.toContain('${Token');
    expect(text).toContain('(assigned at deploy time: `aws route53 list-health-checks`');
    expect(text).toContain('--health-check-id <health check id of eu-west-1> --inverted');
  });

  test('the dashboard and the audit query are referenced', () => {
    const text = renderRunbook(model());
    expect(text).toContain('CloudWatch dashboard `chat-api` in us-east-1');
    expect(text).toContain('saved Logs Insights query `Bedrock/Where inference ran` in eu-west-1');
    expect(renderRunbook(model({ dashboard: undefined, auditQuery: undefined }))).not.toMatch(/dashboard `|Logs Insights query `/);
  });

  test('without DNS routing: says so, offers no health-check commands or DNS failover time, keeps alarms and the local drill', () => {
    const text = renderRunbook(model({ domainName: undefined, healthChecks: [], failoverTime: { worstCaseSeconds: 0, breakdown: [] } }));
    expect(text).toContain('## DNS routing is off');
    expect(text).toMatch(/point callers at another region's URL/);
    expect(text).not.toMatch(/update-health-check|Worst-case DNS failover time/);
    expect(text).toContain('### Error rate in this region (eu-west-1)');
    expect(text).toContain('CloudWatch dashboard `chat-api` in us-east-1');
    expect(text).toContain('npx projen drill');
  });
});

describe('runbook entries from the constructs', () => {
  test('InvokerAlarms and InferenceAuditTrail give one entry per alarm, with where to find it', () => {
    const app = new App();
    const stack = new Stack(app, 'Chat-eu-west-1', { env: { account: '111111111111', region: 'eu-west-1' } });
    const invoker = new RegionalInvoker(stack, 'Invoker', {
      profiles: [CrossRegionInferenceProfile.fromId('eu.anthropic.claude-3-7-sonnet-20250219-v1:0')], fallbackRegions: ['eu-central-1'],
    });
    const alarms = new InvokerAlarms(stack, 'Alarms', { invoker });
    const audit = new InferenceAuditTrail(stack, 'Audit', { sourceRegions: ['eu-west-1'] });
    const entries = [...invokerAlarmsRunbookEntries(alarms), ...auditTrailRunbookEntries(audit)];
    expect(entries.map(e => e.title)).toEqual([
      'Failover frequency', 'Secondary regions serve the majority', 'Latency regression', 'Error rate in this region', 'Throttle rate in this region',
      'Bedrock rejects most requests in this region', 'Handler function failing or throttled', 'API answers with 5xx',
      'Unusual cross-region activity',
    ]);
    expect(entries.every(e => e.region === 'eu-west-1' && e.meaning && e.firstCheck && e.action)).toBe(true);
    expect(entries[0].location).toBe(`stack Chat-eu-west-1, alarm ${stack.getLogicalId(alarms.failoverFrequency.node.defaultChild as any)}`);
    expect(entries.at(-1)!.firstCheck).toContain('Bedrock/Where inference ran');
  });
});

describe('Runbook construct', () => {
  test('writes the Markdown into the cloud assembly directory, next to the templates', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'Routing', { env: { account: '111111111111', region: 'us-east-1' } });
    new route53.HealthCheck(stack, 'C', { type: route53.HealthCheckType.HTTPS, fqdn: 'example.com' });
    const runbook = new Runbook(stack, 'Runbook', { model: model() });
    const assembly = app.synth();
    expect(assembly.directory).toBe(outdir);
    expect(runbook.fileName).toBe('Routing-Runbook.runbook.md');
    const written = fs.readFileSync(path.join(outdir, 'Routing-Runbook.runbook.md'), 'utf8');
    expect(written).toBe(renderRunbook(model()));
    expect(fs.existsSync(path.join(outdir, 'Routing.template.json'))).toBe(true);
  });

  test('in a Stage, the file lands in that stage\'s assembly directory; the name is a prop', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-'));
    const app = new App({ outdir });
    const stage = new Stage(app, 'Prod');
    const stack = new Stack(stage, 'Routing', { env: { account: '111111111111', region: 'us-east-1' } });
    new route53.HealthCheck(stack, 'C', { type: route53.HealthCheckType.HTTPS, fqdn: 'example.com' });
    new Runbook(stack, 'Runbook', { model: model(), fileName: 'RUNBOOK.md' });
    const stageAssembly = app.synth().getNestedAssembly('assembly-Prod');
    expect(fs.readFileSync(path.join(stageAssembly.directory, 'RUNBOOK.md'), 'utf8')).toContain('# Runbook: chat-api');
  });

  test('rejects a file name that would escape the assembly directory', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => new Runbook(stack, 'R', { model: model(), fileName: '../x.md' })).toThrow(/plain file name/);
    expect(() => new Runbook(stack, 'R2', { model: model(), fileName: '.hidden' })).toThrow(/plain file name/);
  });
});
