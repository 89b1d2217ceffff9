import type { RunbookAlarm } from './runbook';
import { alarmIdentityOf } from './runbook-alarms';
import { UPDATE_PROFILES_EXAMPLE } from '../../shared/package-cli';
import type { RegionalInferenceAudit } from '../regional-inference-audit';

/*
 * The runbook entries of a RegionalInferenceAudit's alarms: the same titles in every region (the
 * runbook gives each title one section with a row per region), the text about "this region".
 */

/** The runbook entries of one region's audit alarms. */
export function regionalAuditRunbookEntries(audit: RegionalInferenceAudit): RunbookAlarm[] {
  const query = `Run the saved Logs Insights query "${audit.queryName}" in this region`;
  const entries: RunbookAlarm[] = [{
    title: 'Unusual cross-region activity',
    region: audit.region,
    alarm: alarmIdentityOf(audit.alarm),
    meaning: 'More Bedrock calls than usual made in this region ran in another region (CloudTrail additionalEventData.inferenceRegion).',
    firstCheck: `${query} over the alarm window: which profiles, callers and inference regions?`,
    action: 'Cross-region profiles route away from a busy source region by design: if this region throttles, raise its quota. '
      + 'If an unexpected caller or a global profile appears, check it against your data-residency rules and the organisation SCPs.',
  }];
  if (audit.residencyAlarm !== undefined) {
    entries.push({
      title: 'Inference outside the allowed regions',
      region: audit.region,
      alarm: alarmIdentityOf(audit.residencyAlarm),
      meaning: `A Bedrock call made in this region ran outside ${audit.allowedInferenceRegions!.join(', ')}: `
        + 'a breach of the deployment\'s geography or residency rule.',
      firstCheck: `${query}: which profile and caller, and which inference region?`,
      action: 'A caller using another (for example global) profile, or a profile whose destinations changed (refresh the catalog with '
        + `${UPDATE_PROFILES_EXAMPLE} and load it with InferenceProfileCatalog.fromFile), are the usual causes.`
        + ' Stop the caller, and deny the region organisation-wide with an SCP (npx generate-scp).',
    });
  }
  return entries;
}
