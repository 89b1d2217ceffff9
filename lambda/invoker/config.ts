import { INVOKER_CONFIG_ENV, InvokerRuntimeConfig } from '../../lib/shared/invoker-config';

/** Outcome of reading the invoker configuration: either a usable config or the reasons it is unusable. */
export type ConfigResult =
  | { readonly ok: true; readonly config: InvokerRuntimeConfig }
  | { readonly ok: false; readonly problems: readonly string[] };

const POSITIVE_INTEGER_FIELDS = [
  'deadlineMs',
  'attemptTimeoutMs',
  'firstTokenTimeoutMs',
  'maxBodyBytes',
  'breakerFailureThreshold',
  'breakerCooldownMs',
  'backoffBaseMs',
  'backoffMaxMs',
] as const;

/**
 * Parses and validates the JSON configuration the construct puts in {@link INVOKER_CONFIG_ENV}.
 *
 * Pure: it never throws; every problem found is reported (not only the first), so one log line tells
 * an operator everything that is wrong. Geography rules are checked separately by the geography guard.
 */
export function parseInvokerConfig(raw: string | undefined): ConfigResult {
  if (raw === undefined || raw.trim() === '') {
    return { ok: false, problems: [`environment variable ${INVOKER_CONFIG_ENV} is not set; the construct sets it to the JSON invoker configuration`] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return { ok: false, problems: [`${INVOKER_CONFIG_ENV} is not valid JSON (${(error as Error).message})`] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, problems: [`${INVOKER_CONFIG_ENV} must be a JSON object, got ${describe(parsed)}`] };
  }
  const candidate = parsed as Record<string, unknown>;
  const problems: string[] = [];

  if (typeof candidate.geography !== 'string' || candidate.geography === '') {
    problems.push(`geography must be a non-empty string, got ${describe(candidate.geography)}`);
  }
  checkStringList(candidate.regionPlan, 'regionPlan', problems);
  checkStringList(candidate.profileIds, 'profileIds', problems);
  for (const field of POSITIVE_INTEGER_FIELDS) {
    const value = candidate[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      problems.push(`${field} must be a positive integer, got ${describe(value)}`);
    }
  }
  if (problems.length === 0) {
    const numbers = candidate as unknown as InvokerRuntimeConfig;
    if (numbers.attemptTimeoutMs > numbers.deadlineMs) {
      problems.push(`attemptTimeoutMs (${numbers.attemptTimeoutMs}) must not exceed deadlineMs (${numbers.deadlineMs})`);
    }
    if (numbers.backoffBaseMs > numbers.backoffMaxMs) {
      problems.push(`backoffBaseMs (${numbers.backoffBaseMs}) must not exceed backoffMaxMs (${numbers.backoffMaxMs})`);
    }
  }
  const hedging = candidate.hedging;
  if (hedging !== undefined) {
    const { minDelayMs, maxShare } = (typeof hedging === 'object' && hedging !== null ? hedging : {}) as Record<string, unknown>;
    if (typeof minDelayMs !== 'number' || !Number.isInteger(minDelayMs) || minDelayMs <= 0
      || typeof maxShare !== 'number' || !(maxShare > 0 && maxShare <= 1)) {
      problems.push(`hedging must be { minDelayMs: a positive integer, maxShare: a number in (0, 1] }, got ${describe(hedging)}`);
    }
  }
  if (problems.length > 0) {
    return { ok: false, problems };
  }
  const config = candidate as unknown as InvokerRuntimeConfig;
  return {
    ok: true,
    config: {
      geography: config.geography,
      regionPlan: [...config.regionPlan],
      profileIds: [...config.profileIds],
      deadlineMs: config.deadlineMs,
      attemptTimeoutMs: config.attemptTimeoutMs,
      firstTokenTimeoutMs: config.firstTokenTimeoutMs,
      maxBodyBytes: config.maxBodyBytes,
      breakerFailureThreshold: config.breakerFailureThreshold,
      breakerCooldownMs: config.breakerCooldownMs,
      backoffBaseMs: config.backoffBaseMs,
      backoffMaxMs: config.backoffMaxMs,
      ...(config.hedging === undefined ? {} : { hedging: { minDelayMs: config.hedging.minDelayMs, maxShare: config.hedging.maxShare } }),
    },
  };
}

function checkStringList(value: unknown, field: string, problems: string[]): void {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${field} must be a non-empty array of strings, got ${describe(value)}`);
    return;
  }
  if (value.some((item) => typeof item !== 'string' || item === '')) {
    problems.push(`${field} must contain only non-empty strings, got ${describe(value)}`);
    return;
  }
  if (new Set(value).size !== value.length) {
    problems.push(`${field} must not repeat entries, got ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
