import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { HedgingOptions } from './hedging-options';
import { InvokerAuthorization } from './invoker-authorization';
import { ResidencyConstraint } from '../profiles/residency-constraint';

/** Circuit-breaker settings of the invoker's per-region breakers. */
export interface CircuitBreakerOptions {
  /**
   * Consecutive failover-class failures (throttles, 5xx, timeouts) that open a region's circuit.
   *
   * @default 3
   */
  readonly failureThreshold?: number;

  /**
   * How long an open circuit skips its region before a single probe request.
   *
   * @default Duration.seconds(30)
   */
  readonly cooldown?: Duration;
}

/** Settings of an invoker that do not depend on where it is deployed. */
export interface InvokerSettings {
  /**
   * Hedge streaming requests whose first region is slow to its first token (see {@link HedgingOptions}).
   * Off by default: a hedge can cost tokens twice, and the in-request failover already abandons a region
   * that produces no first token within the first-token timeout.
   *
   * @default - no hedging
   */
  readonly hedging?: HedgingOptions;

  /**
   * A data-residency rule every destination region must satisfy; checked at synth time.
   *
   * @default ResidencyConstraint.UNRESTRICTED
   */
  readonly residency?: ResidencyConstraint;

  /**
   * How callers authenticate to the API.
   *
   * @default InvokerAuthorization.iam()
   */
  readonly authorization?: InvokerAuthorization;

  /**
   * API Gateway integration timeout. The handler's overall deadline is this minus 2 s, and the
   * Lambda timeout this plus 5 s, so a request always ends with an answer from the handler.
   *
   * @default Duration.seconds(60)
   */
  readonly integrationTimeout?: Duration;

  /**
   * Deadline of one streaming Bedrock attempt (`/converse` and `/converse-stream`) until the region's
   * first event, together with `firstTokenTimeout` (the shorter applies); a slower region is abandoned
   * for the next one. `/invoke` is bounded by the request deadline alone: InvokeModel answers only when
   * the generation is done, so a long answer cannot be told from a hung region there.
   *
   * @default Duration.seconds(30)
   */
  readonly attemptTimeout?: Duration;

  /**
   * Deadline for a region's first streamed event (`/converse-stream`, and `/converse`, which streams
   * underneath), and the longest silence allowed between two events; a region that has produced no first
   * event in time is abandoned for the next one before anything reaches the client.
   *
   * @default Duration.seconds(10)
   */
  readonly firstTokenTimeout?: Duration;

  /**
   * Per-region circuit breaker settings.
   *
   * @default - 3 failures open a circuit for 30 seconds
   */
  readonly circuitBreaker?: CircuitBreakerOptions;

  /**
   * Largest request body accepted, in bytes (larger bodies get 413).
   *
   * @default 4194304 (4 MiB)
   */
  readonly maxBodyBytes?: number;

  /**
   * Stage throttling: steady-state requests per second.
   *
   * @default 50
   */
  readonly throttlingRateLimit?: number;

  /**
   * Stage throttling: burst.
   *
   * @default 100
   */
  readonly throttlingBurstLimit?: number;

  /**
   * The API stage name.
   *
   * @default 'v1'
   */
  readonly stageName?: string;

  /**
   * Retention of the function's and the API's access logs.
   *
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * KMS key that encrypts the log groups. Its key policy must let CloudWatch Logs in this region use it.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Memory of the handler function, in MiB.
   *
   * @default 512
   */
  readonly memorySize?: number;

  /**
   * Reserved concurrency of the handler function.
   *
   * @default - unreserved (shares the account's regional concurrency)
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * Runtime of the handler function (Node.js 22 or newer).
   *
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;

  /**
   * X-Ray active tracing of the handler (one subsegment per Bedrock attempt, with its region and
   * outcome) and of the API stage. Turning it off saves the X-Ray charges and the CPU the X-Ray SDK
   * adds to every request: the handler then does not load it at all. cdk-nag's Serverless and HIPAA
   * packs then report the missing tracing; acknowledge those findings in your app if that is your policy.
   *
   * @default true
   */
  readonly tracing?: boolean;

  /**
   * Whether the stack sets API Gateway's account-level CloudWatch Logs role for its region
   * (`AWS::ApiGateway::Account`: one setting per account and region, shared by every REST API there,
   * created once per stack). Turn it off when something else already manages that setting (a landing
   * zone, another stack in the same account and region): two stacks setting it overwrite each other.
   * The stage's execution logging needs the setting either way. The role is retained when the stack is
   * deleted, because the account setting keeps pointing at it.
   *
   * @default true
   */
  readonly manageApiGatewayAccountLogging?: boolean;

  /**
   * Value of the `service` dimension of the invoker's metrics, and the name of its REST API (API
   * Gateway's metrics are keyed by `ApiName`, so its 5xx alarm reads this name): distinguishes invokers
   * in one account and region. Printable ASCII, at most 255 characters, one per invoker in a stack;
   * keep it unique in the account and region too, or API Gateway's metrics of the APIs of one name merge.
   * A `CrossRegionInferenceApi` sets `<prefix>-<endpoint name>`.
   *
   * @default - a name derived from the construct path, unique in the app
   */
  readonly serviceName?: string;

  /**
   * What happens to the log groups and the key when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}
