import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { createAlarmTopic, notifyOnAlarmAndOk, subscribeAlarmEmail } from '../../private/alarm-topic';
import { cliCommand } from '../../shared/package-cli';
import { InferenceAuditAlarmOptions } from '../inference-audit-alarm-options';

/*
 * The two audit alarms, shared by the regional audit and the audit on a trail's log group: unusual
 * cross-region activity (anomaly band or a fixed number) and inference outside the allowed regions,
 * and the topic they notify.
 */

/** What the alarms say and where their saved query is. */
export interface AuditAlarmContext {
  /** The source regions whose calls the alarm counts. */
  readonly sourceRegions: readonly string[];
  readonly queryName: string;
  /** The region of the saved query. */
  readonly queryRegion: string;
}

/**
 * The allowed inference regions of a residency check, each once; `undefined` for no check.
 *
 * @throws when the list is empty (no region allowed is no rule anyone meant)
 */
export function resolveAllowedRegions(allowedInferenceRegions: readonly string[] | undefined): string[] | undefined {
  if (allowedInferenceRegions === undefined) { return undefined; }
  if (allowedInferenceRegions.length === 0) {
    throw new Error('allowedInferenceRegions is empty: list the regions inference may run in, or leave it out for no residency check.');
  }
  return [...new Set(allowedInferenceRegions)];
}

/** Validates `alarmThreshold` and `alarmWindow`; returns the window (1 hour by default). */
export function resolveAlarmWindow(threshold: number | undefined, window: Duration | undefined): Duration {
  if (threshold !== undefined && !Token.isUnresolved(threshold) && !(threshold >= 0)) {
    throw new Error(`alarmThreshold must be zero or more; got ${threshold}.`);
  }
  const resolved = window ?? Duration.hours(1);
  const minutes = resolved.toMinutes({ integral: false });
  if (!Token.isUnresolved(minutes) && (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)) {
    throw new Error(`alarmWindow must be a whole number of minutes between 1 and 1440; got ${resolved.toHumanString()}.`);
  }
  return resolved;
}

/**
 * The unusual-cross-region-activity alarm (construct id `UnusualCrossRegionActivity`): cross-region
 * profiles route away by design, so by default the count is compared with the anomaly band learnt from
 * its own history; `threshold` replaces the band with a fixed number.
 */
function createUnusualActivityAlarm(scope: Construct, metric: cloudwatch.IMetric, threshold: number | undefined,
  window: Duration, context: AuditAlarmContext): cloudwatch.Alarm {
  const sources = context.sourceRegions.join(', ');
  const condition = threshold === undefined
    ? `more Bedrock calls than usual (above the anomaly band learnt from the metric's history) from ${sources} ran in another region`
    : `more than ${threshold} Bedrock calls from ${sources} ran in another region`;
  const alarmDescription = `Unusual cross-region activity: ${condition} within ${window.toHumanString()}. First check: run the saved Logs Insights `
    + `query "${context.queryName}" in ${context.queryRegion} to see which profiles and callers, and which inference `
    + 'regions; then check whether the source region throttles (cross-region profiles route away under load) or a new caller uses a global profile.';
  const common = {
    metric,
    evaluationPeriods: 1,
    // No matching CloudTrail event publishes nothing: no data is zero cross-region calls.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription,
  };
  return threshold === undefined
    ? new cloudwatch.AnomalyDetectionAlarm(scope, 'UnusualCrossRegionActivity', {
      ...common, stdDevs: 3, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
    })
    : new cloudwatch.Alarm(scope, 'UnusualCrossRegionActivity', {
      ...common, threshold, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
}

/** The residency alarm (construct id `InferenceOutsideAllowedRegions`): fires at the first breach. */
function createResidencyAlarm(scope: Construct, metric: cloudwatch.IMetric, allowedRegions: readonly string[],
  context: AuditAlarmContext): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, 'InferenceOutsideAllowedRegions', {
    metric,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    // No matching CloudTrail event publishes nothing: no data is no breach.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `Inference outside the allowed regions: a Bedrock call from ${context.sourceRegions.join(', ')} ran outside `
      + `${allowedRegions.join(', ')}. First check: run the saved Logs Insights query "${context.queryName}" `
      + `in ${context.queryRegion} for the profile, caller and inference region; a caller using another (for example global) profile, or a `
      + `profile whose destinations changed, are the usual causes. Then deny the region with an SCP (${cliCommand('generate-scp')}).`,
  });
}

/** What the audit alarms read: the metrics over the alarm window, and what the alarms say. */
export interface AuditAlarmInputs {
  /** The window the alarms add up calls over ({@link resolveAlarmWindow}). */
  readonly window: Duration;
  /** The calls that ran outside their source region, over `window`. */
  readonly crossRegionCalls: cloudwatch.IMetric;
  /**
   * With a residency check: the allowed regions ({@link resolveAllowedRegions}) and the calls that ran
   * outside them, over `window`.
   *
   * @default - no residency alarm
   */
  readonly residency?: { readonly allowedRegions: readonly string[]; readonly outsideAllowedRegions: cloudwatch.IMetric };
  readonly context: AuditAlarmContext;
  /** The display name of the topic created when `topic` is not given. */
  readonly topicDisplayName: string;
}

/** The audit's alarms and the topic they notify. */
export interface AuditAlarms {
  readonly alarm: cloudwatch.Alarm;
  readonly residencyAlarm?: cloudwatch.Alarm;
  readonly topic: sns.ITopic;
}

/**
 * The unusual-activity alarm, the residency alarm (with a residency check) and the topic both notify on
 * ALARM and OK (`options.topic`, or a new one with construct ids `TopicKey` and `Topic`), with the
 * e-mail subscription.
 */
export function createAuditAlarms(scope: Construct, options: InferenceAuditAlarmOptions, inputs: AuditAlarmInputs): AuditAlarms {
  const alarm = createUnusualActivityAlarm(scope, inputs.crossRegionCalls, options.alarmThreshold, inputs.window, inputs.context);
  const topic = options.topic ?? createAlarmTopic(scope, inputs.topicDisplayName).topic;
  if (options.alarmEmail !== undefined) {
    subscribeAlarmEmail(topic, options.alarmEmail);
  }
  const residencyAlarm = inputs.residency === undefined
    ? undefined
    : createResidencyAlarm(scope, inputs.residency.outsideAllowedRegions, inputs.residency.allowedRegions, inputs.context);
  notifyOnAlarmAndOk(topic, alarm, ...(residencyAlarm ? [residencyAlarm] : []));
  return { alarm, residencyAlarm, topic };
}
