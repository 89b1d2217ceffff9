import { Token } from 'aws-cdk-lib';
import { alarmStateCommand, RunbookAlarmIdentity } from './runbook-alarms';
import { INVOKER_HEADERS, INVOKER_METRIC_NAMES, INVOKER_METRICS_NAMESPACE } from '../../shared/invoker-config';

/*
 * The runbook's "Rehearse a regional outage" section: how to start each region's AWS FIS outage drill,
 * what happens when, where the evidence is, and how to stop it. Rendered only for deployments with
 * `operations.outageDrill`.
 */

/** One region's outage drill. */
export interface RunbookOutageDrill {
  readonly region: string;
  /** A shell expression that prints the FIS experiment template id (a stack output). */
  readonly templateIdLookup: string;
  /** A shell expression that prints the name of the experiment's log group. */
  readonly logGroupLookup: string;
  /** The switch. */
  readonly parameterName: string;
  readonly durationMinutes: number;
  /** How long the handlers trust a read of the switch. */
  readonly cacheSeconds: number;
  /** The experiment's stop conditions. */
  readonly stopAlarms: RunbookAlarmIdentity[];
}

/** When DNS reacts to a drilled region (deployments with a hosted zone). */
export interface RunbookDrillDns {
  readonly canaryIntervalSeconds: number;
  readonly canaryFailedRuns: number;
  /** From the switch turning on to resolvers reaching another region: the canary's detection plus the TTL. */
  readonly failoverSeconds: number;
  /** From the switch turning off to the region answering DNS again. */
  readonly failbackSeconds: number;
}

/** Everything the section says. */
export interface RunbookOutageDrillSection {
  readonly drills: RunbookOutageDrill[];
  /** @default - no DNS routing: only the in-request layer moves */
  readonly dns?: RunbookDrillDns;
  /** The DNS name callers use. */
  readonly domainName?: string;
}

/** Renders the section as Markdown lines. Pure. */
export function renderOutageDrillSection(section: RunbookOutageDrillSection): string[] {
  const { drills, dns } = section;
  const lines: string[] = [];
  const add = (...more: string[]) => lines.push(...more);
  add('## Rehearse a regional outage', '');
  add('Each region has an AWS FIS experiment that, for the drill\'s duration, makes that region\'s invokers treat Bedrock there as failing '
    + '(a 503 without calling it: requests fail over to the next region inside the request, and the circuit breaker opens as in a real outage) '
    + `${dns ? 'and its canary report failures (so Route 53 takes the region out)' : '(no canary without DNS routing: only the in-request layer moves)'}. `
    + 'It changes one SSM parameter, the region\'s drill switch; nothing else is touched, and API callers cannot reach the switch. '
    + 'The switch fails safe: a value that cannot be read, is malformed or has passed its `until` is no drill.', '');
  add('Run it in a quiet window, one region at a time, with the other regions healthy and with the quota to take the drilled region\'s traffic.', '');

  for (const drill of drills) {
    add(`### ${drill.region}`, '');
    add(`Switch \`${drill.parameterName}\`; ${drill.durationMinutes} min; the handlers re-read it every ${drill.cacheSeconds} s.`, '');
    add('**Start:**', '');
    add('```sh', `aws fis start-experiment --region ${drill.region} --experiment-template-id ${drill.templateIdLookup} --query experiment.id --output text`, '```', '');
    add('**Stop early** (FIS cancels the automation, whose cancel path turns the switch off):', '');
    add('```sh', `aws fis stop-experiment --region ${drill.region} --id <experiment id printed by start-experiment>`, '```', '');
    add('Check the switch; if it is still on after that, turn it off by hand (the drill also ends by itself at its `until`):', '');
    add('```sh',
      `aws ssm get-parameter --region ${drill.region} --name ${drill.parameterName} --query Parameter.Value --output text`,
      `aws ssm put-parameter --region ${drill.region} --name ${drill.parameterName} --value off --overwrite`, '```', '');
    add('**Stop conditions** (FIS stops the experiment when one is in ALARM, and will not start while one is):', '');
    add(...drill.stopAlarms.map(alarm => `- \`${alarmStateCommand(alarm)}\``), '');
    add('**Evidence:**', '');
    add(`- the experiment and its actions: \`aws fis get-experiment --region ${drill.region} --id <experiment id>\`; its log (experiment-start, action-start, `
      + `action-end, experiment-end): \`aws logs tail --region ${drill.region} ${drill.logGroupLookup} --since 1h\`;`);
    add(`- every value the switch held, with who wrote it and when: \`aws ssm get-parameter-history --region ${drill.region} --name ${drill.parameterName} `
      + '--query "Parameters[].[LastModifiedDate, LastModifiedUser, Value]" --output table` (CloudTrail has the same `PutParameter` calls);');
    add(`- the automation's steps: \`aws ssm describe-automation-executions --region ${drill.region} --max-results 5\`, then `
      + '`aws ssm get-automation-execution --automation-execution-id <id>`;');
    add(`- metrics in \`${INVOKER_METRICS_NAMESPACE}\` in ${drill.region}: \`${INVOKER_METRIC_NAMES.drillActive}\` (requests the drill touched, \`Region\` = ${drill.region}), `
      + `\`${INVOKER_METRIC_NAMES.failovers}\` and \`${INVOKER_METRIC_NAMES.errors}\` for ${drill.region}, \`${INVOKER_METRIC_NAMES.servedBySecondary}\` for the fallback regions;`);
    add('- the invoker\'s log lines "Outage drill on" / "Outage drill off", and "Failing over" with `outageDrill: true`; the canary\'s "Canary reports a failure: the outage drill is on".', '');
  }

  add('### What to expect', '');
  const cache = Math.max(...drills.map(d => d.cacheSeconds));
  add(...[
    '- **0 s**: the experiment starts the automation, which computes the end and writes `{"failBedrock":true,"until":"…"}` into the switch within seconds.',
    `- **within ${cache} s**: every warm invoker container of the region has read the switch. Requests to the region are served by its first fallback region `
      + `(response header \`${INVOKER_HEADERS.servedRegion}\`); the first ones pay one instant failed attempt (\`${INVOKER_HEADERS.attempts}: 2\`), then the `
      + 'region\'s circuit opens and they go straight to the fallback (the one probe per breaker cooldown fails the same instant way). Clients see no errors.',
    ...(dns ? [
      `- **within ${dns.canaryIntervalSeconds * dns.canaryFailedRuns} s**: ${dns.canaryFailedRuns} canary runs have failed; the canary alarm goes to ALARM `
        + 'and Route 53 marks the region unhealthy (the HTTPS /health check keeps passing: it does not call Bedrock).',
      `- **within ${dns.failoverSeconds} s** (the canary's detection, metric delivery, Route 53 reading the alarm, the TTL): resolvers answer `
        + `${section.domainName ? `\`${section.domainName}\`` : 'the endpoint'} with another region. The invoker error-rate, failover and secondary-majority `
        + 'alarms of the region may fire: they are the drill working.',
    ] : [
      '- Without DNS routing, clients keep calling the region\'s URL and its invoker keeps serving them from the fallback regions.',
    ]),
    '- **at the end** (or when stopped): the automation writes `off`; within the cache time the invokers stop failing the region, and its circuit '
      + `closes on the first probe that succeeds (one breaker cooldown)${dns ? `; within ${dns.failbackSeconds} s the canary has passed again and DNS fails back` : ''}.`,
    '- **If the API 5xx or Bedrock-rejection alarm fires**, FIS stops the experiment and the switch goes off: clients were hurt, so the '
      + 'fallback regions are not ready (quota, model access, an SCP). Read the alarm\'s runbook section before trying again.',
  ]);
  add('');
  return lines;
}

/** A shell expression printing the physical id (for a log group, its name) of a resource of a deployed stack. */
export function physicalIdLookup(region: string, stackName: string, logicalId: string): string {
  const stack = Token.isUnresolved(stackName) ? '<stack>' : stackName;
  return `"$(aws cloudformation describe-stack-resource --region ${region} --stack-name ${stack} --logical-resource-id ${logicalId} `
    + '--query StackResourceDetail.PhysicalResourceId --output text)"';
}
