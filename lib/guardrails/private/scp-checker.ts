/**
 * Checks whether an organisation's service control policies let a cross-region inference call through,
 * step by step, as Bedrock authorises it:
 *
 * - the profile ARN in the source region (`aws:RequestedRegion` = source; Bedrock does not populate
 *   `bedrock:InferenceProfileArn` for this evaluation);
 * - geographic profiles: the foundation model in every destination region (`aws:RequestedRegion` =
 *   destination, `bedrock:InferenceProfileArn` = the profile ARN);
 * - global profiles: the foundation model in the source region, and the region-less model
 *   (`arn:aws:bedrock:::foundation-model/...`, `aws:RequestedRegion` = `unspecified`);
 *
 * each for `bedrock:InvokeModel` and `bedrock:InvokeModelWithResponseStream`.
 *
 * The requests are evaluated by the `ScpSimulator` (`scp-simulator.ts`).
 */
import { ScpFile, statementsOf } from './scp-file';
import { AuthorizationRequest, CHECK_ACCOUNT_ID, denyingStatementOf, ScpSimulator } from './scp-simulator';
import type { CrossRegionInferenceProfile } from '../../profiles/cross-region-inference-profile';
import { partitionOfRegion } from '../../profiles/geography';
import { foundationModelArn, inferenceProfileArn, INVOKE_ACTIONS, UNSPECIFIED_REGION } from '../../profiles/private/invoke-statements';
import { isRegionName } from '../../shared/region-name';

/** A step of a cross-region inference call, as Bedrock authorises it. */
export enum CrossRegionStep {
  /** The inference profile ARN in the source region (the originating call). */
  PROFILE = 'profile',
  /** The foundation model in a destination region of a geographic profile. */
  DESTINATION_MODEL = 'destination-model',
  /** The foundation model in the source region, for a global profile. */
  IN_REGION_MODEL = 'in-region-model',
  /** The region-less foundation model of a global profile (`aws:RequestedRegion` = `unspecified`). */
  GLOBAL_MODEL = 'global-model',
}

/** One row of a check: one step, one region, one action. */
export interface CheckRow {
  readonly step: CrossRegionStep;
  /** The region the step is authorised in (`unspecified` for the region-less model). */
  readonly region: string;
  readonly action: string;
  readonly resource: string;
  readonly allowed: boolean;
  /** The statement that denies the step (`file: Sid`); undefined when allowed. */
  readonly denyingStatement?: string;
  /** What to change; undefined when allowed. */
  readonly suggestion?: string;
}

/** The requests Bedrock authorises for one call of `profile` from `sourceRegion`. */
export function crossRegionRequests(profile: CrossRegionInferenceProfile, sourceRegion: string, account: string = CHECK_ACCOUNT_ID):
Array<{ step: CrossRegionStep; region: string; request: AuthorizationRequest }> {
  const destinations = profile.destinationsFrom(sourceRegion);
  const partition = partitionOfRegion(sourceRegion);
  const profileArn = inferenceProfileArn({ partition, account }, sourceRegion, profile.profileId);
  const steps: Array<{ step: CrossRegionStep; region: string; resource: string; context: Record<string, string> }> = [
    { step: CrossRegionStep.PROFILE, region: sourceRegion, resource: profileArn, context: { 'aws:RequestedRegion': sourceRegion } },
  ];
  const viaProfile = { 'bedrock:InferenceProfileArn': profileArn };
  if (profile.isGlobal) {
    steps.push(
      {
        step: CrossRegionStep.IN_REGION_MODEL,
        region: sourceRegion,
        resource: foundationModelArn(partition, sourceRegion, profile.modelId),
        context: { 'aws:RequestedRegion': sourceRegion, ...viaProfile },
      },
      {
        step: CrossRegionStep.GLOBAL_MODEL,
        region: UNSPECIFIED_REGION,
        resource: foundationModelArn(partition, '', profile.modelId),
        context: { 'aws:RequestedRegion': UNSPECIFIED_REGION, ...viaProfile },
      },
    );
  } else {
    for (const region of destinations) {
      steps.push({
        step: CrossRegionStep.DESTINATION_MODEL,
        region,
        resource: foundationModelArn(partition, region, profile.modelId),
        context: { 'aws:RequestedRegion': region, ...viaProfile },
      });
    }
  }
  return steps.flatMap(s => INVOKE_ACTIONS.map(action => ({
    step: s.step,
    region: s.region,
    request: { action, resource: s.resource, context: s.context },
  })));
}

/**
 * Evaluates every step of a call of `profile` from `sourceRegion` against the SCPs.
 */
export async function checkCrossRegionCall(simulator: ScpSimulator, profile: CrossRegionInferenceProfile, sourceRegion: string): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  for (const { step, region, request } of crossRegionRequests(profile, sourceRegion)) {
    const verdict = await simulator.evaluate(request);
    rows.push({
      step,
      region,
      action: request.action,
      resource: request.resource,
      allowed: verdict.allowed,
      ...(verdict.allowed ? {} : {
        denyingStatement: denyingStatementOf(verdict),
        suggestion: suggestionFor(step, region, profile, sourceRegion, verdict.denyingStatementJson),
      }),
    });
  }
  return rows;
}

/**
 * The `generate-scp` command line that writes an SCP letting the call through: the regions the SCPs
 * already approve (read from their `aws:RequestedRegion` conditions) plus the source region, and the
 * principals they already exempt.
 */
export function suggestedGenerateCommand(scps: readonly ScpFile[], profileId: string, sourceRegion: string): string {
  const approved = new Set<string>([sourceRegion]);
  const exempt = new Set<string>();
  for (const file of scps) {
    for (const statement of statementsOf(file.policy)) {
      const s = statement as { Effect?: string; Condition?: Record<string, Record<string, unknown>> };
      if (s.Effect !== 'Deny' || !s.Condition) { continue; }
      for (const [operator, keys] of Object.entries(s.Condition)) {
        for (const [key, value] of Object.entries(keys ?? {})) {
          const values = [value].flat().filter((v): v is string => typeof v === 'string');
          if (/^StringNot(Equals|Like)/i.test(operator) && key.toLowerCase() === 'aws:requestedregion') {
            values.filter(isRegionName).forEach(v => approved.add(v));
          }
          if (/^ArnNot(Equals|Like)$/i.test(operator) && key.toLowerCase() === 'aws:principalarn') {
            values.forEach(v => exempt.add(v));
          }
        }
      }
    }
  }
  return ['npx generate-scp', `--profile ${profileId}`,
    ...[...approved].sort().map(r => `--approved-region ${r}`),
    ...[...exempt].sort().map(a => `--exempt-principal-arn '${a}'`)].join(' ');
}

function suggestionFor(step: CrossRegionStep, region: string, profile: CrossRegionInferenceProfile, sourceRegion: string, denying: string[]): string {
  if (denying.some(json => json.includes('inference-profile/global.'))) {
    return `The SCP denies global profiles on purpose: use a geographic profile of the model instead (for example 'us.${profile.modelId}').`;
  }
  if (denying.some(json => /ArnNot(Like|Equals)/.test(json) && json.includes('bedrock:InferenceProfileArn'))) {
    return `The SCP allows only some inference profiles: add '${profile.profileId}' (from ${sourceRegion}) to its bedrock:InferenceProfileArn list.`;
  }
  switch (step) {
    case CrossRegionStep.PROFILE:
    case CrossRegionStep.IN_REGION_MODEL:
      return `The originating call is made in ${sourceRegion} and no inference-profile exemption can lift a region deny there: approve `
        + `${sourceRegion}, or call the profile from an approved source region (${profile.sourceRegions.join(', ')}).`;
    case CrossRegionStep.GLOBAL_MODEL:
      return 'Global profiles are also authorised on the region-less model with aws:RequestedRegion = "unspecified": exempt requests routed '
        + 'through inference profiles from the region deny (Null bedrock:InferenceProfileArn = "true"), or add "unspecified" to the approved regions.';
    case CrossRegionStep.DESTINATION_MODEL:
    default:
      return `Bedrock may route calls from ${sourceRegion} to ${region}: exempt requests routed through inference profiles from the region `
        + `deny (add Null bedrock:InferenceProfileArn = "true" to its conditions), or approve ${region}.`;
  }
}
