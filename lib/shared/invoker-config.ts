/**
 * The contract between the regional construct (lib/) and the invoker handler (lambda/).
 *
 * This is the one module both sides import. It has no CDK imports and no runtime dependencies, so
 * esbuild can bundle it into the handler. The construct serialises an {@link InvokerRuntimeConfig}
 * into the {@link INVOKER_CONFIG_ENV} environment variable; the handler parses and re-validates it.
 *
 * @internal
 */

/** Environment variable that carries the JSON-encoded {@link InvokerRuntimeConfig}. */
export const INVOKER_CONFIG_ENV = 'INVOKER_CONFIG';

/**
 * Powertools' switch for the tracer. The construct sets it to `false` when tracing is off, and the
 * handler then does not even load the X-Ray SDK.
 */
export const TRACE_ENABLED_ENV = 'POWERTOOLS_TRACE_ENABLED';

/** Response headers the invoker sets on every answer from Bedrock. */
export const INVOKER_HEADERS = {
  /** The source region whose Bedrock endpoint answered. */
  servedRegion: 'x-invoker-served-region',
  /** How many Bedrock calls this request took (1 = no failover). */
  attempts: 'x-invoker-attempts',
  /** The inference profile the request was sent through. */
  profile: 'x-invoker-profile',
} as const;

/** Name space of the invoker's custom CloudWatch metrics. */
export const INVOKER_METRICS_NAMESPACE = 'CdkBedrockCrossRegion/Invoker';

/**
 * Dimension that tells invokers in one region apart: the handler publishes its metrics with
 * `service` = `POWERTOOLS_SERVICE_NAME` (set by the construct) next to `Region`.
 */
export const INVOKER_SERVICE_DIMENSION = 'service';

/** Metric names the invoker emits (embedded metric format), dimensioned by `Region` (the source region called). */
export const INVOKER_METRIC_NAMES = {
  requests: 'RequestsServed',
  attempts: 'Attempts',
  failovers: 'Failovers',
  throttles: 'Throttles',
  errors: 'Errors',
  latency: 'Latency',
  timeToFirstToken: 'TimeToFirstToken',
  inputTokens: 'InputTokens',
  outputTokens: 'OutputTokens',
  servedBySecondary: 'ServedBySecondary',
  clientErrors: 'ClientErrors',
  hedges: 'Hedges',
  hedgeWins: 'HedgeWins',
  /** One per request that ran while the outage drill treated the invoker's own region as failing (`Region` = that region). */
  drillActive: 'DrillActive',
} as const;

/** Configuration of one deployed invoker. */
export interface InvokerRuntimeConfig {
  /** Geography of every allowed profile (`us`, `eu`, `apac`, `jp`, `au`, `ca`, `us-gov`, `global`). */
  readonly geography: string;
  /**
   * Source regions the handler may call, in order of preference: the deployment's own region
   * first, then the fallback regions. Every one must be a source region of every allowed profile.
   */
  readonly regionPlan: string[];
  /** Inference profile ids this deployment may call. The first is the default. */
  readonly profileIds: string[];
  /** Whole-request deadline in milliseconds; stays under the API Gateway integration timeout. */
  readonly deadlineMs: number;
  /**
   * Deadline of one streaming Bedrock attempt until the region's first event, in milliseconds (with
   * `firstTokenTimeoutMs`, the shorter applies); InvokeModel attempts are bounded by the deadline alone.
   */
  readonly attemptTimeoutMs: number;
  /** Deadline for a region's first streamed event, and the longest silence between two events, in milliseconds. */
  readonly firstTokenTimeoutMs: number;
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** Consecutive failures that open a region's circuit. */
  readonly breakerFailureThreshold: number;
  /** How long an open circuit skips its region before one probe request, in milliseconds. */
  readonly breakerCooldownMs: number;
  /** Base of the jittered backoff between attempts, in milliseconds. */
  readonly backoffBaseMs: number;
  /** Cap of one backoff (and of an honoured Retry-After), in milliseconds. */
  readonly backoffMaxMs: number;
  /** Hedged streaming requests; absent = off. */
  readonly hedging?: HedgingConfig;
  /** The outage-drill switch this invoker reads; absent = no drill can touch it. */
  readonly outageDrill?: OutageDrillConfig;
}

/**
 * The outage-drill switch of a region: an SSM String parameter that, while it holds an unexpired
 * {@link OutageDrillValue}, makes the region's invokers treat Bedrock in their own region as failing
 * (and its canary report a failure), so an operator can rehearse a regional outage in a real account.
 * Anything else in it (`off`, a malformed or expired value, a parameter that cannot be read) means no drill.
 */
export interface OutageDrillConfig {
  /** Name of the SSM parameter (`/cdk-bedrock-cross-region/<prefix>/<region>/outage-drill`). */
  readonly parameterName: string;
  /** How long a read of the parameter (or a failure to read it) is trusted before the next read, in seconds. */
  readonly cacheSeconds: number;
  /**
   * The longest drill, in minutes: a value whose `until` lies further ahead than this (plus a minute of
   * clock skew) is refused, so even a hand-written switch cannot outlast a drill.
   */
  readonly maxDurationMinutes: number;
}

/** What the outage-drill parameter holds while no drill runs. */
export const OUTAGE_DRILL_OFF = 'off';

/** The JSON a drill writes into the outage-drill parameter. */
export interface OutageDrillValue {
  /** True: treat Bedrock in this region as failing. */
  readonly failBedrock: boolean;
  /** When the drill ends by itself, ISO-8601 in UTC (`2026-01-01T12:30:00Z`), whatever else happens. */
  readonly until: string;
}

/**
 * Hedged requests: when a streaming attempt (ConverseStream, and /converse, which streams underneath)
 * has produced no first event after a hedge delay, the same request starts in the next region too; the
 * first to produce an event serves and the other is aborted.
 */
export interface HedgingConfig {
  /**
   * Floor of the hedge delay, in milliseconds. The delay is the fastest region's recent p95 time to
   * first token, never less than this.
   */
  readonly minDelayMs: number;
  /** Largest share of requests that may be hedged (a hedge can cost the tokens twice), in (0, 1]. */
  readonly maxShare: number;
}

/**
 * The regions each geography may ever reach, as a floor under any configuration: the handler refuses
 * to call a region outside this set for its geography, whatever its configuration says. `global`
 * profiles route to every commercial region, so their guard is the configured plan itself.
 *
 * Kept in step with lib/profiles/catalog.json (a test checks that every catalog source and destination
 * region of a geography is listed here).
 */
export const GEOGRAPHY_REGIONS: Readonly<Record<string, readonly string[]>> = {
  'us': ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1'],
  'us-gov': ['us-gov-east-1', 'us-gov-west-1'],
  'eu': ['eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1'],
  'apac': ['ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7', 'me-central-1'],
  'jp': ['ap-northeast-1', 'ap-northeast-3'],
  'au': ['ap-southeast-2', 'ap-southeast-4', 'ap-southeast-6'],
  'ca': ['ca-central-1', 'ca-west-1'],
};

/**
 * The geography prefixes of system-defined inference profile ids (`eu.anthropic.claude-...`), longest
 * first so that `us-gov.` is matched before `us.`: the geographies of {@link GEOGRAPHY_REGIONS}, and `global`. The library's `Geography` enum has exactly these
 * values (a test checks), and the handler's geography guard reads profile ids with them.
 */
export const GEOGRAPHY_PREFIXES: readonly string[] = ['global', ...Object.keys(GEOGRAPHY_REGIONS)].sort((a, b) => b.length - a.length);

/** The geography prefix of a profile id (`eu` for `eu.anthropic.claude-...`), or `undefined` when it has none. */
export function geographyPrefixOf(profileId: string): string | undefined {
  return GEOGRAPHY_PREFIXES.find(prefix => profileId.startsWith(`${prefix}.`));
}
