import { describe, positiveIntegerProblem } from './json-config';
import type { OutageDrillConfig } from '../../lib/shared/invoker-config';

/** The outage-drill setting of a handler configuration, read: absent, usable, or the reasons it is not. */
export type OutageDrillConfigResult =
  | { readonly ok: true; readonly config: OutageDrillConfig | undefined }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Validates the `outageDrill` field both handlers' configurations may carry (see {@link OutageDrillConfig}).
 * Pure: never throws, every problem reported.
 */
export function readOutageDrillConfig(value: unknown): OutageDrillConfigResult {
  if (value === undefined) {
    return { ok: true, config: undefined };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problems: [`outageDrill must be { parameterName, cacheSeconds, maxDurationMinutes }, got ${describe(value)}`] };
  }
  const { parameterName, cacheSeconds, maxDurationMinutes } = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof parameterName !== 'string' || !parameterName.startsWith('/')) {
    problems.push(`outageDrill.parameterName must be an SSM parameter path starting with '/', got ${describe(parameterName)}`);
  }
  for (const [field, number] of [['cacheSeconds', cacheSeconds], ['maxDurationMinutes', maxDurationMinutes]] as const) {
    const problem = positiveIntegerProblem(`outageDrill.${field}`, number);
    if (problem !== undefined) {
      problems.push(problem);
    }
  }
  if (problems.length > 0) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    config: { parameterName: parameterName as string, cacheSeconds: cacheSeconds as number, maxDurationMinutes: maxDurationMinutes as number },
  };
}
