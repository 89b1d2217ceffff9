/**
 * Reading a timeline in stretches: the totals of a run of seconds, the buckets a chart draws (one
 * column or bar per bucket) and the minute ticks that label its time axis. Shared by the summary, the
 * terminal chart and the SVG so that they count the same way.
 */
import type { TimelineSecond } from './timeline';

/** The sums over a stretch of seconds. */
export interface TimelineTotals {
  readonly requests: number;
  readonly clientErrors: number;
  readonly failedAttemptRequests: number;
  /** Region → requests it served: every given region (0 when it served none), then any other that served. */
  readonly servedBy: Readonly<Record<string, number>>;
}

/** Consecutive seconds drawn as one column or bar, with their totals. */
export interface TimelineBucket extends TimelineTotals {
  /** The bucket's seconds, in order (never empty). */
  readonly seconds: readonly TimelineSecond[];
  /** `t` of its first second. */
  readonly startSecond: number;
}

/** Sums the counts of `seconds`; `regions` fixes the first keys (and their order) of `servedBy`. */
export function totalsOf(seconds: readonly TimelineSecond[], regions: readonly string[]): TimelineTotals {
  const servedBy: Record<string, number> = Object.fromEntries(regions.map((region) => [region, 0]));
  let requests = 0;
  let clientErrors = 0;
  let failedAttemptRequests = 0;
  for (const second of seconds) {
    requests += second.requests;
    clientErrors += second.clientErrors;
    failedAttemptRequests += second.failedAttemptRequests;
    for (const [region, served] of Object.entries(second.servedBy)) {
      servedBy[region] = (servedBy[region] ?? 0) + served;
    }
  }
  return { requests, clientErrors, failedAttemptRequests, servedBy };
}

/** The fewest whole seconds per bucket that draw `secondCount` seconds in at most `maxBuckets` buckets (at least 1). */
export function secondsPerBucket(secondCount: number, maxBuckets: number): number {
  if (!Number.isInteger(maxBuckets) || maxBuckets < 1) {
    throw new Error(`A chart needs at least one column or bar, got ${maxBuckets}: pass a positive whole number.`);
  }
  return Math.max(1, Math.ceil(secondCount / maxBuckets));
}

/** Cuts `seconds` into buckets of `size` consecutive seconds (the last may be shorter). */
export function bucketTimeline(seconds: readonly TimelineSecond[], size: number, regions: readonly string[]): TimelineBucket[] {
  const buckets: TimelineBucket[] = [];
  for (let start = 0; start < seconds.length; start += size) {
    const slice = seconds.slice(start, start + size);
    buckets.push({ ...totalsOf(slice, regions), seconds: slice, startSecond: slice[0].t });
  }
  return buckets;
}

/** Tick steps, in minutes, a reader finds natural; beyond the last one, whole hours. */
const MINUTE_STEPS = [1, 2, 5, 10, 15, 30, 60];

/**
 * The minutes to label on a time axis of `durationSeconds`: 0, then every step, where the step is the
 * smallest natural one (1, 2, 5, 10, 15, 30, 60 minutes, then whole hours) that leaves at least
 * `minSecondsBetweenTicks` between two labels.
 */
export function minuteTicks(durationSeconds: number, minSecondsBetweenTicks: number): number[] {
  const wantedMinutes = minSecondsBetweenTicks / 60;
  const step = MINUTE_STEPS.find((candidate) => candidate >= wantedMinutes) ?? Math.ceil(wantedMinutes / 60) * 60;
  const ticks: number[] = [];
  for (let minute = 0; minute * 60 < durationSeconds; minute += step) {
    ticks.push(minute);
  }
  return ticks;
}

/** `t` as minutes and seconds (`2m05s`), for labels and tooltips. */
export function formatClock(t: number): string {
  const minutes = Math.floor(t / 60);
  const seconds = t - minutes * 60;
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}
