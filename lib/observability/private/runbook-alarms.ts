import { Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { RunbookAlarm, RunbookRegion } from './runbook';

/*
 * The runbook's alarm sections: one section per alarm title (what it means, what to check, what to
 * do), with a table of the regions that have the alarm and the command that shows each one's state.
 * Generic over the entries the model lists: a new alarm needs an entry, not renderer code.
 */

/** A deployed alarm: enough to print the command that shows its state. */
export interface RunbookAlarmIdentity {
  /** The region the alarm lives in (its stack's region). */
  readonly region: string;
  readonly stackName: string;
  /** The alarm's logical id in its stack's template. */
  readonly logicalId: string;
  /**
   * The alarm's name, when it was given one at synth.
   *
   * @default - CloudFormation generated the name: the command reads it from the stack
   */
  readonly alarmName?: string;
}

/** Where a CDK alarm will be once deployed. */
export function alarmIdentityOf(alarm: cloudwatch.Alarm): RunbookAlarmIdentity {
  const stack = Stack.of(alarm);
  const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
  const name = cfn.alarmName;
  return {
    region: stack.region,
    stackName: stack.stackName,
    logicalId: stack.resolve(stack.getLogicalId(cfn)),
    alarmName: name !== undefined && !Token.isUnresolved(name) ? name : undefined,
  };
}

/** A value, or a placeholder when it is only known at deploy time. */
function literal(value: string, placeholder: string): string {
  return Token.isUnresolved(value) ? placeholder : value;
}

/**
 * The command that prints the alarm's name, state and when it last changed. Without a name given at
 * synth, it reads the name CloudFormation generated from the stack: `Ref` of an
 * `AWS::CloudWatch::Alarm`, its physical id, is the alarm name
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-alarm.html).
 */
export function alarmStateCommand(identity: RunbookAlarmIdentity): string {
  const region = literal(identity.region, '<region>');
  const name = identity.alarmName ?? `"$(aws cloudformation describe-stack-resource --region ${region} `
    + `--stack-name ${literal(identity.stackName, '<stack>')} --logical-resource-id ${identity.logicalId} `
    + '--query StackResourceDetail.PhysicalResourceId --output text)"';
  return `aws cloudwatch describe-alarms --region ${region} --alarm-names ${name} `
    + '--query "MetricAlarms[].[AlarmName, StateValue, StateUpdatedTimestamp]" --output table';
}

/** The alarms grouped by title, in order of first appearance. */
function alarmsByTitle(alarms: readonly RunbookAlarm[]): Array<{ readonly title: string; readonly entries: RunbookAlarm[] }> {
  const groups = new Map<string, RunbookAlarm[]>();
  for (const alarm of alarms) {
    groups.set(alarm.title, [...(groups.get(alarm.title) ?? []), alarm]);
  }
  return [...groups.entries()].map(([title, entries]) => ({ title, entries }));
}

type GuideField = 'meaning' | 'firstCheck' | 'action';
const GUIDE_LABELS: Array<[GuideField, string]> = [['meaning', 'What it means'], ['firstCheck', 'Check first'], ['action', 'What to do']];

/**
 * One bullet per guide field; when the regions' entries say different things, one bullet per text,
 * naming the regions it is about (nothing an entry says is dropped).
 */
function guideBullets(entries: readonly RunbookAlarm[]): string[] {
  return GUIDE_LABELS.flatMap(([field, label]) => {
    const texts = new Map<string, string[]>();
    for (const entry of entries) {
      texts.set(entry[field], [...(texts.get(entry[field]) ?? []), entry.region]);
    }
    return texts.size === 1
      ? [`- **${label}:** ${entries[0][field]}`]
      : [...texts.entries()].map(([text, regions]) => `- **${label} (${[...new Set(regions)].join(', ')}):** ${text}`);
  });
}

/** Renders the `## Alarms` section as Markdown lines. */
export function renderAlarmSections(alarms: readonly RunbookAlarm[], regions: readonly RunbookRegion[],
  table: (header: string[], rows: string[][]) => string[]): string[] {
  const lines = ['## Alarms', ''];
  if (alarms.length === 0) {
    return [...lines, 'No alarms are part of this deployment.', ''];
  }
  lines.push('One section per alarm; its table lists every region that has it, with the command that prints its state '
    + '(alarms without a name given at synth are looked up in their stack).', '');
  const roleOf = (region: string) => regions.find(r => r.region === region)?.role ?? '-';
  for (const { title, entries } of alarmsByTitle(alarms)) {
    lines.push(`### ${title}`, '', ...guideBullets(entries), '');
    lines.push(...table(['Region', 'Role', 'Alarm', 'Show its state'], entries.map(entry => [
      entry.region,
      roleOf(entry.region),
      entry.alarm
        ? (entry.alarm.alarmName ? `\`${entry.alarm.alarmName}\`` : `stack ${entry.alarm.stackName}, logical id ${entry.alarm.logicalId}`)
        : entry.location ?? '-',
      entry.alarm ? `\`${alarmStateCommand(entry.alarm)}\`` : '-',
    ])), '');
  }
  return lines;
}
