import { Duration, Token } from 'aws-cdk-lib';
import { HealthCheckSettings } from '../health-check-settings';

/** {@link HealthCheckSettings} with every default filled in. */
export type ResolvedHealthCheckSettings = Required<HealthCheckSettings>;

/** CloudWatch: an alarm's evaluation range (periods x period) may not exceed one day. */
const MAX_ALARM_EVALUATION_MINUTES = 24 * 60;

/**
 * Fills in the defaults of the health-check settings and checks them against what Route 53,
 * CloudWatch and the canary accept.
 *
 * @throws when a setting is outside what they accept, saying what to use instead
 */
export function resolveHealthCheckSettings(settings: HealthCheckSettings): ResolvedHealthCheckSettings {
  const resolved: ResolvedHealthCheckSettings = {
    requestInterval: settings.requestInterval ?? Duration.seconds(10),
    failureThreshold: settings.failureThreshold ?? 3,
    canaryInterval: settings.canaryInterval ?? Duration.minutes(1),
    canaryTimeout: settings.canaryTimeout ?? Duration.seconds(10),
    canaryFailedRuns: settings.canaryFailedRuns ?? 2,
    canaryEvaluationRuns: settings.canaryEvaluationRuns ?? 3,
  };
  for (const key of ['failureThreshold', 'canaryFailedRuns', 'canaryEvaluationRuns'] as const) {
    if (Token.isUnresolved(resolved[key])) {
      throw new Error(`healthChecks.${key} must be a number, not a token: the failover times are computed from it at synth. `
        + 'Give the value itself.');
    }
  }
  const interval = resolved.requestInterval.toSeconds();
  if (interval !== 10 && interval !== 30) {
    throw new Error(`healthChecks.requestInterval must be 10 or 30 seconds (Route 53's only choices); got ${interval} s.`);
  }
  if (!Number.isInteger(resolved.failureThreshold) || resolved.failureThreshold < 1 || resolved.failureThreshold > 10) {
    throw new Error(`healthChecks.failureThreshold must be a whole number from 1 to 10; got ${resolved.failureThreshold}.`);
  }
  const canarySeconds = resolved.canaryInterval.toSeconds();
  if (canarySeconds < 60 || canarySeconds > 3600 || canarySeconds % 60 !== 0) {
    throw new Error('healthChecks.canaryInterval must be a whole number of minutes from 1 to 60 (the alarm Route 53 follows needs '
      + `standard-resolution metrics, one canary run per period); got ${canarySeconds} s.`);
  }
  const timeoutMs = resolved.canaryTimeout.toMilliseconds();
  if (timeoutMs < 1_000 || timeoutMs > 30_000) {
    throw new Error('healthChecks.canaryTimeout must be from 1 to 30 seconds (a one-token answer takes well under a second; '
      + `the function's timeout adds a margin and stays under one interval); got ${timeoutMs} ms.`);
  }
  for (const key of ['canaryFailedRuns', 'canaryEvaluationRuns'] as const) {
    const value = resolved[key];
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`healthChecks.${key} must be a whole number of at least 1; got ${value}.`);
    }
  }
  if (resolved.canaryFailedRuns > resolved.canaryEvaluationRuns) {
    throw new Error(`healthChecks.canaryFailedRuns (${resolved.canaryFailedRuns}) must not exceed canaryEvaluationRuns `
      + `(${resolved.canaryEvaluationRuns}): the alarm counts failed runs among the last canaryEvaluationRuns.`);
  }
  if (resolved.canaryEvaluationRuns * (canarySeconds / 60) > MAX_ALARM_EVALUATION_MINUTES) {
    throw new Error('healthChecks.canaryEvaluationRuns x canaryInterval must not exceed one day (CloudWatch\'s limit for an alarm); '
      + `got ${resolved.canaryEvaluationRuns} x ${canarySeconds / 60} min.`);
  }
  return resolved;
}
