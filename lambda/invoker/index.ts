/**
 * Lambda entry point of the Bedrock invoker: one response-streaming function behind an API Gateway
 * REST API (integrations with `responseTransferMode: STREAM`) serves POST /converse,
 * POST /converse-stream, POST /invoke and GET /health. Everything else lives in the runtime-agnostic
 * core (`handle-request.ts`), which the local dev server uses too.
 */
import type { ClientInstrumentation } from './bedrock-clients';
import type { AwsLambdaGlobal } from './host/awslambda';
import { createStreamingHandler } from './host/streaming-adapter';
import { createInvokerRuntime, InvokerRuntime } from './runtime';
import { INVOKER_CONFIG_ENV, TRACE_ENABLED_ENV } from '../../lib/shared/invoker-config';

/** Provided by the Lambda Node.js runtime to response-streaming functions. */
declare const awslambda: AwsLambdaGlobal;

/**
 * How the Bedrock clients are instrumented: captured by the X-Ray tracer, unless the construct turned
 * tracing off (`POWERTOOLS_TRACE_ENABLED=false`, read as Powertools reads it). Then the tracer module is
 * never loaded, and neither is the X-Ray SDK, whose async hook taxes every promise in the process.
 */
async function loadClientInstrumentation(): Promise<ClientInstrumentation | undefined> {
  if (process.env[TRACE_ENABLED_ENV]?.trim().toLowerCase() === 'false') {
    return undefined;
  }
  const { createTracer } = await import('./telemetry/tracing.js');
  const tracer = createTracer();
  return (client) => tracer.captureAWSv3Client(client);
}

// Started while the module loads, so it completes in the init phase, before the first request.
const clientInstrumentation = loadClientInstrumentation();
let containerRuntime: Promise<InvokerRuntime> | undefined;

/** The container's runtime: configuration parsed once, clients and circuit breakers kept across invocations. */
function runtime(): Promise<InvokerRuntime> {
  containerRuntime ??= clientInstrumentation
    .then((instrumentClient) => createInvokerRuntime({
      configJson: process.env[INVOKER_CONFIG_ENV],
      functionRegion: process.env.AWS_REGION,
      instrumentClient,
    }))
    .catch((error: unknown) => {
      containerRuntime = undefined; // let the next invocation try again rather than fail forever
      throw error;
    });
  return containerRuntime;
}

/** The Lambda handler (response streaming). */
export const handler = awslambda.streamifyResponse(createStreamingHandler(runtime, awslambda.HttpResponseStream));
