/**
 * Simulated time: the twin runs `speed` simulated seconds per real second. The simulated layers
 * (CloudWatch, Route 53, the clients' DNS caches, the canary's schedule) read simulated seconds; the real
 * handler and the fake Bedrock run in real time on a configuration whose every duration is divided by
 * `speed`, so the in-request layer keeps its proportions (an attempt timeout of 30 s is 1.5 s at speed 20).
 */
import type { CanaryRuntimeConfig } from '../../lib/shared/canary-config';
import type { InvokerRuntimeConfig } from '../../lib/shared/invoker-config';

/** Simulated seconds since the start, from the real monotonic clock. */
export class SimulatedClock {
  private readonly startedAtMs: number;

  /**
   * @param speed simulated seconds per real second
   * @param startSeconds the simulated time at construction
   */
  constructor(
    public readonly speed: number,
    private readonly startSeconds: number,
    private readonly realNowMs: () => number = () => performance.now(),
  ) {
    if (!(speed >= 1)) {
      throw new Error(`speed must be at least 1, got ${speed}`);
    }
    this.startedAtMs = realNowMs();
  }

  /** The simulated time now, in seconds. */
  public nowSeconds(): number {
    return this.startSeconds + ((this.realNowMs() - this.startedAtMs) / 1000) * this.speed;
  }

  /** Real milliseconds that `seconds` of simulated time take. */
  public realMs(seconds: number): number {
    return (seconds * 1000) / this.speed;
  }

  /** Resolves when the simulated time reaches `seconds` (at once when it has). */
  public until(seconds: number): Promise<void> {
    const waitMs = this.realMs(seconds - this.nowSeconds());
    return waitMs <= 0 ? Promise.resolve() : new Promise(resolve => setTimeout(resolve, waitMs));
  }
}

/** `ms` of simulated time as real milliseconds at `speed` (at least 1: timers need a positive delay). */
export function compressMs(ms: number, speed: number): number {
  return Math.max(1, Math.round(ms / speed));
}

/**
 * The invoker's configuration with every duration compressed by `speed`, and without its real-account
 * drill switch: the twin's faults come from its scenario, and it has no SSM to read a switch from.
 */
export function compressInvokerConfig(config: InvokerRuntimeConfig, speed: number): InvokerRuntimeConfig {
  return {
    ...config,
    outageDrill: undefined,
    deadlineMs: compressMs(config.deadlineMs, speed),
    attemptTimeoutMs: compressMs(config.attemptTimeoutMs, speed),
    firstTokenTimeoutMs: compressMs(config.firstTokenTimeoutMs, speed),
    breakerCooldownMs: compressMs(config.breakerCooldownMs, speed),
    backoffBaseMs: compressMs(config.backoffBaseMs, speed),
    backoffMaxMs: compressMs(config.backoffMaxMs, speed),
    ...(config.hedging === undefined ? {} : { hedging: { ...config.hedging, minDelayMs: compressMs(config.hedging.minDelayMs, speed) } }),
  };
}

/** The canary's configuration with its timeout compressed by `speed`, and without the drill switch. */
export function compressCanaryConfig(config: CanaryRuntimeConfig, speed: number): CanaryRuntimeConfig {
  return { ...config, outageDrill: undefined, timeoutMs: compressMs(config.timeoutMs, speed) };
}

/** EMF metrics whose values are milliseconds: the twin stretches them back to simulated time. */
export const MILLISECOND_UNIT = 'Milliseconds';
