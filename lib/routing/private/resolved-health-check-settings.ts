import { Duration, Token } from 'aws-cdk-lib';
import { HealthCheckSettings } from '../health-check-settings';

/** {@link HealthCheckSettings} with every default filled in. */
export type ResolvedHealthCheckSettings = Required<HealthCheckSettings>;

/**
 * Fills in the defaults of the health-check settings and checks them against Route 53's limits.
 *
 * @throws when a setting is outside what Route 53 accepts
 */
export function resolveHealthCheckSettings(settings: HealthCheckSettings): ResolvedHealthCheckSettings {
  const resolved: ResolvedHealthCheckSettings = {
    requestInterval: settings.requestInterval ?? Duration.seconds(10),
    failureThreshold: settings.failureThreshold ?? 3,
    alarmPeriod: settings.alarmPeriod ?? Duration.minutes(1),
    alarmEvaluationPeriods: settings.alarmEvaluationPeriods ?? 1,
    errorThreshold: settings.errorThreshold ?? 5,
    throttleThreshold: settings.throttleThreshold ?? 10,
  };
  const interval = resolved.requestInterval.toSeconds();
  if (interval !== 10 && interval !== 30) {
    throw new Error(`healthChecks.requestInterval must be 10 or 30 seconds (Route 53's only choices); got ${interval} s.`);
  }
  if (!Number.isInteger(resolved.failureThreshold) || resolved.failureThreshold < 1 || resolved.failureThreshold > 10) {
    throw new Error(`healthChecks.failureThreshold must be a whole number from 1 to 10; got ${resolved.failureThreshold}.`);
  }
  const period = resolved.alarmPeriod.toSeconds();
  if (period < 60 || period % 60 !== 0) {
    throw new Error('healthChecks.alarmPeriod must be a whole number of minutes: Route 53 alarm-based health checks need '
      + `standard-resolution metrics; got ${period} s.`);
  }
  for (const key of ['alarmEvaluationPeriods', 'errorThreshold', 'throttleThreshold'] as const) {
    const value = resolved[key];
    if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < 1)) {
      throw new Error(`healthChecks.${key} must be a whole number of at least 1; got ${value}.`);
    }
  }
  return resolved;
}
