import * as fs from 'fs';
import * as path from 'path';
import { Annotations, attachCustomSynthesis, ISynthesisSession, Stack, Stage, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { INVOKER_ALARM_GUIDE, InvokerAlarmGuide } from './alarm-guide';
import { alarmIdentityOf, RunbookAlarmIdentity, renderAlarmSections } from './runbook-alarms';
import { LATENCY_BASELINE_POINTER, renderBaselines, RunbookBaseline } from './runbook-baseline';
import { renderOutageDrillSection, RunbookOutageDrillSection } from './runbook-outage-drill';
import { cliCommand } from '../../shared/package-cli';
import { InvokerAlarms } from '../invoker-alarms';

/*
 * The deployment runbook: a pure renderer from a plain model, and a construct that writes it into the
 * cloud assembly at synth. Internal: the topology construct fills the model; neither is exported from
 * lib/index.ts.
 */

/** How Route 53 spreads traffic over the regions. */
export type RunbookRoutingPattern = 'active-passive' | 'active-active';

/** A deployed region. */
export interface RunbookRegion {
  readonly region: string;
  /** e.g. 'primary', 'secondary 1', 'active'. */
  readonly role: string;
  /** Regions its invoker falls back to, in order (RegionalInvoker.regionPlan without the first). */
  readonly fallbackRegions?: string[];
  /** The regional endpoint (invoke URL or custom domain). */
  readonly endpoint?: string;
  /** The stack deploying the region. */
  readonly stackName?: string;
}

/** A Route 53 health check. */
export interface RunbookHealthCheck {
  /** The region it decides about. */
  readonly region: string;
  /** The health check id (a deploy-time token is rendered as a lookup hint). */
  readonly healthCheckId: string;
  /** e.g. 'HTTPS GET /v1/health every 10 s, 3 failures', 'CloudWatch alarm', 'calculated (HTTPS + alarms)'. */
  readonly type: string;
  /**
   * A shell expression that prints the id once deployed (for example reading a stack output), used in
   * the commands when the id is only known at deploy time.
   *
   * @default - a `<health check id of REGION>` placeholder
   */
  readonly idLookup?: string;
}

/** The worst-case DNS failover time and where it comes from. */
export interface RunbookFailoverTime {
  readonly worstCaseSeconds: number;
  readonly breakdown: ReadonlyArray<{ readonly label: string; readonly seconds: number }>;
}

/**
 * One region's copy of an alarm, and what to do about it. The runbook gives each title one section
 * (its guide text once) and a table row per entry: keep the title and the text free of region names
 * ("this region" is the row's region), and put the region in `region`.
 */
export interface RunbookAlarm {
  /** The alarm's title, the same in every region. */
  readonly title: string;
  /** The region the alarm is about (its row), which may differ from where it lives (`alarm.region`). */
  readonly region: string;
  /** Where to find it, in words; shown when there is no `alarm`. */
  readonly location?: string;
  /**
   * The deployed alarm ({@link alarmIdentityOf}), for the command that shows its state.
   *
   * @default - only `location` is shown
   */
  readonly alarm?: RunbookAlarmIdentity;
  readonly meaning: string;
  readonly firstCheck: string;
  readonly action: string;
}

/** Everything the runbook says about one deployment. */
export interface RunbookModel {
  /** The deployment's name (the title). */
  readonly title: string;
  readonly routingPattern: RunbookRoutingPattern;
  /** e.g. 'latency records', 'weighted 70/30', 'failover records'. */
  readonly routingDetail?: string;
  /** The DNS name callers use. */
  readonly domainName?: string;
  readonly regions: RunbookRegion[];
  readonly healthChecks: RunbookHealthCheck[];
  readonly failoverTime: RunbookFailoverTime;
  readonly alarms: RunbookAlarm[];
  /**
   * Each region's normal performance, with the commands that read it.
   *
   * @default - no baseline section
   */
  readonly baselines?: RunbookBaseline[];
  readonly dashboard?: { readonly name: string; readonly region: string };
  readonly auditQuery?: { readonly name: string; readonly region: string };
  /**
   * The outage drills in AWS (`operations.outageDrill`).
   *
   * @default - no "Rehearse a regional outage" section
   */
  readonly outageDrill?: RunbookOutageDrillSection;
}

/** The runbook entries of an {@link InvokerAlarms}. */
export function invokerAlarmsRunbookEntries(alarms: InvokerAlarms): RunbookAlarm[] {
  const entries: Array<[cloudwatch.Alarm | undefined, InvokerAlarmGuide]> = [
    [alarms.failoverFrequency, INVOKER_ALARM_GUIDE.failoverFrequency],
    [alarms.secondaryMajority, INVOKER_ALARM_GUIDE.secondaryMajority],
    // The runbook has the baseline the alarm compares with; its description (no runbook) does not say so.
    [alarms.latency, { ...INVOKER_ALARM_GUIDE.latency, firstCheck: `${INVOKER_ALARM_GUIDE.latency.firstCheck} ${LATENCY_BASELINE_POINTER}` }],
    [alarms.errorRate, INVOKER_ALARM_GUIDE.errorRate],
    [alarms.throttleRate, INVOKER_ALARM_GUIDE.throttleRate],
    [alarms.rejectionRate, INVOKER_ALARM_GUIDE.rejectionRate],
    [alarms.functionFailures, INVOKER_ALARM_GUIDE.functionFailures],
    [alarms.apiServerErrors, INVOKER_ALARM_GUIDE.apiServerErrors],
  ];
  return entries.filter(([alarm]) => alarm !== undefined).map(([alarm, guide]) => ({
    ...guide,
    region: alarms.region,
    location: locate(alarm!),
    alarm: alarmIdentityOf(alarm!),
  }));
}

function locate(alarm: cloudwatch.Alarm): string {
  const { stackName, logicalId } = alarmIdentityOf(alarm);
  return `stack ${stackName}, alarm ${logicalId}`;
}

/** A value, or how to find it when it is only known at deploy time. */
function show(value: string, hint: string): string {
  return Token.isUnresolved(value) ? `(assigned at deploy time: ${hint})` : `\`${value}\``;
}

function formatSeconds(seconds: number): string {
  return seconds >= 60 ? `${seconds} s (${Math.floor(seconds / 60)} min ${seconds % 60} s)` : `${seconds} s`;
}

function table(header: string[], rows: string[][]): string[] {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map(r => `| ${r.map(cell).join(' | ')} |`)];
}

const PATTERN_TEXT: Record<RunbookRoutingPattern, string> = {
  'active-passive': 'Active-passive: Route 53 failover records answer with the primary region while its health check is healthy, '
    + 'and with the next region in order when it is not.',
  'active-active': 'Active-active: every region serves; Route 53 answers only with regions whose health checks are healthy.',
};

/** Renders the deployment's runbook as Markdown. Pure: the same model gives the same text. */
export function renderRunbook(model: RunbookModel): string {
  const primary = model.regions.find(r => /primary/i.test(r.role)) ?? model.regions[0];
  const checkOf = (region: string) => model.healthChecks.find(c => c.region === region);
  const idOf = (region: string) => {
    const check = checkOf(region);
    if (check && !Token.isUnresolved(check.healthCheckId)) {
      return check.healthCheckId;
    }
    return check?.idLookup ?? `<health check id of ${region}>`;
  };
  const update = (region: string, flag: string) => `aws route53 update-health-check --health-check-id ${idOf(region)} ${flag}`;
  const lines: string[] = [];
  const add = (...more: string[]) => lines.push(...more);

  add(`# Runbook: ${model.title}`, '');
  add('Generated at synth by cdk-bedrock-cross-region from the deployed configuration. Regenerate it with every deployment.', '');

  add('## Regions and roles', '');
  add(...table(['Region', 'Role', 'Invoker falls back to', 'Endpoint', 'Stack'], model.regions.map(r => [
    r.region, r.role, r.fallbackRegions && r.fallbackRegions.length > 0 ? r.fallbackRegions.join(' → ') : '-',
    r.endpoint && !Token.isUnresolved(r.endpoint) ? r.endpoint : '(see the stack outputs)', r.stackName ?? '-',
  ])), '');

  add('## Routing', '');
  add(`Pattern: **${model.routingPattern}**${model.routingDetail ? ` (${model.routingDetail})` : ''}.`, '');
  add(PATTERN_TEXT[model.routingPattern], '');
  if (model.domainName) {
    add(`Callers use \`${model.domainName}\`.`, '');
  }
  add('Inside each region the invoker also fails over per request to its fallback regions (throttles, 5xx, timeouts) before a caller sees an error; DNS failover moves callers between regions.', '');

  if (model.healthChecks.length === 0) {
    add('## DNS routing is off', '');
    add('This deployment has no hosted zone: there are no Route 53 records or health checks, so nothing moves callers between regions. '
      + 'Callers use the regional URLs (stack outputs); only the in-request fallback of each invoker protects them. '
      + 'To fail over by hand, point callers at another region\'s URL. Give the deployment a hosted zone to route with Route 53.', '');
    addOperationalSections(model, add);
    add(...(model.outageDrill ? renderOutageDrillSection(model.outageDrill) : []));
    add('## Drills', '');
    add(`\`${cliCommand('drill')} --from cdk.out --scenario primary-outage\` rehearses this deployment from its synthesized templates`
      + ' with no AWS account: the real invokers against fake Bedrock regions, one of them failing, and what callers of the first region saw'
      + ` (\`--help\` lists the scenarios). \`${cliCommand('drill')}\` alone shows the failover order and the circuit breakers in real time.`, '');
    return lines.join('\n');
  }

  add('## Health checks', '');
  add(...table(['Region', 'Health check id', 'Type', 'Attached to the DNS record'], model.healthChecks.map(c => [
    c.region, show(c.healthCheckId, c.idLookup ? `\`${c.idLookup}\`` : '`aws route53 list-health-checks`, or the stack\'s resources'), c.type, 'yes',
  ])), '');
  add('Route 53 health-check status is charted in us-east-1 (the only region with `AWS/Route53` HealthCheckStatus metrics).', '');

  add('## Worst-case DNS failover time', '');
  add(`**${formatSeconds(model.failoverTime.worstCaseSeconds)}** from the first failed check until resolvers that respect the TTL reach a healthy region:`, '');
  add(...table(['Step', 'Seconds'], model.failoverTime.breakdown.map(b => [b.label, String(b.seconds)])), '');
  add('Clients that cache DNS longer than the TTL (some JVMs, connection pools) take longer: keep their DNS cache at or below the TTL.', '');

  addOperationalSections(model, add);

  add('## Fail over and fail back by hand', '');
  add('Route 53 decides with health checks, so move traffic by changing the health check attached to a region\'s record:', '');
  add('- `--inverted` makes Route 53 treat a healthy region as unhealthy (takes it out);');
  add('- `--disabled` makes Route 53 treat the region as healthy whatever the checkers see (keeps it in, for a false alarm);');
  add('- **Do not use `aws cloudwatch set-alarm-state`:** Route 53 follows the alarm\'s metric data, not its state, so it has no effect on alarm-based health checks.', '');
  add(`Each change takes effect after the checkers' next evaluations plus the record TTL (up to ${formatSeconds(model.failoverTime.worstCaseSeconds)}). `
    + 'Watch "Are the Route 53 health checks passing?" and "Which region is serving?" on the dashboard.', '');
  const others = model.regions.filter(r => r !== primary);
  switch (model.routingPattern) {
    case 'active-passive':
      add(`**Fail over** from the primary ${primary.region} to ${others.map(r => r.region).join(', then ') || 'the secondary'}:`, '');
      add('```sh', update(primary.region, '--inverted'), '```', '');
      add(`**Fail back** once ${primary.region} is healthy again (check its error and throttle alarms are OK):`, '');
      add('```sh', update(primary.region, '--no-inverted'), '```', '');
      break;
    case 'active-active':
      add('**Take one region out** (the others must have the quota to absorb its traffic); run only the line of that region:', '');
      add('```sh', ...model.regions.flatMap(r => [`# ${r.region}`, update(r.region, '--inverted')]), '```', '');
      add('**Bring it back** with `--no-inverted` on the same health check.', '');
      break;
  }
  add(`**Keep a region in** during a false alarm: \`${update(primary.region, '--disabled')}\`, and \`--no-disabled\` afterwards. `
    + 'While disabled the region cannot fail over, even in a real outage: never leave it disabled.', '');

  add(...(model.outageDrill ? renderOutageDrillSection(model.outageDrill) : []));
  add('## Drills', '');
  add(`1. **Locally, no AWS account:** \`${cliCommand('drill')} --from cdk.out --scenario primary-outage\` rehearses this deployment`
    + ' from its synthesized templates: the real invokers and canaries against fake Bedrock regions, its alarms, health checks and records'
    + ' simulated, and clients that cache DNS answers, in compressed time; it reports the DNS failover and fail-back times (compare them'
    + ` with the worst case above), flaps and client-visible errors (\`--help\` lists the scenarios). \`${cliCommand('drill')}\` alone shows`
    + ' the failover order and the circuit breakers in real time.');
  add(`2. **In AWS, DNS failover:** in a quiet window, open the dashboard and invert the ${model.routingPattern === 'active-passive' ? 'primary' : 'first'} region's health check `
    + `(\`${update(primary.region, '--inverted')}\`). Send a request to ${model.domainName ? `\`https://${model.domainName}\`` : 'the endpoint'} `
    + 'and read the `x-invoker-served-region` response header; note when traffic moves and compare with the worst-case time above. '
    + 'Then revert with `--no-inverted` and watch it fail back.');
  add('3. **In AWS, fault injection:** with `operations.outageDrill`, see "Rehearse a regional outage" above. Otherwise: AWS FIS Lambda actions (`aws:lambda:invocation-error`, `aws:lambda:invocation-add-delay`) need the FIS Lambda extension, which '
    + '**cannot be used with response streaming and suppresses streaming even when no fault is active**. Never attach it to the invoker handler; '
    + 'run FIS against a non-streaming canary function in the same region and let its alarm drive an alarm-based health check.');
  add('4. `aws cloudwatch set-alarm-state` is not a drill: Route 53 ignores alarm state changes that the metric data does not support.', '');

  return lines.join('\n');
}

/** Properties of a {@link Runbook}. */
export interface RunbookProps {
  readonly model: RunbookModel;
  /**
   * File name inside the cloud assembly directory.
   *
   * @default - `<construct path with / as ->.runbook.md`
   */
  readonly fileName?: string;
}

/**
 * Writes the deployment's runbook (Markdown) into the cloud assembly directory at synth, next to the
 * templates (`cdk.out/<fileName>`).
 */
export class Runbook extends Construct {
  /** The file name inside the assembly directory. */
  public readonly fileName: string;

  constructor(scope: Construct, id: string, props: RunbookProps) {
    super(scope, id);
    this.fileName = props.fileName ?? `${this.node.path.replace(/\//g, '-')}.runbook.md`;
    if (path.basename(this.fileName) !== this.fileName || this.fileName.startsWith('.')) {
      throw new Error(`Runbook fileName must be a plain file name (no directories, not hidden); got '${this.fileName}'.`);
    }
    const model = props.model;
    const fileName = this.fileName;
    const outdir = Stage.of(this)?.outdir;
    const written = outdir ? path.relative(process.cwd(), path.join(outdir, fileName)) || fileName : fileName;
    Annotations.of(Stack.of(this)).addInfo(`Runbook written to ${written}`);
    attachCustomSynthesis(this, {
      onSynthesize(session: ISynthesisSession): void {
        fs.mkdirSync(session.outdir, { recursive: true });
        fs.writeFileSync(path.join(session.outdir, fileName), renderRunbook(model));
      },
    });
  }
}

/** The sections every runbook has, with or without DNS routing: dashboard, alarms, where inference ran. */
function addOperationalSections(model: RunbookModel, add: (...more: string[]) => void): void {
  if (model.dashboard) {
    add('## Dashboard', '');
    add(`CloudWatch dashboard \`${model.dashboard.name}\` in ${model.dashboard.region}: start with "Which region is serving?".`, '');
  }

  add(...renderBaselines(model.baselines ?? [], model.regions, table));
  add(...renderAlarmSections(model.alarms, model.regions, table));

  if (model.auditQuery) {
    add('## Where did inference run?', '');
    add(`Run the saved Logs Insights query \`${model.auditQuery.name}\` in ${model.auditQuery.region}: every Bedrock call by source region, inference region `
      + '(CloudTrail `additionalEventData.inferenceRegion`), profile and caller. Bedrock bills cross-region inference at the source region\'s price.', '');
  }
}
