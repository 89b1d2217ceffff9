import { Stack, Token } from 'aws-cdk-lib';

/**
 * Longest service name. The name is the `service` dimension of the invoker's and the canary's metrics,
 * the REST API's name (so the `ApiName` dimension of API Gateway's metrics) and Powertools' service name.
 * CloudWatch takes dimension values of up to 1,024 ASCII characters
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html), but Route 53
 * health checks read alarms whose dimension values are at most 255
 * (https://docs.aws.amazon.com/Route53/latest/APIReference/API_Dimension.html), and the canary's alarm
 * feeds one.
 */
export const MAX_SERVICE_NAME_LENGTH = 255;

/**
 * Why `name` cannot be an invoker's service name, or `undefined` when it can: printable ASCII (CloudWatch
 * dimension values are ASCII, and API Gateway drops non-ASCII characters from `ApiName` before it
 * publishes, see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html,
 * so an alarm on the name as written would read nothing), not blank, at most 255 characters.
 */
export function serviceNameProblem(name: string): string | undefined {
  if (Token.isUnresolved(name)) { return undefined; }
  if (name.length > MAX_SERVICE_NAME_LENGTH) {
    return `is ${name.length} characters long; use at most ${MAX_SERVICE_NAME_LENGTH} (Route 53 reads alarm dimensions of up to 255)`;
  }
  if (!/^[\x20-\x7e]*$/.test(name)) {
    return 'contains characters outside printable ASCII; CloudWatch dimensions are ASCII and API Gateway drops the rest from ApiName, '
      + 'so its alarms would read nothing: use letters, digits, \'-\', \'_\' or \'.\'';
  }
  if (name.trim() === '') {
    return 'is blank; give a name such as \'<app>-<endpoint>\'';
  }
  return undefined;
}

/** The construct path of the first invoker of each service name, in each stack. */
const invokerPathsByStack = new WeakMap<Stack, Map<string, string>>();

/**
 * Claims service name `name` for the invoker at `path` in `stack`: returns the path of the invoker that
 * already has it, or records this one and returns `undefined`. One map lookup per invoker, instead of a
 * walk of the whole stack.
 */
export function claimServiceName(stack: Stack, name: string, path: string): string | undefined {
  const paths = invokerPathsByStack.get(stack) ?? new Map<string, string>();
  invokerPathsByStack.set(stack, paths);
  const existing = paths.get(name);
  if (existing !== undefined) { return existing; }
  paths.set(name, path);
  return undefined;
}
