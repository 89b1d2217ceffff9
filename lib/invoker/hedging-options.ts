import { Duration } from 'aws-cdk-lib';

/**
 * Hedged requests: when a streaming call (`/converse-stream`, and `/converse`, which streams underneath)
 * has produced no first token after the hedge delay, the invoker starts the same request in the next
 * region of its plan, keeps whichever produces a first token first and aborts the other. The delay is
 * the fastest region's recent p95 time to first token, never below `minDelay`. `/invoke` is never hedged (its
 * answer has no first token to wait for).
 *
 * A hedge can cost the input tokens twice (and the output tokens generated before the loser is aborted),
 * so `maxShare` caps the share of requests that may be hedged. The `Hedges` and `HedgeWins` metrics count
 * them per region.
 */
export interface HedgingOptions {
  /**
   * The shortest hedge delay: a request is hedged only after waiting at least this long for its first token.
   *
   * @default Duration.seconds(2)
   */
  readonly minDelay?: Duration;

  /**
   * The largest share of requests that may be hedged, in (0, 1].
   *
   * @default 0.05
   */
  readonly maxShare?: number;
}
