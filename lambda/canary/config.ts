import { CANARY_CONFIG_ENV, CanaryRuntimeConfig } from '../../lib/shared/canary-config';
import { ConfigResult, describe, positiveIntegerProblem, readJsonObjectEnv } from '../shared/json-config';
import { readOutageDrillConfig } from '../shared/outage-drill-config';

/** Outcome of reading the canary configuration: a usable config, or the reasons it is unusable. */
export type CanaryConfigResult = ConfigResult<CanaryRuntimeConfig>;

/**
 * Parses and validates the JSON configuration the construct puts in {@link CANARY_CONFIG_ENV}. Pure:
 * never throws, and reports every problem at once.
 */
export function parseCanaryConfig(raw: string | undefined): CanaryConfigResult {
  const envelope = readJsonObjectEnv(raw, CANARY_CONFIG_ENV, 'the JSON canary configuration');
  if (!envelope.ok) {
    return envelope;
  }
  const candidate = envelope.config;
  const problems: string[] = [];
  for (const field of ['region', 'profileId'] as const) {
    if (typeof candidate[field] !== 'string' || candidate[field] === '') {
      problems.push(`${field} must be a non-empty string, got ${describe(candidate[field])}`);
    }
  }
  const timeoutProblem = positiveIntegerProblem('timeoutMs', candidate.timeoutMs);
  if (timeoutProblem !== undefined) {
    problems.push(timeoutProblem);
  }
  if (problems.length > 0) {
    return { ok: false, problems };
  }
  // A drill switch that cannot be used leaves the drill off, never the handler broken.
  const outageDrill = readOutageDrillConfig(candidate.outageDrill);
  const drill = outageDrill.ok ? outageDrill.config : undefined;
  const { region, profileId, timeoutMs } = candidate as unknown as CanaryRuntimeConfig;
  return {
    ok: true,
    config: { region, profileId, timeoutMs, ...(drill === undefined ? {} : { outageDrill: drill }) },
    ...(outageDrill.ok ? {} : { ignored: outageDrill.problems }),
  };
}
