import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { RunbookAlarm } from './runbook';
import { alarmIdentityOf } from './runbook-alarms';
import { cliCommand, UPDATE_PROFILES_EXAMPLE } from '../../shared/package-cli';
import type { InferenceAuditTrail } from '../inference-audit-trail';
import type { RegionalInferenceAudit } from '../regional-inference-audit';

/*
 * The runbook entries of an audit's alarms, for a RegionalInferenceAudit in each region (the same
 * titles in every region: the runbook gives each title one section with a row per region, the text
 * about "this region") or an InferenceAuditTrail in one.
 */

/** An audit's alarms, as both audit constructs expose them. */
interface AuditRunbookAlarms {
  readonly alarm: cloudwatch.Alarm;
  readonly residencyAlarm?: cloudwatch.Alarm;
  /** Given with `residencyAlarm`. */
  readonly allowedInferenceRegions?: readonly string[];
}

/** How the entries name the audited calls and where to look. */
interface AuditRunbookWording {
  /** Whose calls the alarms count: `made in this region`, `from eu-west-1, eu-central-1`. */
  readonly calls: string;
  /** The region whose throttling routes calls away: `this region`, `the source region`. */
  readonly sourceRegion: string;
  /** How to run the saved query: `Run the saved Logs Insights query "..." in this region`. */
  readonly query: string;
}

/** The runbook entries of an audit's alarms, in the row of `region`. */
function auditRunbookEntries(region: string, alarms: AuditRunbookAlarms, wording: AuditRunbookWording): RunbookAlarm[] {
  const entries: RunbookAlarm[] = [{
    title: 'Unusual cross-region activity',
    region,
    alarm: alarmIdentityOf(alarms.alarm),
    meaning: `More Bedrock calls than usual ${wording.calls} ran in another region (CloudTrail additionalEventData.inferenceRegion).`,
    firstCheck: `${wording.query} over the alarm window: which profiles, callers and inference regions?`,
    action: `Cross-region profiles route away from a busy source region by design: if ${wording.sourceRegion} throttles, raise its quota. `
      + 'If an unexpected caller or a global profile appears, check it against your data-residency rules and the organisation SCPs.',
  }];
  if (alarms.residencyAlarm !== undefined) {
    entries.push({
      title: 'Inference outside the allowed regions',
      region,
      alarm: alarmIdentityOf(alarms.residencyAlarm),
      meaning: `A Bedrock call ${wording.calls} ran outside ${alarms.allowedInferenceRegions!.join(', ')}: `
        + 'a breach of the deployment\'s geography or residency rule.',
      firstCheck: `${wording.query}: which profile and caller, and which inference region?`,
      action: 'A caller using another (for example global) profile, or a profile whose destinations changed (refresh the catalog with '
        + `${UPDATE_PROFILES_EXAMPLE} and load it with InferenceProfileCatalog.fromFile), are the usual causes.`
        + ` Stop the caller, and deny the region organisation-wide with an SCP (${cliCommand('generate-scp')}).`,
    });
  }
  return entries;
}

/** The runbook entries of one region's audit alarms. */
export function regionalAuditRunbookEntries(audit: RegionalInferenceAudit): RunbookAlarm[] {
  return auditRunbookEntries(audit.region, audit, {
    calls: 'made in this region',
    sourceRegion: 'this region',
    query: `Run the saved Logs Insights query "${audit.queryName}" in this region`,
  });
}

/** The runbook entries of an {@link InferenceAuditTrail}'s alarms. */
export function auditTrailRunbookEntries(audit: InferenceAuditTrail): RunbookAlarm[] {
  return auditRunbookEntries(audit.region, audit, {
    calls: `from ${audit.sourceRegions.join(', ')}`,
    sourceRegion: 'the source region',
    query: `Run the saved Logs Insights query "${audit.queryName}" in ${audit.region}`,
  });
}
