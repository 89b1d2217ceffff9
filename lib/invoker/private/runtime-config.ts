import { Duration } from 'aws-cdk-lib';
import { InvokerRuntimeConfig } from '../../shared/invoker-config';
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
  };
}
