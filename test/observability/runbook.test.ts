import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack, Stage, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import {
  BedrockModelIdDimension, CrossRegionInferenceApi, CrossRegionInferenceProfile, InferenceAuditTrail, InferenceEndpointOptions, InvokerAlarms,
  RegionalInferenceAudit, RegionalInvoker, RoutingPattern,
} from '../../lib';
import { auditTrailRunbookEntries, regionalAuditRunbookEntries } from '../../lib/observability/private/audit-runbook';
import { invokerAlarmsRunbookEntries, renderRunbook, Runbook, RunbookModel } from '../../lib/observability/private/runbook';
import { alarmStateCommand } from '../../lib/observability/private/runbook-alarms';
import { baselineOf, metricStatisticsCommand } from '../../lib/observability/private/runbook-baseline';

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

  test('every alarm with what it means, what to check first and what to do, and where it is', () => {
    const text = renderRunbook(model({
      alarms: [
        { title: 'Failover frequency', region: 'eu-west-1', location: 'stack S, alarm X', meaning: 'Meaning one.', firstCheck: 'Check one.', action: 'Do one.' },
        { title: 'Throttle rate in this region', region: 'eu-central-1', meaning: 'Meaning two.', firstCheck: 'Check two.', action: 'Do two.' },
      ],
    }));
    expect(text).toContain('### Failover frequency\n\n- **What it means:** Meaning one.\n- **Check first:** Check one.\n- **What to do:** Do one.\n\n'
      + '| Region | Role | Alarm | Show its state |\n|---|---|---|---|\n| eu-west-1 | primary | stack S, alarm X | - |');
    expect(text).toContain('### Throttle rate in this region');
    expect(text).toContain('- **What to do:** Do two.');
  });

  test('one section per alarm, its text once, with a table row per region and the command that shows each region\'s alarm', () => {
    const guide = { title: 'Error rate in this region', meaning: 'M.', firstCheck: 'C.', action: 'A.' };
    const text = renderRunbook(model({
      alarms: [
        { ...guide, region: 'eu-west-1', alarm: { region: 'eu-west-1', stackName: 'Chat-eu-west-1', logicalId: 'ErrorRateA1' } },
        { ...guide, region: 'eu-central-1', alarm: { region: 'eu-central-1', stackName: 'Chat-eu-central-1', logicalId: 'ErrorRateA1', alarmName: 'chat-errors' } },
      ],
    }));
    expect(text.match(/### Error rate in this region/g)).toHaveLength(1);
    expect(text.match(/\*\*What it means:\*\* M\./g)).toHaveLength(1);
    expect(text).toContain('| eu-west-1 | primary | stack Chat-eu-west-1, logical id ErrorRateA1 | `aws cloudwatch describe-alarms --region eu-west-1 --alarm-names '
      + '"$(aws cloudformation describe-stack-resource --region eu-west-1 --stack-name Chat-eu-west-1 --logical-resource-id ErrorRateA1 '
      + '--query StackResourceDetail.PhysicalResourceId --output text)" --query "MetricAlarms[].[AlarmName, StateValue, StateUpdatedTimestamp]" --output table` |');
    // A name given at synth is used as it is.
    expect(text).toContain('| eu-central-1 | secondary | `chat-errors` | `aws cloudwatch describe-alarms --region eu-central-1 --alarm-names chat-errors --query');
  });

  test('entries of one alarm that say different things keep every text, each naming its regions', () => {
    const text = renderRunbook(model({
      alarms: [
        { title: 'Audit', region: 'eu-west-1', meaning: 'From eu-west-1.', firstCheck: 'C.', action: 'A.' },
        { title: 'Audit', region: 'eu-central-1', meaning: 'From eu-central-1.', firstCheck: 'C.', action: 'A.' },
      ],
    }));
    expect(text.match(/### Audit/g)).toHaveLength(1);
    expect(text).toContain('- **What it means (eu-west-1):** From eu-west-1.\n- **What it means (eu-central-1):** From eu-central-1.\n- **Check first:** C.');
  });

  test('the baseline section: expected figures per region, "not stated" for the missing ones, and a command per series', () => {
    const series = { label: 'Latency seen by callers', namespace: 'NS', metricName: 'Latency', dimensions: { service: 'svc', Region: 'eu-west-1' }, region: 'eu-west-1' };
    const text = renderRunbook(model({
      baselines: [
        { region: 'eu-west-1', expected: { latencyP50Ms: 900, latencyP99Ms: 4000, timeToFirstTokenP50Ms: 300 }, series: [series], latencyAnomalyBand: true },
        { region: 'eu-central-1', series: [], latencyAnomalyBand: false },
      ],
    }));
    expect(text).toContain('| eu-west-1 | primary | 900 ms / 4000 ms | 300 ms / not stated | an anomaly band learnt from its history |');
    expect(text).toContain('| eu-central-1 | secondary | not stated / not stated | not stated / not stated | a fixed threshold |');
    expect(text).toContain(`### eu-west-1 (primary)\n\n\`\`\`sh\n# Latency seen by callers (NS Latency)\n${metricStatisticsCommand(series)}\n\`\`\``);
    expect(text.indexOf('## Baseline performance')).toBeLessThan(text.indexOf('## Alarms'));
    expect(renderRunbook(model())).not.toContain('## Baseline performance');
  });

  test('metricStatisticsCommand reads the daily p50 and p99 of the last two weeks of exactly that series', () => {
    const command = metricStatisticsCommand({ label: 'x', namespace: 'AWS/Bedrock', metricName: 'TimeToFirstToken', dimensions: { ModelId: 'eu.m-v1:0' }, region: 'eu-west-3' });
    expect(command).toBe([
      'aws cloudwatch get-metric-statistics --region eu-west-3',
      '--namespace AWS/Bedrock --metric-name TimeToFirstToken',
      '--dimensions \'Name=ModelId,Value=eu.m-v1:0\'',
      '--extended-statistics p50 p99 --period 86400',
      '--start-time "$(date -u -d \'14 days ago\' +%Y-%m-%dT%H:%M:%SZ)" --end-time "$(date -u +%Y-%m-%dT%H:%M:%SZ)"',
      '--query "sort_by(Datapoints, &Timestamp)[].[Timestamp, ExtendedStatistics.p50, ExtendedStatistics.p99]" --output table',
    ].join(' \\\n  '));
  });

  test('alarmStateCommand: a deploy-time region becomes a placeholder', () => {
    expect(alarmStateCommand({ region: Token.asString({ Ref: 'AWS::Region' }), stackName: 'S', logicalId: 'L' }))
      .toMatch(/^aws cloudwatch describe-alarms --region <region> --alarm-names "\$\(aws cloudformation describe-stack-resource --region <region> --stack-name S --logical-resource-id L /);
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

  test('drills: the package drill command locally, invert the health check in AWS, FIS only on a non-streaming canary', () => {
    const text = renderRunbook(model());
    expect(text).toContain('`npx cdk-bedrock-cross-region drill`');
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
    expect(text).toContain('### Error rate in this region\n');
    expect(text).toContain('CloudWatch dashboard `chat-api` in us-east-1');
    expect(text).toContain('npx cdk-bedrock-cross-region drill');
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
    const logicalId = stack.resolve(stack.getLogicalId(alarms.failoverFrequency.node.defaultChild as any));
    expect(entries[0].location).toBe(`stack Chat-eu-west-1, alarm ${logicalId}`);
    expect(entries[0].alarm).toEqual({ region: 'eu-west-1', stackName: 'Chat-eu-west-1', logicalId, alarmName: undefined });
    expect(entries.at(-1)!.firstCheck).toContain('Bedrock/Where inference ran');
  });
});

describe('what the runbook entries add to the alarms', () => {
  test('the latency entry points at the baseline section; the alarm description, read without a runbook, does not', () => {
    const app = new App();
    const stack = new Stack(app, 'Chat-eu-west-1', { env: { account: '111111111111', region: 'eu-west-1' } });
    const invoker = new RegionalInvoker(stack, 'Invoker', {
      profiles: [CrossRegionInferenceProfile.fromId('eu.anthropic.claude-3-7-sonnet-20250219-v1:0')], fallbackRegions: ['eu-central-1'],
    });
    const alarms = new InvokerAlarms(stack, 'Alarms', { invoker });
    const latency = invokerAlarmsRunbookEntries(alarms).find(e => e.title === 'Latency regression')!;
    expect(latency.firstCheck).toMatch(/^Compare "Latency p50\/p90\/p99".*The runbook's baseline section prints this region's expected figures/);
    const logicalId = stack.getLogicalId(alarms.latency.node.defaultChild as any);
    const description = Template.fromStack(stack).toJSON().Resources[logicalId].Properties.AlarmDescription;
    expect(description).toContain('First check: Compare "Latency p50/p90/p99"');
    expect(description).not.toMatch(/runbook/i);
  });

  test('both audits give the same two entries, worded for a region of their own or for the trail\'s source regions', () => {
    const app = new App();
    const env = { account: '111111111111', region: 'eu-west-1' };
    const allowedInferenceRegions = ['eu-west-1', 'eu-west-3'];
    const regional = new RegionalInferenceAudit(new Stack(app, 'Regional', { env }), 'Audit', { deploymentName: 'BedrockEu', allowedInferenceRegions });
    const trail = new InferenceAuditTrail(new Stack(app, 'Trail', { env }), 'Audit', { sourceRegions: ['eu-west-1', 'eu-west-3'], allowedInferenceRegions });
    const [own, trails] = [regionalAuditRunbookEntries(regional), auditTrailRunbookEntries(trail)];
    for (const entries of [own, trails]) {
      expect(entries.map(e => [e.title, e.region])).toEqual([['Unusual cross-region activity', 'eu-west-1'], ['Inference outside the allowed regions', 'eu-west-1']]);
      expect(entries[1].meaning).toContain('ran outside eu-west-1, eu-west-3: a breach');
      expect(entries[1].action).toContain('deny the region organisation-wide with an SCP (npx cdk-bedrock-cross-region generate-scp)');
    }
    expect(own[0].meaning).toContain('More Bedrock calls than usual made in this region ran in another region');
    expect(own[0].firstCheck).toBe('Run the saved Logs Insights query "Bedrock/BedrockEu/Where inference ran from eu-west-1" in this region over the alarm window: '
      + 'which profiles, callers and inference regions?');
    expect(own[0].action).toContain('if this region throttles, raise its quota');
    expect(trails[0].meaning).toContain('More Bedrock calls than usual from eu-west-1, eu-west-3 ran in another region');
    expect(trails[1].firstCheck)
      .toBe('Run the saved Logs Insights query "Bedrock/Where inference ran" in eu-west-1: which profile and caller, and which inference region?');
    expect(trails[0].action).toContain('if the source region throttles, raise its quota');
    expect(trails[0].alarm).toEqual({ region: 'eu-west-1', stackName: 'Trail', logicalId: expect.stringMatching(/^AuditUnusualCrossRegionActivity/), alarmName: undefined });
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

describe('the runbook of a deployment', () => {
  const EU = CrossRegionInferenceProfile.fromId('eu.anthropic.claude-3-7-sonnet-20250219-v1:0');
  const REGIONS = ['eu-west-1', 'eu-central-1', 'eu-west-3'];

  function deploy(endpoint: Partial<InferenceEndpointOptions> = {}) {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-')) });
    const api = new CrossRegionInferenceApi(app, 'Bedrock', {
      account: '111111111111',
      domain: { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      endpoints: [{
        name: 'chat',
        profiles: [EU],
        routing: RoutingPattern.activePassive({ primary: REGIONS[0], secondaries: REGIONS.slice(1) }),
        ...endpoint,
      }],
    });
    const text = fs.readFileSync(path.join(app.synth().directory, api.runbookFiles[0]), 'utf-8');
    return { api, text };
  }

  /** The text from a heading to the next heading of the same or a higher level. */
  function section(text: string, heading: string): string {
    const start = text.indexOf(`\n${heading}\n`);
    expect(start).toBeGreaterThanOrEqual(0);
    const level = heading.split(' ')[0];
    const rest = text.slice(start + heading.length + 2);
    const next = rest.search(new RegExp(`\\n#{2,${level.length}} `)); // not '# ', the shell comments in code blocks
    return next < 0 ? rest : rest.slice(0, next);
  }

  const { api, text } = deploy();

  test('each alarm has one section, whose table lists every region that has it', () => {
    const titles = [...text.matchAll(/^### (.+)$/gm)].map(m => m[1]).filter(t => !REGIONS.some(r => t.startsWith(`${r} (`)));
    expect(titles).toEqual([...new Set(titles)]);
    for (const title of ['Failover frequency', 'Latency regression', 'Error rate in this region', 'Throttle rate in this region',
      'Handler function failing or throttled', 'API answers with 5xx', 'Route 53 health check unhealthy']) {
      expect(titles).toContain(title);
      const body = section(text, `### ${title}`);
      expect(body.match(/\*\*What it means:\*\*/g)).toHaveLength(1);
      for (const region of REGIONS) {
        expect(body).toMatch(new RegExp(`^\\| ${region} \\| (primary|secondary \\d) \\| .* \\| \`aws cloudwatch describe-alarms --region `, 'm'));
      }
    }
  });

  test('each region\'s row shows that region\'s alarm, in the stack it lives in', () => {
    const body = section(text, '### Error rate in this region');
    for (const region of REGIONS) {
      const stack = api.regionalStack(region);
      const alarm = api.invoker('chat', region).node.scope!.node.findChild('chatAlarms').node.findChild('ErrorRate');
      const logicalId = stack.resolve(stack.getLogicalId((alarm as any).node.defaultChild));
      expect(body).toContain(`--region ${region} --stack-name ${stack.stackName} --logical-resource-id ${logicalId} `);
    }
    // Health-check alarms are about a region but live in the routing stack in us-east-1.
    expect(section(text, '### Route 53 health check unhealthy')).toMatch(/^\| eu-central-1 \| secondary 1 \| stack Bedrock-routing, .*--region us-east-1 /m);
  });

  test('the baseline commands name the invoker\'s Latency and Bedrock\'s TimeToFirstToken with the deployed dimensions, per region', () => {
    const baseline = section(text, '## Baseline performance');
    expect(baseline).toContain('No expected figures were given (set `performanceBaselines` on the endpoint)');
    for (const region of REGIONS) {
      const commands = section(baseline, `### ${region} (${region === REGIONS[0] ? 'primary' : `secondary ${REGIONS.indexOf(region)}`})`);
      // The dimensions of the latency series are the ones the deployed latency alarm reads.
      const alarm = Object.values<any>(Template.fromStack(api.regionalStack(region)).findResources('AWS::CloudWatch::Alarm'))
        .flatMap(a => a.Properties.Metrics ?? []).find((m: any) => m.MetricStat?.Metric.MetricName === 'Latency');
      const deployed = (alarm.MetricStat.Metric.Dimensions as Array<{ Name: string; Value: string }>).map(d => `'Name=${d.Name},Value=${d.Value}'`);
      expect(deployed).toContain(`'Name=Region,Value=${region}'`);
      const latency = new RegExp(`aws cloudwatch get-metric-statistics --region ${region} \\\\\\n  --namespace ${alarm.MetricStat.Metric.Namespace} `
        + '--metric-name Latency \\\\\\n  --dimensions (.*) \\\\\\n  --extended-statistics p50 p99').exec(commands);
      expect(latency).not.toBeNull();
      expect(latency![1].split(' ').sort()).toEqual(deployed.sort());
      expect(commands).toContain(`--namespace AWS/Bedrock --metric-name TimeToFirstToken \\\n  --dimensions 'Name=ModelId,Value=${EU.profileId}' `);
      expect(commands.match(/get-metric-statistics --region /g)).toHaveLength(3);
      expect(commands).not.toMatch(new RegExp(`--region (?!${region} )`));
    }
  });


  test('baselines given on the endpoint are rendered for their regions', () => {
    const given = deploy({
      performanceBaselines: [
        { region: 'eu-west-1', latencyP50: Duration.millis(1200), latencyP99: Duration.seconds(8), timeToFirstTokenP50: Duration.millis(450) },
        { region: 'eu-west-3', timeToFirstTokenP99: Duration.seconds(2) },
      ],
    }).text;
    expect(given).toContain('| eu-west-1 | primary | 1200 ms / 8000 ms | 450 ms / not stated | an anomaly band learnt from its history |');
    expect(given).toContain('| eu-central-1 | secondary 1 | not stated / not stated | not stated / not stated |');
    expect(given).toContain('| eu-west-3 | secondary 2 | not stated / not stated | not stated / 2000 ms |');
    expect(given).not.toContain('No expected figures were given');
  });

  test.each([
    [[{ region: 'us-east-1', latencyP50: Duration.seconds(1) }], /performanceBaselines of endpoint 'chat' names 'us-east-1', which is not one of its regions \(eu-west-1, eu-central-1, eu-west-3\)/],
    [[{ region: 'eu-west-1' }, { region: 'eu-west-1' }], /lists 'eu-west-1' twice/],
    [[{ region: 'eu-west-1', latencyP50: Duration.seconds(2), latencyP99: Duration.seconds(1) }], /eu-west-1: latencyP99 \(1000 ms\) is below latencyP50 \(2000 ms\)/],
  ])('a wrong baseline is refused at construction: %j', (performanceBaselines, message) => {
    expect(() => deploy({ performanceBaselines })).toThrow(message);
  });

  test('baselineOf reads the series from the invoker\'s own metrics, in its own region', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'eu-west-3' } });
    const invoker = new RegionalInvoker(stack, 'Invoker', { profiles: [EU], fallbackRegions: ['eu-west-1'] });
    const baseline = baselineOf(invoker);
    expect(baseline.region).toBe('eu-west-3');
    expect(baseline.series.map(s => [s.namespace, s.metricName, s.dimensions, s.region])).toEqual([
      ['CdkBedrockCrossRegion/Invoker', 'Latency', { service: invoker.serviceName, Region: 'eu-west-3' }, 'eu-west-3'],
      ['CdkBedrockCrossRegion/Invoker', 'TimeToFirstToken', { service: invoker.serviceName, Region: 'eu-west-3' }, 'eu-west-3'],
      ['AWS/Bedrock', 'TimeToFirstToken', { ModelId: EU.profileId }, 'eu-west-3'],
    ]);
    // Bedrock's series follow the dashboard's ModelId choice.
    expect(baselineOf(invoker, { modelIdDimension: BedrockModelIdDimension.PROFILE_AND_MODEL_ID }).series.slice(2).map(s => s.dimensions))
      .toEqual([{ ModelId: EU.profileId }, { ModelId: EU.modelId }]);
  });
});
