/**
 * The figures of a twin run, computed from its timeline alone.
 */
import type { Timeline, TimelineSecond, TwinSummary } from './timeline';
import { totalsOf } from './timeline-buckets';

/**
 * Summarizes a run. Pure: the same timeline always gives the same summary. Seconds are read in the
 * order given; durations are differences of their `t`.
 *
 * - `requests`, `clientErrors`, `failedAttemptRequests`, `servedBy`: sums over every second
 *   (`servedBy` lists every region of the timeline, 0 when it served none, in the timeline's order).
 * - `durationSeconds`: the number of seconds recorded.
 * - `dnsChanges`: the seconds whose `dnsRegion` differs from the last answer before it; seconds
 *   without an answer (undefined) are skipped, and the first answer is not a change.
 * - `dnsFailoverSeconds`: from the first second at which the region DNS answers has a fault
 *   (`faults[dnsRegion]` set) to the first later second at which DNS answers another region; null
 *   when DNS never moves after it, when no answered region ever has a fault, or without DNS.
 * - `failbackSeconds`: after that failover, from the first second (at or after the failover) at
 *   which that same region has no fault, to the first second (at or after that one) at which DNS
 *   answers it again; null when it never fails over, the fault never ends or DNS never answers the
 *   region again within the run.
 * - `flaps`: the DNS changes (as counted by `dnsChanges`) into a region whose fault is set at that
 *   second, except when every region of the timeline has a fault then: Route 53 had nowhere better
 *   ("If no record is healthy, all records are healthy", Route 53 Developer Guide, How Amazon Route 53
 *   chooses records when health checking is configured).
 * - `secondsWithClientErrors`: the seconds with at least one client error.
 * - `alarms`: each name seen in `alarmsInAlarm`, with `t` of the first second it was seen and the
 *   number of seconds it was seen; ordered by that first second, then by name.
 */
export function summarize(timeline: Timeline): TwinSummary {
  const seconds = timeline.seconds;
  const totals = totalsOf(seconds, timeline.regions);
  const changes = dnsChangeIndexes(seconds);
  const failover = findFailover(seconds);
  return {
    scenario: timeline.scenario,
    endpoint: timeline.endpoint,
    durationSeconds: seconds.length,
    requests: totals.requests,
    clientErrors: totals.clientErrors,
    failedAttemptRequests: totals.failedAttemptRequests,
    dnsFailoverSeconds: failover ? seconds[failover.movedIndex].t - seconds[failover.faultIndex].t : null,
    failbackSeconds: failover ? failbackSeconds(seconds, failover) : null,
    flaps: changes.filter((index) => isFlap(seconds[index], timeline.regions)).length,
    dnsChanges: changes.length,
    servedBy: totals.servedBy,
    secondsWithClientErrors: seconds.filter((second) => second.clientErrors > 0).length,
    alarms: alarmsOf(seconds),
  };
}

/** Where DNS first left a faulted region it was answering. */
interface Failover {
  /** The region DNS answered when its fault was first seen. */
  readonly region: string;
  /** The index of the first second DNS answered a region with a fault. */
  readonly faultIndex: number;
  /** The index of the first later second DNS answered another region. */
  readonly movedIndex: number;
}

/** The indexes of the seconds whose DNS answer differs from the last answer before them. */
function dnsChangeIndexes(seconds: readonly TimelineSecond[]): number[] {
  const changes: number[] = [];
  let lastAnswer: string | undefined;
  seconds.forEach((second, index) => {
    if (second.dnsRegion === undefined) {
      return;
    }
    if (lastAnswer !== undefined && second.dnsRegion !== lastAnswer) {
      changes.push(index);
    }
    lastAnswer = second.dnsRegion;
  });
  return changes;
}

function findFailover(seconds: readonly TimelineSecond[]): Failover | undefined {
  const faultIndex = seconds.findIndex((second) => second.dnsRegion !== undefined && second.faults[second.dnsRegion] !== undefined);
  if (faultIndex < 0) {
    return undefined;
  }
  const region = seconds[faultIndex].dnsRegion as string;
  const movedIndex = firstIndexFrom(seconds, faultIndex + 1, (second) => second.dnsRegion !== undefined && second.dnsRegion !== region);
  return movedIndex < 0 ? undefined : { region, faultIndex, movedIndex };
}

function failbackSeconds(seconds: readonly TimelineSecond[], failover: Failover): number | null {
  const recoveredIndex = firstIndexFrom(seconds, failover.movedIndex, (second) => second.faults[failover.region] === undefined);
  if (recoveredIndex < 0) {
    return null;
  }
  const backIndex = firstIndexFrom(seconds, recoveredIndex, (second) => second.dnsRegion === failover.region);
  return backIndex < 0 ? null : seconds[backIndex].t - seconds[recoveredIndex].t;
}

/** A DNS change at `second` is a flap when the region it moved to has a fault and some region has none. */
function isFlap(second: TimelineSecond, regions: readonly string[]): boolean {
  const entered = second.dnsRegion as string;
  const everyRegionFaulted = regions.every((region) => second.faults[region] !== undefined);
  return second.faults[entered] !== undefined && !everyRegionFaulted;
}

function alarmsOf(seconds: readonly TimelineSecond[]): TwinSummary['alarms'] {
  const alarms = new Map<string, { firstAlarmSecond: number; alarmSeconds: number }>();
  for (const second of seconds) {
    for (const name of new Set(second.alarmsInAlarm)) {
      const seen = alarms.get(name);
      alarms.set(name, seen
        ? { ...seen, alarmSeconds: seen.alarmSeconds + 1 }
        : { firstAlarmSecond: second.t, alarmSeconds: 1 });
    }
  }
  return [...alarms.entries()]
    .map(([name, figures]) => ({ name, ...figures }))
    .sort((a, b) => a.firstAlarmSecond - b.firstAlarmSecond || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function firstIndexFrom(seconds: readonly TimelineSecond[], start: number, matches: (second: TimelineSecond) => boolean): number {
  for (let index = start; index < seconds.length; index++) {
    if (matches(seconds[index])) {
      return index;
    }
  }
  return -1;
}
