/**
 * Budget arithmetic for one invoker: how the API Gateway integration timeout is shared between the
 * handler's overall deadline, each Bedrock attempt and the Lambda function timeout. Pure.
 */

/** Milliseconds kept between the handler's deadline and the integration timeout, so the handler always answers first. */
export const DEADLINE_MARGIN_MS = 2_000;

/** Seconds the Lambda timeout exceeds the integration timeout, so the function is never killed mid-answer. */
export const LAMBDA_TIMEOUT_MARGIN_SECONDS = 5;

/** API Gateway limits for a REST integration with `responseTransferMode: STREAM`. */
export const MIN_INTEGRATION_TIMEOUT_MS = 5_000;
export const MAX_STREAMING_INTEGRATION_TIMEOUT_MS = 900_000;

/** What the user asked for, in milliseconds. */
export interface TimeoutRequest {
  readonly integrationTimeoutMs: number;
  readonly attemptTimeoutMs: number;
  readonly firstTokenTimeoutMs: number;
}

/** The resulting budget. */
export interface TimeoutBudget {
  readonly integrationTimeoutMs: number;
  /** The handler's overall deadline per request. */
  readonly deadlineMs: number;
  readonly attemptTimeoutMs: number;
  readonly firstTokenTimeoutMs: number;
  readonly lambdaTimeoutSeconds: number;
}

/**
 * Derives the budget and checks it. Throws with the prop names and what to change.
 */
export function planTimeouts(request: TimeoutRequest): TimeoutBudget {
  const { integrationTimeoutMs, attemptTimeoutMs, firstTokenTimeoutMs } = request;
  if (integrationTimeoutMs < MIN_INTEGRATION_TIMEOUT_MS || integrationTimeoutMs > MAX_STREAMING_INTEGRATION_TIMEOUT_MS) {
    throw new Error(`integrationTimeout must be between ${MIN_INTEGRATION_TIMEOUT_MS / 1000} s and ${MAX_STREAMING_INTEGRATION_TIMEOUT_MS / 1000} s `
      + `(API Gateway's limit for streamed responses); got ${integrationTimeoutMs / 1000} s.`);
  }
  const deadlineMs = integrationTimeoutMs - DEADLINE_MARGIN_MS;
  if (attemptTimeoutMs <= 0 || attemptTimeoutMs > deadlineMs) {
    throw new Error(`attemptTimeout (${attemptTimeoutMs / 1000} s) must be positive and at most the request deadline `
      + `(${deadlineMs / 1000} s = integrationTimeout - ${DEADLINE_MARGIN_MS / 1000} s). Lower attemptTimeout or raise integrationTimeout.`);
  }
  if (firstTokenTimeoutMs <= 0 || firstTokenTimeoutMs > attemptTimeoutMs) {
    throw new Error(`firstTokenTimeout (${firstTokenTimeoutMs / 1000} s) must be positive and at most attemptTimeout `
      + `(${attemptTimeoutMs / 1000} s).`);
  }
  return {
    integrationTimeoutMs,
    deadlineMs,
    attemptTimeoutMs,
    firstTokenTimeoutMs,
    lambdaTimeoutSeconds: Math.ceil(integrationTimeoutMs / 1000) + LAMBDA_TIMEOUT_MARGIN_SECONDS,
  };
}
