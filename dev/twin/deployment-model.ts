/**
 * A synthesized deployment as the local twin sees it: what `drill --from cdk.out` reads from the
 * templates (never from the constructs), in plain data the simulated CloudWatch and Route 53 evaluate.
 * Names are lower-case without the trailing dot; times are seconds unless a name says otherwise.
 */
import type { CanaryRuntimeConfig } from '../../lib/shared/canary-config';
import type { InvokerRuntimeConfig } from '../../lib/shared/invoker-config';

/** Everything of one cloud assembly the twin simulates. */
export interface DeploymentModel {
  /** The cloud assembly folder it was read from. */
  readonly source: string;
  readonly endpoints: readonly EndpointModel[];
  /** Every CloudWatch alarm of every stack. */
  readonly alarms: readonly AlarmModel[];
  /** Every Route 53 health check, by its logical id within its stack (`<stackId>/<logicalId>`). */
  readonly healthChecks: readonly HealthCheckModel[];
  /** Every Route 53 record set. */
  readonly records: readonly RecordModel[];
}

/** One endpoint of one deployment: its invokers per region and the name clients resolve. */
export interface EndpointModel {
  /** The invoker's service name (`POWERTOOLS_SERVICE_NAME`, e.g. `BedrockEu-eu-chat`), the `service` dimension. */
  readonly service: string;
  /** The regional invokers, in the order the routing stack lists them (the primary first for active–passive). */
  readonly regions: readonly RegionalInvokerModel[];
  /** The name clients resolve (`eu-chat.example.com`); undefined without a hosted zone. */
  readonly dnsName?: string;
}

/** One region's invoker (and canary) of an endpoint. */
export interface RegionalInvokerModel {
  readonly region: string;
  /** The stack's artifact id in the cloud assembly. */
  readonly stackId: string;
  /** The invoker's configuration (`INVOKER_CONFIG`). */
  readonly config: InvokerRuntimeConfig;
  /** The canary, when the region has one. */
  readonly canary?: CanaryModel;
}

/** A scheduled canary. */
export interface CanaryModel {
  readonly config: CanaryRuntimeConfig;
  /** Seconds between runs (the schedule's `rate(...)`). */
  readonly intervalSeconds: number;
}

/** A CloudWatch metric's identity. */
export interface MetricIdentity {
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension name → value (the alarm's dimensions, exactly). */
  readonly dimensions: Readonly<Record<string, string>>;
}

/** A metric with the statistic and period an alarm or a metric-math input reads it with. */
export interface MetricStat {
  readonly metric: MetricIdentity;
  /** `Sum`, `Average`, `Minimum`, `Maximum`, `SampleCount` or a percentile `pNN` / `pNN.N`. */
  readonly statistic: string;
  readonly periodSeconds: number;
}

/** How an alarm treats missing data points (`TreatMissingData`; CloudWatch's default is `missing`). */
export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';

/** `ComparisonOperator` of a static-threshold alarm. */
export type ComparisonOperator =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold'
  | 'LessThanLowerOrGreaterThanUpperThreshold'
  | 'LessThanLowerThreshold'
  | 'GreaterThanUpperThreshold';

/** A CloudWatch alarm. */
export interface AlarmModel {
  /** `<stackId>/<logicalId>`. */
  readonly id: string;
  /** `AlarmName`, or the logical id when the template leaves the name to CloudFormation. */
  readonly name: string;
  readonly region: string;
  readonly comparisonOperator: ComparisonOperator;
  /** Undefined for anomaly-detection alarms (they have a `ThresholdMetricId` instead). */
  readonly threshold?: number;
  readonly evaluationPeriods: number;
  /** `DatapointsToAlarm` (defaults to `evaluationPeriods`). */
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
  /** A single-metric alarm's metric. */
  readonly metric?: MetricStat;
  /** A metric-math alarm's expression and inputs. */
  readonly math?: MetricMathModel;
  /** Why the twin cannot evaluate it (e.g. an anomaly-detection band); such an alarm stays `INSUFFICIENT_DATA`. */
  readonly unsupported?: string;
}

/** A metric-math alarm: the returned expression and the metrics it reads, by id. */
export interface MetricMathModel {
  /** The expression of the query with `ReturnData: true`. */
  readonly expression: string;
  /** The other queries' metrics, by their `Id`. */
  readonly inputs: Readonly<Record<string, MetricStat>>;
  /** The period the expression is evaluated at (its inputs' period). */
  readonly periodSeconds: number;
}

/** A Route 53 health check. */
export type HealthCheckModel = EndpointHealthCheckModel | AlarmHealthCheckModel | CalculatedHealthCheckModel;

interface HealthCheckBase {
  /** `<stackId>/<logicalId>`; records and calculated checks refer to it. */
  readonly id: string;
  readonly inverted: boolean;
  /** A disabled check is always considered healthy. */
  readonly disabled: boolean;
}

/** An HTTP(S) or TCP check of an endpoint. */
export interface EndpointHealthCheckModel extends HealthCheckBase {
  readonly type: 'HTTP' | 'HTTPS' | 'HTTP_STR_MATCH' | 'HTTPS_STR_MATCH' | 'TCP';
  readonly fqdn: string;
  readonly port: number;
  readonly resourcePath: string;
  /** 10 or 30 (default 30). */
  readonly requestIntervalSeconds: number;
  /** 1–10 (default 3). */
  readonly failureThreshold: number;
  /** `SearchString` of the `*_STR_MATCH` types. */
  readonly searchString?: string;
}

/** A check that follows a CloudWatch alarm's data. */
export interface AlarmHealthCheckModel extends HealthCheckBase {
  readonly type: 'CLOUDWATCH_METRIC';
  readonly alarmName: string;
  readonly alarmRegion: string;
  readonly insufficientDataHealthStatus: 'Healthy' | 'Unhealthy' | 'LastKnownStatus';
}

/** A check of other checks. */
export interface CalculatedHealthCheckModel extends HealthCheckBase {
  readonly type: 'CALCULATED';
  /** The children's ids. */
  readonly children: readonly string[];
  readonly healthThreshold: number;
}

/** What a record answers: another name (CNAME), or an alias to a regional API Gateway domain. */
export type RecordTarget =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'region'; readonly region: string };

/** A Route 53 record set. */
export interface RecordModel {
  /** `<stackId>/<logicalId>`. */
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly setIdentifier?: string;
  readonly failover?: 'PRIMARY' | 'SECONDARY';
  /** A latency record's region. */
  readonly latencyRegion?: string;
  /** A weighted record's weight. */
  readonly weight?: number;
  readonly healthCheckId?: string;
  /** Undefined for alias records (they take the target's TTL). */
  readonly ttlSeconds?: number;
  readonly evaluateTargetHealth?: boolean;
  readonly target: RecordTarget;
}
