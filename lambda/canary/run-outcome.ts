import type { AttemptStage } from '../invoker/resilience/attempt-control';
import { classifyBedrockError, InvokerAbortReason } from '../invoker/resilience/error-classification';

/**
 * How one canary run ended:
 * - `answered`: Bedrock in the region served the request;
 * - `throttled`: Bedrock answered with a quota signal (429 `ThrottlingException`, or
 *   `ServiceQuotaExceededException`). The region is up: the invoker absorbs throttling in-request by
 *   moving the request on, so a throttle must not take a region out of DNS. Counted apart;
 * - `failed`: anything else (5xx, 529, a timeout, a network error, `AccessDeniedException`, a model
 *   not enabled, `ValidationException`, a request the SDK could not even send): the region cannot
 *   serve this endpoint's profile, whatever the reason.
 */
export type CanaryVerdict = 'answered' | 'throttled' | 'failed';

/** One run's result. */
export interface CanaryRun {
  readonly verdict: CanaryVerdict;
  /** From sending the request to the answer, for `answered` runs. */
  readonly latencyMs?: number;
  /** The failure's or throttle's name (`InternalServerException`, `AttemptTimeout`, ...). */
  readonly errorName?: string;
  readonly message?: string;
}

/** What one run publishes. */
export interface CanaryMeasurements {
  /** 1 when Bedrock answered (a throttle is an answer), 0 otherwise. */
  readonly success: 0 | 1;
  /** 1 when the answer was a throttle. */
  readonly throttles: 0 | 1;
  /** Only for answered runs: a throttle's or a failure's timing says nothing about serving. */
  readonly latencyMs?: number;
}

/** Quota answers besides throttles (which the classification flags): Bedrock is there, this account is at its limit. */
const QUOTA_ANSWERS = new Set(['ServiceQuotaExceededException']);

/**
 * The run a failed call makes, with the invoker's own classification of Bedrock errors (by exception
 * name, then HTTP status). Pure.
 *
 * @param abortReason set when the canary's timer aborted the call (`AttemptTimeout`)
 * @param stage how far the request got: a call that never left the process is a failure too (the
 *              canary's credentials or configuration are broken, and nothing proves the region)
 */
export function runOfFailure(error: unknown, abortReason: InvokerAbortReason | undefined, stage: AttemptStage): CanaryRun {
  // The clock only dates a Retry-After, which the canary does not use.
  const classified = classifyBedrockError(error, abortReason, undefined, stage);
  const verdict: CanaryVerdict = classified.throttle || QUOTA_ANSWERS.has(classified.name) ? 'throttled' : 'failed';
  return { verdict, errorName: classified.name, message: classified.message };
}

/** What a run publishes. Pure. */
export function measurementsOf(run: CanaryRun): CanaryMeasurements {
  switch (run.verdict) {
    case 'answered':
      return { success: 1, throttles: 0, latencyMs: run.latencyMs };
    case 'throttled':
      return { success: 1, throttles: 1 };
    case 'failed':
      return { success: 0, throttles: 0 };
  }
}
