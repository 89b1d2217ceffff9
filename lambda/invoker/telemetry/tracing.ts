/* eslint-disable import/no-extraneous-dependencies -- bundled into the handler by esbuild */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { serviceName } from './observability';

/**
 * X-Ray tracer. Powertools disables it by itself outside the Lambda execution environment (local
 * server, tests, bench), so it is a no-op there; `POWERTOOLS_TRACE_ENABLED=false` disables it anywhere.
 *
 * Only the Lambda entry point imports this module: loading the X-Ray SDK installs an async hook
 * (cls-hooked) that taxes every promise in the process, so the handler core, the local server and the
 * benchmark never load it.
 */
export function createTracer(): Tracer {
  return new Tracer({ serviceName: serviceName(), captureHTTPsRequests: false });
}
