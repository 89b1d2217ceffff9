/**
 * Configurations and bodies the bench runs share.
 */
import type { InvokerRuntimeConfig } from '../../lib/shared/invoker-config';

/** The three fake regions, in plan order (the first is the primary). */
export const REGIONS = ['eu-west-1', 'eu-central-1', 'eu-west-3'] as const;

/** The configuration of the overhead and outage runs (short breaker cool-down so the outage run sees probes). */
export const CONFIG: InvokerRuntimeConfig = {
  geography: 'eu',
  regionPlan: [...REGIONS],
  profileIds: ['eu.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  deadlineMs: 20_000,
  attemptTimeoutMs: 5_000,
  firstTokenTimeoutMs: 5_000,
  maxBodyBytes: 1_048_576,
  breakerFailureThreshold: 5,
  breakerCooldownMs: 5_000,
  backoffBaseMs: 50,
  backoffMaxMs: 1_000,
};

/**
 * What a RegionalInvoker deploys with its defaults (lib/invoker/private/runtime-config.ts and the
 * default 60 s integration timeout of lib/invoker/invoker-settings.ts): 58 s deadline, 30 s attempt
 * timeout, 10 s first-token timeout, 4 MiB bodies, breaker opening after 3 failures for 30 s, backoff
 * 100 ms to 2 s.
 */
export const PRODUCTION_DEFAULTS: InvokerRuntimeConfig = {
  ...CONFIG,
  deadlineMs: 58_000,
  attemptTimeoutMs: 30_000,
  firstTokenTimeoutMs: 10_000,
  maxBodyBytes: 4 * 1024 * 1024,
  breakerFailureThreshold: 3,
  breakerCooldownMs: 30_000,
  backoffBaseMs: 100,
  backoffMaxMs: 2_000,
};

export const MESSAGES = [{ role: 'user' as const, content: [{ text: 'Hello' }] }];
export const BODY = JSON.stringify({ messages: MESSAGES });
