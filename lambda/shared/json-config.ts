/**
 * What the handlers' configurations share: one JSON object in one environment variable, set by the
 * construct, read once per container without throwing, every problem reported at once.
 */

/** Outcome of reading a configuration: a usable config, or the reasons it is unusable. */
export type ConfigResult<T> =
  /** `ignored`: problems with an optional feature's settings, which is left off rather than the handler broken. */
  | { readonly ok: true; readonly config: T; readonly ignored?: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * The JSON object in environment variable `variable` (its value `raw`), or the one problem that stops
 * the fields from being read: not set, not JSON, not an object. Pure.
 *
 * @param what what the construct sets the variable to, for the "not set" message ("the JSON canary configuration")
 */
export function readJsonObjectEnv(raw: string | undefined, variable: string, what: string): ConfigResult<Record<string, unknown>> {
  if (raw === undefined || raw.trim() === '') {
    return { ok: false, problems: [`environment variable ${variable} is not set; the construct sets it to ${what}`] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return { ok: false, problems: [`${variable} is not valid JSON (${(error as Error).message})`] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, problems: [`${variable} must be a JSON object`] };
  }
  return { ok: true, config: parsed as Record<string, unknown> };
}

/** The problem with `value` as the positive integer `field` must be, or undefined when it is one. */
export function positiveIntegerProblem(field: string, value: unknown): string | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
    ? undefined
    : `${field} must be a positive integer, got ${describe(value)}`;
}

/** A received value for a problem message: its JSON, cut at 120 characters, or `nothing`. */
export function describe(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
