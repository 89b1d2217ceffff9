import { CANARY_CONFIG_ENV, CanaryRuntimeConfig } from '../../lib/shared/canary-config';

/** Outcome of reading the canary configuration: a usable config, or the reasons it is unusable. */
export type CanaryConfigResult =
  | { readonly ok: true; readonly config: CanaryRuntimeConfig }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Parses and validates the JSON configuration the construct puts in {@link CANARY_CONFIG_ENV}. Pure:
 * never throws, and reports every problem at once.
 */
export function parseCanaryConfig(raw: string | undefined): CanaryConfigResult {
  if (raw === undefined || raw.trim() === '') {
    return { ok: false, problems: [`environment variable ${CANARY_CONFIG_ENV} is not set; the construct sets it to the JSON canary configuration`] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return { ok: false, problems: [`${CANARY_CONFIG_ENV} is not valid JSON (${(error as Error).message})`] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, problems: [`${CANARY_CONFIG_ENV} must be a JSON object`] };
  }
  const candidate = parsed as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of ['region', 'profileId'] as const) {
    if (typeof candidate[field] !== 'string' || candidate[field] === '') {
      problems.push(`${field} must be a non-empty string, got ${JSON.stringify(candidate[field]) ?? 'nothing'}`);
    }
  }
  const timeoutMs = candidate.timeoutMs;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    problems.push(`timeoutMs must be a positive integer, got ${JSON.stringify(timeoutMs) ?? 'nothing'}`);
  }
  if (problems.length > 0) {
    return { ok: false, problems };
  }
  return { ok: true, config: { region: candidate.region as string, profileId: candidate.profileId as string, timeoutMs: timeoutMs as number } };
}
