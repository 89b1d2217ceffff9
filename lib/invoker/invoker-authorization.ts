import { SecretValue, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';

/** Options for {@link InvokerAuthorization.apiKey}. */
export interface ApiKeyAuthorizationOptions {
  /**
   * Request quota per API key.
   *
   * @default - no quota
   */
  readonly quota?: apigateway.QuotaSettings;

  /**
   * Rate limits per API key.
   *
   * @default - the stage's throttling applies
   */
  readonly throttle?: apigateway.ThrottleSettings;

  /**
   * The value of the key the construct creates (at least 20 characters). Give one when several regions
   * sit behind one DNS name (a `CrossRegionInferenceApi` with a domain requires it): with a value of its
   * own in each region, a client's key would stop working as soon as DNS answers with another region.
   * Use a Secrets Manager secret replicated to every region, e.g. `SecretValue.secretsManager('bedrock-api-key')`,
   * so the value never appears in the template.
   *
   * API Gateway keeps one key per value in an account and region: invokers of one stack given the same
   * value (the same secret, however many `SecretValue`s name it) share one key, added to each one's usage
   * plan. Two stacks in one region cannot both create a key of one value; deploy those invokers in one stack.
   *
   * @default - API Gateway generates a random value, different in each region
   */
  readonly value?: SecretValue;
}

/** API Gateway's shortest API key value. */
const MIN_API_KEY_LENGTH = 20;

/** The kind of authorization an invoker API uses. */
export enum InvokerAuthorizationKind {
  /** Callers sign requests with SigV4 and need `execute-api:Invoke`. */
  IAM = 'IAM',
  /** Callers send an API key (`x-api-key`), limited by a usage plan. */
  API_KEY = 'API_KEY',
}

/**
 * How callers authenticate to the invoker's REST API.
 */
export class InvokerAuthorization {
  /** SigV4-signed requests authorized by IAM (`execute-api:Invoke`); grant callers with `grantInvokeApi`. */
  public static iam(): InvokerAuthorization {
    return new InvokerAuthorization(InvokerAuthorizationKind.IAM, {});
  }

  /**
   * API keys with a usage plan. The construct creates one key and the usage plan; add more keys to
   * `usagePlan`. API keys identify callers but are not a strong authentication mechanism: prefer IAM
   * for service-to-service traffic.
   */
  public static apiKey(options: ApiKeyAuthorizationOptions = {}): InvokerAuthorization {
    const value = options.value?.unsafeUnwrap();
    if (value !== undefined && !Token.isUnresolved(value) && value.length < MIN_API_KEY_LENGTH) {
      throw new Error(`apiKey value must be at least ${MIN_API_KEY_LENGTH} characters (API Gateway's minimum); got ${value.length}.`);
    }
    return new InvokerAuthorization(InvokerAuthorizationKind.API_KEY, options);
  }

  private constructor(
    /** Which kind of authorization this is. */
    public readonly kind: InvokerAuthorizationKind,
    /** Usage-plan settings when `kind` is API_KEY. */
    public readonly apiKeyOptions: ApiKeyAuthorizationOptions,
  ) {}
}
