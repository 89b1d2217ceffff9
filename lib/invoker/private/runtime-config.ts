import { Duration, Token } from 'aws-cdk-lib';
import { HedgingConfig, InvokerRuntimeConfig } from '../../shared/invoker-config';
import { HedgingOptions } from '../hedging-options';
import { InvokerSettings } from '../invoker-settings';
import { TimeoutBudget } from './timeout-budget';

/** What {@link invokerRuntimeConfig} needs besides the settings: the synth-time plan of one invoker. */
export interface RuntimeConfigInputs {
  readonly geography: string;
  readonly regionPlan: readonly string[];
  readonly profileIds: readonly string[];
  readonly budget: TimeoutBudget;
}

/**
 * The configuration the handler reads from its environment: the region plan, the profiles, the timeout
 * budget and the settings' defaults for body size and circuit breakers.
 */
export function invokerRuntimeConfig(settings: InvokerSettings, inputs: RuntimeConfigInputs): InvokerRuntimeConfig {
  const { budget } = inputs;
  return {
    geography: inputs.geography,
    regionPlan: [...inputs.regionPlan],
    profileIds: [...inputs.profileIds],
    deadlineMs: budget.deadlineMs,
    attemptTimeoutMs: budget.attemptTimeoutMs,
    firstTokenTimeoutMs: budget.firstTokenTimeoutMs,
    maxBodyBytes: settings.maxBodyBytes ?? 4 * 1024 * 1024,
    breakerFailureThreshold: settings.circuitBreaker?.failureThreshold ?? 3,
    breakerCooldownMs: (settings.circuitBreaker?.cooldown ?? Duration.seconds(30)).toMilliseconds(),
    backoffBaseMs: 100,
    backoffMaxMs: 2_000,
    ...(settings.hedging === undefined ? {} : { hedging: hedgingConfig(settings.hedging) }),
  };
}

/** The handler's hedging settings, validated. */
function hedgingConfig(options: HedgingOptions): HedgingConfig {
  const minDelayMs = (options.minDelay ?? Duration.seconds(2)).toMilliseconds();
  const maxShare = options.maxShare ?? 0.05;
  if (!Token.isUnresolved(minDelayMs) && (!Number.isInteger(minDelayMs) || minDelayMs < 1)) {
    throw new Error(`hedging.minDelay must be at least 1 millisecond, got ${minDelayMs} ms.`);
  }
  if (!Token.isUnresolved(maxShare) && !(maxShare > 0 && maxShare <= 1)) {
    throw new Error(`hedging.maxShare must be a share of requests in (0, 1], for example 0.05 for 5 %; got ${maxShare}.`);
  }
  return { minDelayMs, maxShare };
}
