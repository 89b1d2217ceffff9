import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { INVOKER_ALARM_GUIDE, InvokerAlarmGuide } from './private/alarm-guide';
import { RegionalInvoker } from '../invoker/regional-invoker';
import { createAlarmTopic, notifyOnAlarmAndOk, subscribeAlarmEmail } from '../private/alarm-topic';
import { MAX_ALARM_MATH_METRICS } from '../private/metric-identity';
import { INVOKER_METRIC_NAMES } from '../shared/invoker-config';


/** Properties of {@link InvokerAlarms}. */
export interface InvokerAlarmsProps {
  /** The invoker to watch. The alarms are created in its stack (alarms can only watch metrics of their own region). */
  readonly invoker: RegionalInvoker;

  /**
   * Topic every alarm notifies (on ALARM and on OK). It must be in the invoker's region; if it is
   * encrypted, its key policy must let `cloudwatch.amazonaws.com` use the key.
   *
   * @default - a new topic encrypted with a new customer managed KMS key (rotation on), TLS enforced
   */
  readonly topic?: sns.ITopic;

  /**
   * E-mail address subscribed to the topic (the recipient must confirm the subscription).
   *
   * @default - no subscription
   */
  readonly alarmEmail?: string;

  /**
   * Failovers (summed over every region of the invoker's plan) within `failoverWindow` above which the
   * failover-frequency alarm fires.
   *
   * @default 10
   */
  readonly failoverThreshold?: number;

  /**
   * Window of the failover-frequency alarm (a whole number of minutes).
   *
   * @default Duration.minutes(5)
   */
  readonly failoverWindow?: Duration;

  /**
   * Share of requests (percent) served by a fallback region above which, sustained for three
   * consecutive 5-minute periods (15 minutes), the secondary-majority alarm fires.
   *
   * @default 50
   */
  readonly secondaryShareThreshold?: number;

  /**
   * A fixed p90 latency above which, for three consecutive 5-minute periods, the latency alarm fires.
   * Use it when you know your service level; without it the alarm compares p90 with an anomaly
   * detection band learnt from the metric's own history.
   *
   * @default - anomaly detection: p90 above the upper edge of a band `latencyBandWidth` standard deviations wide
   */
  readonly latencyThreshold?: Duration;

  /**
   * Width of the anomaly detection band (standard deviations) when no `latencyThreshold` is set.
   *
   * @default 3
   */
  readonly latencyBandWidth?: number;

  /**
   * Percent of this region's Bedrock attempts that ended in a server-side error (5xx, 529, timeouts,
   * resets) above which, for two consecutive 5-minute periods, the error-rate alarm fires.
   *
   * @default 5
   */
  readonly errorRateThreshold?: number;

  /**
   * Percent of this region's Bedrock attempts that were throttled above which, for two consecutive
   * 5-minute periods, the throttle-rate alarm fires.
   *
   * @default 10
   */
  readonly throttleRateThreshold?: number;

  /**
   * Percent of this region's Bedrock attempts that Bedrock rejected as client errors
   * (`AccessDeniedException`, `ResourceNotFoundException`, `ValidationException`, ...) above which,
   * for two consecutive 5-minute periods, the rejection-rate alarm fires. A high share is a
   * configuration problem (model access, an SCP denying a destination region), not bad luck, and
   * failover cannot help: every region answers the same.
   *
   * @default 50
   */
  readonly rejectionRateThreshold?: number;

  /**
   * Failed or throttled invocations of the handler function (Lambda `Errors` + `Throttles`) within 5
   * minutes at or above which the function-failure alarm fires. The handler answers every request
   * itself, so any is a crash, a timeout or exhausted concurrency.
   *
   * @default 5
   */
  readonly functionFailureThreshold?: number;

  /**
   * Percent of the API's requests answered with a 5xx (API Gateway `5XXError`: the handler's 503s when
   * no region could serve, integration failures) above which, for two consecutive 5-minute periods,
   * the API-error alarm fires.
   *
   * @default 5
   */
  readonly apiServerErrorRateThreshold?: number;

  /**
   * Rates and shares are only computed for 5-minute periods with at least this many attempts (or
   * requests served); quieter periods count as 0 % (not breaching), so two failures out of three calls
   * at night do not page anyone.
   *
   * @default 20
   */
  readonly minimumSampleSize?: number;
}

/**
 * Alarms for one {@link RegionalInvoker}, in its regional stack: failover frequency, a fallback
 * region serving the majority, latency regression, the error, throttle and rejection rates of the
 * region, failed or throttled handler invocations, and the API's 5xx share, all notifying one
 * encrypted SNS topic.
 *
 * Every alarm treats missing data as not breaching: the invoker publishes nothing while it has no
 * traffic, and silence is not an incident (the Route 53 health checks watch reachability).
 */
export class InvokerAlarms extends Construct {
  /** The topic all alarms notify. */
  public readonly topic: sns.ITopic;
  /** The key encrypting the topic, when this construct created it. */
  public readonly topicKey?: kms.IKey;
  /** More than `failoverThreshold` failovers within `failoverWindow`. */
  public readonly failoverFrequency: cloudwatch.Alarm;
  /** The fallback regions served more than `secondaryShareThreshold` percent for 15 minutes; only when the invoker has fallback regions. */
  public readonly secondaryMajority?: cloudwatch.Alarm;
  /** p90 latency above its baseline (anomaly band or fixed threshold) for 15 minutes. */
  public readonly latency: cloudwatch.Alarm;
  /** Server-side error rate of this region's attempts above `errorRateThreshold` percent. */
  public readonly errorRate: cloudwatch.Alarm;
  /** Throttle rate of this region's attempts above `throttleRateThreshold` percent. */
  public readonly throttleRate: cloudwatch.Alarm;
  /** Share of this region's attempts Bedrock rejected as client errors above `rejectionRateThreshold` percent. */
  public readonly rejectionRate: cloudwatch.Alarm;
  /** Lambda Errors + Throttles of the handler at or above `functionFailureThreshold` in 5 minutes. */
  public readonly functionFailures: cloudwatch.Alarm;
  /** Share of API requests answered with a 5xx above `apiServerErrorRateThreshold` percent. */
  public readonly apiServerErrors: cloudwatch.Alarm;
  /** Every alarm this construct created. */
  public readonly alarms: cloudwatch.Alarm[];
  /** The region the alarms live in (the invoker's). */
  public readonly region: string;
  /** Whether the latency alarm uses an anomaly detection band (no `latencyThreshold` given). */
  public readonly latencyUsesAnomalyDetection: boolean;
  private readonly service: string;

  constructor(scope: Construct, id: string, props: InvokerAlarmsProps) {
    super(scope, id);
    const invoker = props.invoker;
    this.region = Stack.of(invoker).region;
    if (Stack.of(this) !== Stack.of(invoker)) {
      throw new Error(`InvokerAlarms '${id}' must be in the invoker's stack (${Stack.of(invoker).stackName}): CloudWatch alarms `
        + 'can only watch metrics of their own region.');
    }
    const plan = invoker.regionPlan;
    if (plan.length > MAX_ALARM_MATH_METRICS) {
      throw new Error(`InvokerAlarms supports invokers with at most ${MAX_ALARM_MATH_METRICS} planned regions (alarm math limit); got ${plan.length}.`);
    }
    const failoverThreshold = positive('failoverThreshold', props.failoverThreshold ?? 10);
    const failoverWindow = props.failoverWindow ?? Duration.minutes(5);
    const windowMinutes = failoverWindow.toMinutes({ integral: false });
    if (!Token.isUnresolved(windowMinutes) && (!Number.isInteger(windowMinutes) || windowMinutes < 1 || windowMinutes > 1440)) {
      throw new Error(`failoverWindow must be a whole number of minutes between 1 and 1440; got ${failoverWindow.toHumanString()}.`);
    }
    const secondaryShare = percent('secondaryShareThreshold', props.secondaryShareThreshold ?? 50);
    const errorRate = percent('errorRateThreshold', props.errorRateThreshold ?? 5);
    const throttleRate = percent('throttleRateThreshold', props.throttleRateThreshold ?? 10);
    const rejectionRate = percent('rejectionRateThreshold', props.rejectionRateThreshold ?? 50);
    const functionFailureThreshold = positive('functionFailureThreshold', props.functionFailureThreshold ?? 5);
    const apiServerErrorRate = percent('apiServerErrorRateThreshold', props.apiServerErrorRateThreshold ?? 5);
    const minimum = positive('minimumSampleSize', props.minimumSampleSize ?? 20);
    const bandWidth = positive('latencyBandWidth', props.latencyBandWidth ?? 3);
    if (props.alarmEmail !== undefined && !Token.isUnresolved(props.alarmEmail) && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alarmEmail)) {
      throw new Error(`alarmEmail must be an e-mail address; got '${props.alarmEmail}'.`);
    }

    if (props.topic) {
      this.topic = props.topic;
    } else {
      const created = createAlarmTopic(this, 'Bedrock cross-region invoker alarms');
      this.topic = created.topic;
      this.topicKey = created.key;
    }
    if (props.alarmEmail !== undefined) {
      subscribeAlarmEmail(this.topic, props.alarmEmail);
    }

    const own = plan[0];
    const fiveMinutes = Duration.minutes(5);
    const sumOver = (name: string, region: string, period: Duration) => invoker.metric(name, region, { period, statistic: cloudwatch.Stats.SUM });
    const service = invoker.serviceName;
    this.service = service;

    // Failover frequency: failovers are counted against the region that failed, so sum over the plan.
    const failovers: Record<string, cloudwatch.IMetric> = {};
    plan.forEach((region, i) => { failovers[`f${i}`] = sumOver(INVOKER_METRIC_NAMES.failovers, region, failoverWindow); });
    this.failoverFrequency = this.alarm('FailoverFrequency', INVOKER_ALARM_GUIDE.failoverFrequency, {
      metric: new cloudwatch.MathExpression({
        expression: Object.keys(failovers).map(k => `FILL(${k}, 0)`).join(' + '),
        usingMetrics: failovers,
        period: failoverWindow,
        label: `Failovers of ${service} (all planned regions)`,
      }),
      threshold: failoverThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    }, `more than ${failoverThreshold} failovers in ${failoverWindow.toHumanString()}`);

    // Secondary majority: ServedBySecondary is 0 in the own region, so the share is
    // secondary / (own + secondary); 5-minute periods with fewer than `minimum` requests count as 0 %.
    if (plan.length > 1) {
      const served: Record<string, cloudwatch.IMetric> = { own: sumOver(INVOKER_METRIC_NAMES.requests, own, fiveMinutes) };
      plan.slice(1).forEach((region, i) => { served[`s${i + 1}`] = sumOver(INVOKER_METRIC_NAMES.servedBySecondary, region, fiveMinutes); });
      const secondary = `(${Object.keys(served).filter(k => k !== 'own').map(k => `FILL(${k}, 0)`).join(' + ')})`;
      const total = `(FILL(own, 0) + ${secondary})`;
      this.secondaryMajority = this.alarm('SecondaryMajority', INVOKER_ALARM_GUIDE.secondaryMajority, {
        metric: new cloudwatch.MathExpression({
          expression: `IF(${total} >= ${minimum}, 100 * ${secondary} / ${total}, 0)`,
          usingMetrics: served,
          period: fiveMinutes,
          label: `Share of ${service} requests served by a fallback region (%)`,
        }),
        threshold: secondaryShare,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
      }, `fallback regions served more than ${secondaryShare}% of requests for 15 minutes`);
    }

    // Latency regression: p90 of the requests served from the own region, 3 × 5 minutes.
    const latency = invoker.metric(INVOKER_METRIC_NAMES.latency, own, { statistic: cloudwatch.Stats.p(90), period: fiveMinutes });
    this.latencyUsesAnomalyDetection = props.latencyThreshold === undefined;
    if (props.latencyThreshold === undefined) {
      this.latency = new cloudwatch.AnomalyDetectionAlarm(this, 'LatencyRegression', {
        metric: latency,
        stdDevs: bandWidth,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: describe(INVOKER_ALARM_GUIDE.latency, `p90 latency above the upper edge of its anomaly band (${bandWidth} standard deviations) for 15 minutes`, service, this.region),
      });
      notifyOnAlarmAndOk(this.topic, this.latency);
    } else {
      const thresholdMs = props.latencyThreshold.toMilliseconds();
      this.latency = this.alarm('LatencyRegression', INVOKER_ALARM_GUIDE.latency, {
        metric: latency,
        threshold: thresholdMs,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
      }, `p90 latency above ${thresholdMs} ms for 15 minutes`);
    }

    // Error and throttle rates of the own region's attempts.
    const rate = (alarmId: string, guide: InvokerAlarmGuide, metricName: string, threshold: number, what: string) => this.alarm(alarmId, guide, {
      metric: new cloudwatch.MathExpression({
        expression: `IF(FILL(attempts, 0) >= ${minimum}, 100 * FILL(failures, 0) / attempts, 0)`,
        usingMetrics: {
          attempts: sumOver(INVOKER_METRIC_NAMES.attempts, own, fiveMinutes),
          failures: sumOver(metricName, own, fiveMinutes),
        },
        period: fiveMinutes,
        label: `${what} of ${service} in ${own} (% of attempts)`,
      }),
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    }, `${what} above ${threshold}% of attempts for 10 minutes`);
    this.errorRate = rate('ErrorRate', INVOKER_ALARM_GUIDE.errorRate, INVOKER_METRIC_NAMES.errors, errorRate, 'Error rate');
    this.throttleRate = rate('ThrottleRate', INVOKER_ALARM_GUIDE.throttleRate, INVOKER_METRIC_NAMES.throttles, throttleRate, 'Throttle rate');
    this.rejectionRate = rate('RejectionRate', INVOKER_ALARM_GUIDE.rejectionRate, INVOKER_METRIC_NAMES.clientErrors, rejectionRate, 'Bedrock rejections');

    // The handler function itself: it answers every request, so any failed or throttled invocation counts.
    this.functionFailures = this.alarm('FunctionFailures', INVOKER_ALARM_GUIDE.functionFailures, {
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(errors, 0) + FILL(throttles, 0)',
        usingMetrics: {
          errors: invoker.function.metricErrors({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
          throttles: invoker.function.metricThrottles({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        },
        period: fiveMinutes,
        label: `Failed or throttled invocations of ${service}'s handler`,
      }),
      threshold: functionFailureThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    }, `${functionFailureThreshold} or more failed or throttled invocations in 5 minutes`);

    // What clients see: the API's 5xx share (5XXError is 0 or 1 per request; Count counts requests).
    this.apiServerErrors = this.alarm('ApiServerErrors', INVOKER_ALARM_GUIDE.apiServerErrors, {
      metric: new cloudwatch.MathExpression({
        expression: `IF(FILL(requests, 0) >= ${minimum}, 100 * FILL(errors, 0) / requests, 0)`,
        usingMetrics: {
          requests: invoker.api.metricCount({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
          errors: invoker.api.metricServerError({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        },
        period: fiveMinutes,
        label: `5xx answers of ${service}'s API (% of requests)`,
      }),
      threshold: apiServerErrorRate,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    }, `5xx answers above ${apiServerErrorRate}% of requests for 10 minutes`);

    this.alarms = [this.failoverFrequency, ...(this.secondaryMajority ? [this.secondaryMajority] : []),
      this.latency, this.errorRate, this.throttleRate, this.rejectionRate, this.functionFailures, this.apiServerErrors];
  }

  private alarm(id: string, guide: InvokerAlarmGuide, props: Omit<cloudwatch.AlarmProps, 'alarmDescription' | 'treatMissingData'>,
    condition: string): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      // No data means no traffic (the invoker publishes per request): not an incident.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: describe(guide, condition, this.service, this.region),
    });
    notifyOnAlarmAndOk(this.topic, alarm);
    return alarm;
  }
}

function describe(guide: InvokerAlarmGuide, condition: string, service: string, region: string): string {
  const text = `${guide.title} (${service}, ${region}): ${condition}. ${guide.meaning} First check: ${guide.firstCheck}`;
  // CloudWatch caps alarm descriptions at 1024 characters.
  return text.length <= 1024 ? text : `${text.slice(0, 1021)}...`;
}

function positive(name: string, value: number): number {
  if (!Token.isUnresolved(value) && !(value > 0)) {
    throw new Error(`${name} must be greater than zero; got ${value}.`);
  }
  return value;
}

function percent(name: string, value: number): number {
  if (!Token.isUnresolved(value) && !(value > 0 && value < 100)) {
    throw new Error(`${name} is a percentage and must be between 0 and 100 (exclusive); got ${value}.`);
  }
  return value;
}
