/** The three states of a region's circuit. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Settings of a {@link CircuitBreakerRegistry}. */
export interface CircuitBreakerOptions {
  /** Consecutive failover-class failures that open a circuit. */
  readonly failureThreshold: number;
  /** How long an open circuit skips its region before it lets one probe through, in milliseconds. */
  readonly cooldownMs: number;
  /** Milliseconds since an arbitrary origin; injectable so tests can drive time. */
  readonly now: () => number;
}

/** What {@link CircuitBreakerRegistry.snapshot} reports for one region (served by /health). */
export interface CircuitSnapshot {
  readonly region: string;
  readonly state: CircuitState;
  readonly consecutiveFailures: number;
  /** When an open circuit will let a probe through (ms, same clock as `now`); absent unless open. */
  readonly retryAtMs?: number;
  /** Until when the region is skipped because it throttled (ms, same clock as `now`); absent unless it is. */
  readonly quotaBackoffUntilMs?: number;
}

/** Leave to call a region, from {@link CircuitBreakerRegistry.tryAcquire}. */
export interface CircuitPermit {
  readonly region: string;
  /** True when this call is the region's single half-open probe: only its permit frees the probe slot. */
  readonly probe: boolean;
}

/**
 * How long a region that throttled without saying when to come back is skipped. Throttling is a quota
 * signal, not an outage: the region is passed over briefly (the request moves on at once), never for a
 * circuit's whole cool-down.
 */
export const DEFAULT_QUOTA_BACKOFF_MS = 1_000;

interface Circuit {
  state: CircuitState;
  consecutiveFailures: number;
  openedAtMs: number;
  probeStartedAtMs: number;
  /** The permit of the half-open probe in flight, if any. */
  probe?: CircuitPermit;
  /** The region throttled: skip it until then (a short quota back-off, independent of the circuit). */
  quotaBackoffUntilMs: number;
}

/**
 * One circuit breaker per source region, kept for the life of the container.
 *
 * closed → open after `failureThreshold` consecutive failures; open skips the region for `cooldownMs`;
 * then half-open lets exactly one probe through while everyone else keeps skipping the region; the
 * probe's success closes the circuit, its failure re-opens it. A probe that never reports back (its
 * caller vanished) is forgotten after another `cooldownMs`, so a region cannot stay stuck half-open.
 *
 * Throttling is kept apart from failures: a throttle skips the region for its Retry-After (or
 * {@link DEFAULT_QUOTA_BACKOFF_MS}), capped at `cooldownMs`, and neither counts toward opening the circuit
 * nor resets the count.
 *
 * The breaker protects callers from a region, never the service from its callers: when no region of a
 * plan may be called, {@link soonestAvailable} names the one to try anyway and {@link forceAcquire} lets
 * that call through (Envoy's panic threshold; AgentCore Gateway always tries the last remaining target).
 */
export class CircuitBreakerRegistry {
  private readonly circuits = new Map<string, Circuit>();

  public constructor(private readonly options: CircuitBreakerOptions) {}

  /**
   * Asks to call `region`. Returns a permit if the call may go ahead (closed, or this caller is the single
   * half-open probe), else undefined. Every permit must be followed by exactly one `recordSuccess`,
   * `recordFailure` or `release`.
   */
  public tryAcquire(region: string): CircuitPermit | undefined {
    const circuit = this.circuit(region);
    const now = this.options.now();
    if (now < circuit.quotaBackoffUntilMs) {
      return undefined;
    }
    switch (circuit.state) {
      case 'closed':
        return { region, probe: false };
      case 'open':
        if (now - circuit.openedAtMs < this.options.cooldownMs) {
          return undefined;
        }
        circuit.state = 'half-open';
        return this.startProbe(circuit, region, now);
      case 'half-open':
        if (now - circuit.probeStartedAtMs < this.options.cooldownMs) {
          return undefined;
        }
        return this.startProbe(circuit, region, now);
    }
  }

  /**
   * Lets a call to `region` through whatever its state: for the one region a request tries when no
   * region of its plan may be called. Never the half-open probe; settle it like any other permit.
   */
  public forceAcquire(region: string): CircuitPermit {
    this.circuit(region);
    return { region, probe: false };
  }

  /** The region answered (including a client error such as 400: the region itself is healthy). */
  public recordSuccess(region: string): void {
    const circuit = this.circuit(region);
    circuit.state = 'closed';
    circuit.consecutiveFailures = 0;
    circuit.probe = undefined;
    circuit.quotaBackoffUntilMs = Number.NEGATIVE_INFINITY;
  }

  /**
   * The region throttled (a quota signal, not an outage): skip it for `retryAfterMs` (its own
   * Retry-After) or {@link DEFAULT_QUOTA_BACKOFF_MS}, at most `cooldownMs`. The failure count is left as
   * it is; a throttled half-open probe frees the probe slot.
   */
  public recordThrottle(permit: CircuitPermit, retryAfterMs: number | undefined): void {
    const circuit = this.circuit(permit.region);
    const backoffMs = Math.min(Math.max(0, retryAfterMs ?? DEFAULT_QUOTA_BACKOFF_MS), this.options.cooldownMs);
    circuit.quotaBackoffUntilMs = Math.max(circuit.quotaBackoffUntilMs, this.options.now() + backoffMs);
    this.release(permit);
  }

  /** The region failed with a failover-class error. */
  public recordFailure(region: string): void {
    const circuit = this.circuit(region);
    circuit.consecutiveFailures += 1;
    if (circuit.state === 'half-open' || circuit.consecutiveFailures >= this.options.failureThreshold) {
      circuit.state = 'open';
      circuit.openedAtMs = this.options.now();
      circuit.probe = undefined;
    }
  }

  /**
   * The call ended without a verdict on the region (for example the client went away). If it was the
   * half-open probe, the probe slot is free again; any other caller's release changes nothing, so a
   * second probe can never start while the first is still in flight.
   */
  public release(permit: CircuitPermit): void {
    const circuit = this.circuit(permit.region);
    if (circuit.state === 'half-open' && circuit.probe === permit) {
      circuit.probeStartedAtMs = Number.NEGATIVE_INFINITY;
      circuit.probe = undefined;
    }
  }

  /**
   * When {@link tryAcquire} would next let a call to `region` through, if nothing else happened
   * meanwhile (same clock as `now`; in the past when it would now).
   */
  public availableAtMs(region: string): number {
    const circuit = this.circuits.get(region);
    if (circuit === undefined) {
      return Number.NEGATIVE_INFINITY;
    }
    const circuitAt = circuit.state === 'closed'
      ? Number.NEGATIVE_INFINITY
      : (circuit.state === 'open' ? circuit.openedAtMs : circuit.probeStartedAtMs) + this.options.cooldownMs;
    return Math.max(circuitAt, circuit.quotaBackoffUntilMs);
  }

  /** Of `regions`, the one that may be called soonest (the first in order on a tie); undefined when empty. */
  public soonestAvailable(regions: readonly string[]): string | undefined {
    let soonest: string | undefined;
    let soonestAt = Number.POSITIVE_INFINITY;
    for (const region of regions) {
      const at = this.availableAtMs(region);
      if (soonest === undefined || at < soonestAt) {
        soonest = region;
        soonestAt = at;
      }
    }
    return soonest;
  }

  /** Current state of a region, without side effects. */
  public stateOf(region: string): CircuitState {
    const circuit = this.circuits.get(region);
    if (circuit === undefined) {
      return 'closed';
    }
    if (circuit.state === 'open' && this.options.now() - circuit.openedAtMs >= this.options.cooldownMs) {
      return 'half-open';
    }
    return circuit.state;
  }

  /** States of the given regions, for /health and logs. */
  public snapshot(regions: readonly string[]): CircuitSnapshot[] {
    return regions.map((region) => {
      const circuit = this.circuits.get(region);
      const state = this.stateOf(region);
      const snapshot: CircuitSnapshot = { region, state, consecutiveFailures: circuit?.consecutiveFailures ?? 0 };
      const withRetry = state === 'open' && circuit !== undefined
        ? { ...snapshot, retryAtMs: circuit.openedAtMs + this.options.cooldownMs }
        : snapshot;
      return circuit !== undefined && circuit.quotaBackoffUntilMs > this.options.now()
        ? { ...withRetry, quotaBackoffUntilMs: circuit.quotaBackoffUntilMs }
        : withRetry;
    });
  }

  private startProbe(circuit: Circuit, region: string, now: number): CircuitPermit {
    const probe: CircuitPermit = { region, probe: true };
    circuit.probeStartedAtMs = now;
    circuit.probe = probe;
    return probe;
  }

  private circuit(region: string): Circuit {
    let circuit = this.circuits.get(region);
    if (circuit === undefined) {
      circuit = { state: 'closed', consecutiveFailures: 0, openedAtMs: 0, probeStartedAtMs: 0, quotaBackoffUntilMs: Number.NEGATIVE_INFINITY };
      this.circuits.set(region, circuit);
    }
    return circuit;
  }
}
