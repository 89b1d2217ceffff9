/** How far the scheduled time may lie behind the run for the run to be dated by it. */
export const MAX_SCHEDULE_LAG_MS = 60_000;

/**
 * The timestamp of a run's datapoint: the time EventBridge scheduled it (the event's `time`), so that a
 * run that started late in a minute, or waited on a slow answer, still lands in the minute it was
 * scheduled for and no one-minute bucket is left empty (the canary alarm reads an empty bucket as a
 * failure). The current time when the event has no usable `time`, or one more than
 * {@link MAX_SCHEDULE_LAG_MS} old (a delivery that late measures the region now, not then) or in the
 * future. Pure.
 *
 * EventBridge documents `time` as "the event timestamp, which can be specified by the service originating
 * the event" (https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html); for a schedule
 * that is its tick. Scheduled rules run "within that minute, but not on the precise 0th second"
 * (EventBridge User Guide, schedule expressions): how far a tick may drift is UNCONFIRMED.
 */
export function runTimestampMs(eventTime: unknown, nowMs: number): number {
  if (typeof eventTime !== 'string') {
    return nowMs;
  }
  const scheduledMs = Date.parse(eventTime);
  if (Number.isNaN(scheduledMs) || scheduledMs > nowMs || nowMs - scheduledMs > MAX_SCHEDULE_LAG_MS) {
    return nowMs;
  }
  return scheduledMs;
}
