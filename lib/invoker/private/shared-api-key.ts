import { SecretValue, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';

/** The API keys created so far in each stack, by the identity of their value. */
const keysByStack = new WeakMap<Stack, Map<string, apigateway.IApiKey>>();

/**
 * What identifies a key value in a template: the resolved value, e.g. the dynamic reference
 * `{{resolve:secretsmanager:bedrock-api-key:SecretString:::}}` for `SecretValue.secretsManager('bedrock-api-key')`,
 * the same for every `SecretValue` naming that secret. Only used in memory, never written anywhere.
 */
function apiKeyValueIdentity(stack: Stack, value: SecretValue): string {
  return JSON.stringify(stack.resolve(value.unsafeUnwrap()));
}

/**
 * The API key with `value` in `api`'s stack, created the first time it is asked for (under that API, with
 * construct id `ApiKey`, where a single invoker has always had it) and returned again to every later
 * invoker of the stack with the same value, which adds it to its own usage plan.
 *
 * API Gateway keys are one per value in an account and region: "API key values must be unique. If you try
 * to create two API keys with different names and the same value, API Gateway considers them to be the
 * same API key", and "an API key can be associated with more than one usage plan", one per stage
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html). Two
 * AWS::ApiGateway::ApiKey resources with one value in a region fail to deploy (the second is a conflict).
 * A key without a value is never shared: API Gateway generates a different value for each.
 */
export function apiKeyFor(api: apigateway.RestApi, value: SecretValue | undefined): apigateway.IApiKey {
  if (value === undefined) {
    return api.addApiKey('ApiKey');
  }
  const stack = Stack.of(api);
  const keys = keysByStack.get(stack) ?? new Map<string, apigateway.IApiKey>();
  keysByStack.set(stack, keys);
  const identity = apiKeyValueIdentity(stack, value);
  const existing = keys.get(identity);
  if (existing) { return existing; }
  // A secret's dynamic reference resolves at deploy time; the value itself never enters the template.
  const key = api.addApiKey('ApiKey', { value: value.unsafeUnwrap() });
  keys.set(identity, key);
  return key;
}
