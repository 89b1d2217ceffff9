/**
 * Lambda entry point of the Bedrock invoker: one response-streaming function behind an API Gateway
 * REST API (integrations with `responseTransferMode: STREAM`) serves POST /converse,
 * POST /converse-stream, POST /invoke and GET /health. Everything else lives in the runtime-agnostic
 * core (`handle-request.ts`), which the local dev server uses too.
 */
import type { AwsLambdaGlobal } from './awslambda';
import { createInvokerRuntime, InvokerRuntime } from './runtime';
import { createStreamingHandler } from './streaming-adapter';
import { createTracer } from './tracing';
import { INVOKER_CONFIG_ENV } from '../../lib/shared/invoker-config';

/** Provided by the Lambda Node.js runtime to response-streaming functions. */
declare const awslambda: AwsLambdaGlobal;

const tracer = createTracer();
let containerRuntime: InvokerRuntime | undefined;

/** The container's runtime: configuration parsed once, clients and circuit breakers kept across invocations. */
function runtime(): InvokerRuntime {
  containerRuntime ??= createInvokerRuntime({
    configJson: process.env[INVOKER_CONFIG_ENV],
    functionRegion: process.env.AWS_REGION,
    instrumentClient: (client) => tracer.captureAWSv3Client(client),
  });
  return containerRuntime;
}

/** The Lambda handler (response streaming). */
export const handler = awslambda.streamifyResponse(createStreamingHandler(runtime, awslambda.HttpResponseStream));
