/* eslint-disable import/no-extraneous-dependencies -- bundled into the handler by esbuild */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AttemptControl } from './attempt-control';
import { OUTAGE_DRILL_OFF, OutageDrillConfig, OutageDrillValue } from '../../../lib/shared/invoker-config';

/**
 * The outage drill, as the handlers see it: a switch per region (an SSM parameter, see
 * {@link OutageDrillConfig}) that, while on, makes the region's invokers treat Bedrock in their own region
 * as failing and its canary report failures, so a real account can rehearse a regional outage with no
 * code change. The switch fails safe: anything but an unexpired, well-formed drill value, and any failure
 * to read it, means no drill.
 */

/** What the switch says at one moment. */
export type DrillSwitch =
  | { readonly kind: 'off' }
  | { readonly kind: 'on'; readonly untilEpochMs: number }
  | { readonly kind: 'expired'; readonly untilEpochMs: number }
  | { readonly kind: 'malformed'; readonly problem: string };

/** Clock difference tolerated between the writer of the switch (the drill automation) and the reader. */
export const DRILL_CLOCK_SKEW_MS = 60_000;

/** An ISO-8601 date-time with an explicit zone: `Date.parse` reads anything else in local time, or not at all. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads the switch's value at `nowEpochMs`. Pure. `off` (or nothing, or `failBedrock: false`) is off; a
 * {@link OutageDrillValue} is on until its `until`, then expired; a value that is not one, or whose
 * `until` lies more than `maxDurationMinutes` (plus {@link DRILL_CLOCK_SKEW_MS}) ahead, is malformed. Only
 * `on` is a drill.
 */
export function parseDrillSwitch(value: string | undefined, nowEpochMs: number, maxDurationMinutes: number): DrillSwitch {
  if (value === undefined || value.trim() === OUTAGE_DRILL_OFF) {
    return { kind: 'off' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { kind: 'malformed', problem: `neither '${OUTAGE_DRILL_OFF}' nor JSON` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { kind: 'malformed', problem: 'not a JSON object' };
  }
  const { failBedrock, until } = parsed as Partial<Record<keyof OutageDrillValue, unknown>>;
  if (failBedrock === false) {
    return { kind: 'off' };
  }
  if (failBedrock !== true) {
    return { kind: 'malformed', problem: 'failBedrock is not true or false' };
  }
  if (typeof until !== 'string' || !ISO_DATE_TIME.test(until) || Number.isNaN(Date.parse(until))) {
    return { kind: 'malformed', problem: 'until is not an ISO-8601 date-time with a zone (2026-01-01T12:30:00Z)' };
  }
  const untilEpochMs = Date.parse(until);
  if (untilEpochMs <= nowEpochMs) {
    return { kind: 'expired', untilEpochMs };
  }
  if (untilEpochMs - nowEpochMs > maxDurationMinutes * 60_000 + DRILL_CLOCK_SKEW_MS) {
    return { kind: 'malformed', problem: `until is ${Math.round((untilEpochMs - nowEpochMs) / 60_000)} min ahead, more than the longest drill (${maxDurationMinutes} min)` };
  }
  return { kind: 'on', untilEpochMs };
}

/**
 * Reads the switch parameter's value, allowed to answer from a cache no older than `maxAgeSeconds`.
 * Rejects when the parameter cannot be read.
 */
export type DrillParameterReader = (parameterName: string, maxAgeSeconds: number) => Promise<string | undefined>;

/**
 * The reader the handlers use in AWS: Powertools Parameters (`getParameter` with `maxAge`), loaded on first
 * use so that a handler without a drill switch never loads the SSM client.
 */
export const readDrillParameterFromSsm: DrillParameterReader = async (parameterName, maxAgeSeconds) => {
  const { readOutageDrillParameter } = await import('./outage-drill-parameter.js');
  return readOutageDrillParameter(parameterName, maxAgeSeconds);
};

/** A handler's parsed configuration, as far as the drill switch reads it. */
type ParsedWithDrill =
  | { readonly ok: true; readonly config: { readonly outageDrill?: OutageDrillConfig }; readonly ignored?: readonly string[] }
  | { readonly ok: false };

/**
 * The switch a handler's parsed configuration asks for (the invoker's and the canary's alike): undefined
 * without one. Settings the configuration had to ignore are logged once, as the reason there is no drill.
 */
export function outageDrillSwitchOf(
  configResult: ParsedWithDrill,
  logger: Pick<Logger, 'info' | 'warn' | 'error'>,
  read: DrillParameterReader = readDrillParameterFromSsm,
): OutageDrillSwitch | undefined {
  if (!configResult.ok) {
    return undefined;
  }
  if (configResult.ignored !== undefined) {
    logger.error('The outage drill is off: its configuration is unusable', { problems: configResult.ignored });
  }
  const drill = configResult.config.outageDrill;
  return drill === undefined ? undefined : new OutageDrillSwitch({ config: drill, read, epochNow: () => Date.now(), logger });
}

/** The longest a request waits for the switch: a slow or unreachable SSM costs this once per cache period, then no drill. */
const DRILL_READ_TIMEOUT_MS = 1_000;

/** What an {@link OutageDrillSwitch} needs. */
export interface OutageDrillSwitchOptions {
  readonly config: OutageDrillConfig;
  readonly read: DrillParameterReader;
  /** Wall-clock epoch milliseconds (the switch's `until` is a wall-clock time). */
  readonly epochNow: () => number;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  /** @default DRILL_READ_TIMEOUT_MS */
  readonly readTimeoutMs?: number;
}

/**
 * A region's drill switch, read through a cache: a value is trusted for `cacheSeconds` (the reader's own
 * cache), and so is a failure to read it (Powertools does not cache failures, and an unreadable parameter
 * must not cost every request a call to SSM). Logs when what it reads changes, and every failed read
 * (at most once per cache period).
 */
export class OutageDrillSwitch {
  /** After a failed read, no read (and no drill) before this epoch time. */
  private unreadableUntilMs = Number.NEGATIVE_INFINITY;
  /** What was last read, to log only changes. */
  private lastSeen: string | undefined;

  public constructor(private readonly options: OutageDrillSwitchOptions) {}

  /** The parameter this switch reads. */
  public get parameterName(): string {
    return this.options.config.parameterName;
  }

  /** Whether a drill is on now. Never throws; waits for SSM at most the read timeout. */
  public async isOn(): Promise<boolean> {
    const { config, logger } = this.options;
    const startedAt = this.options.epochNow();
    if (startedAt < this.unreadableUntilMs) {
      return false;
    }
    let value: string | undefined;
    try {
      value = await withinMs(this.options.read(config.parameterName, config.cacheSeconds), this.options.readTimeoutMs ?? DRILL_READ_TIMEOUT_MS);
    } catch (error) {
      this.unreadableUntilMs = startedAt + config.cacheSeconds * 1000;
      this.lastSeen = 'unreadable';
      logger.warn('Outage drill switch unreadable: no drill', {
        outageDrill: { parameterName: config.parameterName, error: (error as Error).message, nextReadInSeconds: config.cacheSeconds },
      });
      return false;
    }
    const state = parseDrillSwitch(value, this.options.epochNow(), config.maxDurationMinutes);
    this.noteChange(state);
    return state.kind === 'on';
  }

  private noteChange(state: DrillSwitch): void {
    const seen = state.kind === 'on' || state.kind === 'expired' ? `${state.kind} ${state.untilEpochMs}` : state.kind;
    if (seen === this.lastSeen) {
      return;
    }
    this.lastSeen = seen;
    const { logger, config } = this.options;
    const details = { parameterName: config.parameterName, state: state.kind };
    switch (state.kind) {
      case 'on':
        logger.warn('Outage drill on: Bedrock in this region is treated as failing', {
          outageDrill: { ...details, until: new Date(state.untilEpochMs).toISOString() },
        });
        break;
      case 'malformed':
        logger.warn('Outage drill switch malformed: no drill', { outageDrill: { ...details, problem: state.problem } });
        break;
      default:
        logger.info('Outage drill off', { outageDrill: details });
    }
  }
}

/** The error a drilled region's attempt fails with: the 503 a region in an outage answers (a failover class). */
function drilledRegionFailure(region: string): Error {
  return Object.assign(new Error(`outage drill: Bedrock in ${region} is treated as unavailable while the region's drill switch is on`), {
    name: 'ServiceUnavailableException',
    $metadata: { httpStatusCode: 503 },
  });
}

/**
 * An attempt at a drilled region: fails at once with {@link drilledRegionFailure}, without calling the
 * region, and counted as the region's answer (sent), so the classification, the circuit breaker and the
 * metrics treat it as they would a real outage.
 */
export function failAsDrilled(region: string, control: AttemptControl): Promise<never> {
  control.markHandedToSdk();
  control.markSent();
  return Promise.reject(drilledRegionFailure(region));
}

/** `promise`, or a rejection once `ms` have passed without it settling. */
function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
