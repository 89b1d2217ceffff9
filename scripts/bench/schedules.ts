/**
 * Schedules of the fault runs: which requests are poison, and which regions fail when in the
 * rolling-fault run. Pure.
 */

/**
 * Whether request `index` (0-based) is a poison request when a `share` (in [0, 1]) of the traffic is
 * poison, spread evenly: the request at which the running count of `share` per request reaches the next
 * whole number (with 2 %: requests 49, 99, 149, ...).
 */
export function isPoison(index: number, share: number): boolean {
  return Math.floor((index + 1) * share + 1e-9) > Math.floor(index * share + 1e-9);
}

/** How a faulted region fails in the rolling-fault run. */
export type RollingFault = 'unavailable' | 'throttle' | 'hang';

/** Every {@link RollingFault}, in the order the usage lists them. */
export const ROLLING_FAULTS: readonly RollingFault[] = ['unavailable', 'throttle', 'hang'];

/** One phase of the rolling-fault run. */
export interface FaultPhase {
  /** Seconds from the start of the run. */
  readonly startSeconds: number;
  readonly endSeconds: number;
  /** The region that answers normally throughout the phase. */
  readonly healthy: string;
  /** Every other region, with its fault. */
  readonly faulted: ReadonlyArray<{ readonly region: string; readonly fault: RollingFault }>;
}

/**
 * The phases of a rolling-fault run of `totalSeconds`, each `phaseSeconds` long (the last one cut to
 * fit): in every phase exactly one region is healthy and every other region fails, and the healthy one
 * moves through `regions` from the last (phase 0 faults the primary) to the first, then the second, and
 * so on, so every region fails and recovers in turn. The faulted regions of phase `k` take the faults of
 * `faults` in turn, starting at `faults[k % faults.length]`.
 *
 * @throws when there are fewer than two regions, no faults, or a duration is not positive
 */
export function rollingSchedule(
  regions: readonly string[], totalSeconds: number, phaseSeconds: number, faults: readonly RollingFault[],
): FaultPhase[] {
  if (regions.length < 2 || faults.length === 0 || !(totalSeconds > 0) || !(phaseSeconds > 0)) {
    throw new Error(`a rolling schedule needs two regions or more, a fault, and positive durations; got ${regions.length} regions, `
      + `${faults.length} faults, ${totalSeconds} s in phases of ${phaseSeconds} s`);
  }
  const phases: FaultPhase[] = [];
  for (let index = 0; index * phaseSeconds < totalSeconds; index++) {
    const healthyIndex = (index + regions.length - 1) % regions.length;
    const others = regions.filter((_, position) => position !== healthyIndex);
    phases.push({
      startSeconds: index * phaseSeconds,
      endSeconds: Math.min(totalSeconds, (index + 1) * phaseSeconds),
      healthy: regions[healthyIndex],
      faulted: others.map((region, position) => ({ region, fault: faults[(index + position) % faults.length] })),
    });
  }
  return phases;
}

/**
 * The phase in force at `seconds` from the start of the run (the last one from its start on), or
 * `undefined` before the first.
 */
export function phaseAt(phases: readonly FaultPhase[], seconds: number): FaultPhase | undefined {
  let found: FaultPhase | undefined;
  for (const phase of phases) {
    if (phase.startSeconds <= seconds) {
      found = phase;
    }
  }
  return found;
}
