/**
 * What the local twin records of a run, second by second of simulated time, and the summary it
 * reports. The runner fills the timeline; the summary, the terminal chart and the SVG are computed from
 * it alone.
 */

/** One second of simulated time (requests are counted in the second they started). */
export interface TimelineSecond {
  /** Seconds since the scenario started (0-based). */
  readonly t: number;
  /**
   * The region Route 53 answers for the endpoint's name at this second (to a resolver with an empty
   * cache in the scenario's main client location); undefined without a hosted zone.
   */
  readonly dnsRegion?: string;
  /** Regions whose health check (the one their records carry) is unhealthy at this second. */
  readonly unhealthyRegions: readonly string[];
  /** Region → the fault injected into its Bedrock (or its API) at this second; a healthy region is absent. */
  readonly faults: Readonly<Record<string, string>>;
  /** Requests that started in this second. */
  readonly requests: number;
  /** Region → requests that started in this second and were answered successfully by that region. */
  readonly servedBy: Readonly<Record<string, number>>;
  /** Requests that started in this second and ended in an error the client saw (HTTP 5xx or 429, or no answer). */
  readonly clientErrors: number;
  /** Requests that started in this second and succeeded only after at least one failed attempt. */
  readonly failedAttemptRequests: number;
  /** Region → requests that started in this second and were sent to that region's API (after the client's DNS lookup). */
  readonly sentTo: Readonly<Record<string, number>>;
  /** Names of the alarms in ALARM state at this second. */
  readonly alarmsInAlarm: readonly string[];
}

/** A whole run. */
export interface Timeline {
  readonly scenario: string;
  /** The endpoint's service name. */
  readonly endpoint: string;
  /** The endpoint's regions, the primary (or the first) first. */
  readonly regions: readonly string[];
  /** Whether the run had a DNS layer (a hosted zone in the templates). */
  readonly dns: boolean;
  /** How many simulated seconds one real second held. */
  readonly speed: number;
  readonly seconds: readonly TimelineSecond[];
  /**
   * The 99th percentile of the twin's event-loop delay, in real milliseconds: the twin's own lag, which
   * compressed time magnifies `speed` times. Next to {@link shortestTimeoutMs} it says whether the run's
   * timeouts could have fired on the twin's lag rather than on a fault.
   */
  readonly eventLoopDelayP99Ms?: number;
  /** The shortest timeout of the handlers and canaries as the run compressed it, in real milliseconds. */
  readonly shortestTimeoutMs?: number;
}

/** The figures a run reports (`--json` prints them). */
export interface TwinSummary {
  readonly scenario: string;
  readonly endpoint: string;
  readonly durationSeconds: number;
  readonly requests: number;
  readonly clientErrors: number;
  /** Requests that succeeded only after a failed attempt (they paid for it in latency). */
  readonly failedAttemptRequests: number;
  /**
   * Seconds from the first fault in the region DNS answered when it began, to the first second DNS
   * answered another region; null when DNS never moved (or there is no DNS layer).
   */
  readonly dnsFailoverSeconds: number | null;
  /**
   * Seconds from the end of that fault (searched from the failover on) to the first second DNS answered
   * that region again; null when it did not fail back within the run (or never failed over).
   */
  readonly failbackSeconds: number | null;
  /** Times a region came back into the DNS answer while its own fault was still active. */
  readonly flaps: number;
  /** Times the DNS answer changed. */
  readonly dnsChanges: number;
  /** Region → requests it served. */
  readonly servedBy: Readonly<Record<string, number>>;
  /** Seconds in which at least one client saw an error. */
  readonly secondsWithClientErrors: number;
  /** Every alarm that was in ALARM at some second, with the seconds it entered that state. */
  readonly alarms: ReadonlyArray<{ readonly name: string; readonly firstAlarmSecond: number; readonly alarmSeconds: number }>;
}
