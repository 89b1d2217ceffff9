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
}

interface Circuit {
  state: CircuitState;
  consecutiveFailures: number;
  openedAtMs: number;
  probeStartedAtMs: number;
}

/**
 * One circuit breaker per source region, kept for the life of the container.
 *
 * closed → open after `failureThreshold` consecutive failures; open skips the region for `cooldownMs`;
 * then half-open lets exactly one probe through while everyone else keeps skipping the region; the
 * probe's success closes the circuit, its failure re-opens it. A probe that never reports back (its
 * caller vanished) is forgotten after another `cooldownMs`, so a region cannot stay stuck half-open.
 */
export class CircuitBreakerRegistry {
  private readonly circuits = new Map<string, Circuit>();

  public constructor(private readonly options: CircuitBreakerOptions) {}

  /**
   * Asks to call `region`. Returns true if the call may go ahead (closed, or this caller is the single
   * half-open probe). Every `true` must be followed by exactly one `recordSuccess`, `recordFailure` or `release`.
   */
  public tryAcquire(region: string): boolean {
    const circuit = this.circuit(region);
    const now = this.options.now();
    switch (circuit.state) {
      case 'closed':
        return true;
      case 'open':
        if (now - circuit.openedAtMs < this.options.cooldownMs) {
          return false;
        }
        circuit.state = 'half-open';
        circuit.probeStartedAtMs = now;
        return true;
      case 'half-open':
        if (now - circuit.probeStartedAtMs < this.options.cooldownMs) {
          return false;
        }
        circuit.probeStartedAtMs = now;
        return true;
    }
  }

  /** The region answered (including a client error such as 400: the region itself is healthy). */
  public recordSuccess(region: string): void {
    const circuit = this.circuit(region);
    circuit.state = 'closed';
    circuit.consecutiveFailures = 0;
  }

  /** The region failed with a failover-class error. */
  public recordFailure(region: string): void {
    const circuit = this.circuit(region);
    circuit.consecutiveFailures += 1;
    if (circuit.state === 'half-open' || circuit.consecutiveFailures >= this.options.failureThreshold) {
      circuit.state = 'open';
      circuit.openedAtMs = this.options.now();
    }
  }

  /** The call ended without a verdict on the region (for example the client went away): free a probe slot. */
  public release(region: string): void {
    const circuit = this.circuit(region);
    if (circuit.state === 'half-open') {
      circuit.probeStartedAtMs = Number.NEGATIVE_INFINITY;
    }
  }

  /**
   * Whether {@link tryAcquire} would let a call to `region` through at `atMs` (same clock as `now`), if
   * nothing else happened meanwhile. No side effects: used to skip a backoff that could only end in
   * skipping every region.
   */
  public couldAcquireAt(region: string, atMs: number): boolean {
    const circuit = this.circuits.get(region);
    if (circuit === undefined) {
      return true;
    }
    switch (circuit.state) {
      case 'closed':
        return true;
      case 'open':
        return atMs - circuit.openedAtMs >= this.options.cooldownMs;
      case 'half-open':
        return atMs - circuit.probeStartedAtMs >= this.options.cooldownMs;
    }
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
      return state === 'open' && circuit !== undefined
        ? { ...snapshot, retryAtMs: circuit.openedAtMs + this.options.cooldownMs }
        : snapshot;
    });
  }

  private circuit(region: string): Circuit {
    let circuit = this.circuits.get(region);
    if (circuit === undefined) {
      circuit = { state: 'closed', consecutiveFailures: 0, openedAtMs: 0, probeStartedAtMs: 0 };
      this.circuits.set(region, circuit);
    }
    return circuit;
  }
}
