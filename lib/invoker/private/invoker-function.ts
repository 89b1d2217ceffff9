import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { bundledHandlerCode } from '../../private/bundled-handler-code';
import { INVOKER_CONFIG_ENV, INVOKER_METRICS_NAMESPACE, InvokerRuntimeConfig, TRACE_ENABLED_ENV } from '../../shared/invoker-config';
import { InvokerSettings } from '../invoker-settings';
import type { RegionalInvoker } from '../regional-invoker';
import { TimeoutBudget } from './timeout-budget';

/**
 * The invoker's handler function (`Handler`): the bundled handler on arm64, with its role, log group,
 * timeout budget and runtime configuration. Throws when the bundle is missing or the runtime is too old.
 */
export function createInvokerFunction(scope: RegionalInvoker, settings: InvokerSettings, budget: TimeoutBudget,
  config: InvokerRuntimeConfig, tracing: boolean): lambda.Function {
  const code = bundledHandlerCode('invoker');
  const runtime = settings.runtime ?? lambda.Runtime.NODEJS_24_X;
  if (runtime.family !== lambda.RuntimeFamily.NODEJS || /^nodejs(1\d|20)\./.test(runtime.name)) {
    throw new Error(`runtime must be Node.js 22 or newer (the handler is built for it); got ${runtime.name}.`);
  }
  return new lambda.Function(scope, 'Handler', {
    description: `Bedrock cross-region invoker (${scope.geography}, ${scope.regionPlan.join(' > ')})`,
    runtime,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code,
    memorySize: settings.memorySize ?? 512,
    timeout: Duration.seconds(budget.lambdaTimeoutSeconds),
    role: scope.role,
    logGroup: scope.logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    tracing: tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
    reservedConcurrentExecutions: settings.reservedConcurrentExecutions,
    environment: {
      [INVOKER_CONFIG_ENV]: JSON.stringify(config),
      POWERTOOLS_SERVICE_NAME: scope.serviceName,
      POWERTOOLS_METRICS_NAMESPACE: INVOKER_METRICS_NAMESPACE,
      ...(tracing ? {} : { [TRACE_ENABLED_ENV]: 'false' }),
      NODE_OPTIONS: '--enable-source-maps',
    },
  });
}
