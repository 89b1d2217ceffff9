import { INVOKER_CONFIG_ENV, InvokerRuntimeConfig } from '../../lib/shared/invoker-config';
import { describe, ConfigResult as JsonConfigResult, positiveIntegerProblem, readJsonObjectEnv } from '../shared/json-config';
import { readOutageDrillConfig } from '../shared/outage-drill-config';

/** Outcome of reading the invoker configuration: either a usable config or the reasons it is unusable. */
export type ConfigResult = JsonConfigResult<InvokerRuntimeConfig>;

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
  const envelope = readJsonObjectEnv(raw, INVOKER_CONFIG_ENV, 'the JSON invoker configuration');
  if (!envelope.ok) {
    return envelope;
  }
  const candidate = envelope.config;
  const problems: string[] = [];

  if (typeof candidate.geography !== 'string' || candidate.geography === '') {
    problems.push(`geography must be a non-empty string, got ${describe(candidate.geography)}`);
  }
  checkStringList(candidate.regionPlan, 'regionPlan', problems);
  checkStringList(candidate.profileIds, 'profileIds', problems);
  for (const field of POSITIVE_INTEGER_FIELDS) {
    const problem = positiveIntegerProblem(field, candidate[field]);
    if (problem !== undefined) {
      problems.push(problem);
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
  // A drill switch that cannot be used leaves the drill off, never the handler broken.
  const outageDrill = readOutageDrillConfig(candidate.outageDrill);
  const drill = outageDrill.ok ? outageDrill.config : undefined;
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
      ...(drill === undefined ? {} : { outageDrill: drill }),
    },
    ...(outageDrill.ok ? {} : { ignored: outageDrill.problems }),
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
