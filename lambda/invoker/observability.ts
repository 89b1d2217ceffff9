/* eslint-disable import/no-extraneous-dependencies -- bundled into the handler by esbuild */
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DEFAULT_INVOKER_SERVICE_NAME } from './invoker-metrics';

/** The service name shared by logs, traces and the metrics' `service` dimension (set per invoker by the construct). */
function serviceName(): string {
  return process.env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_INVOKER_SERVICE_NAME;
}

/** Structured JSON logger (level from `POWERTOOLS_LOG_LEVEL`; `SILENT` in tests). */
export function createLogger(): Logger {
  return new Logger({ serviceName: serviceName() });
}

/**
 * X-Ray tracer. Powertools disables it by itself outside the Lambda execution environment (local
 * server, tests, bench), so it is a no-op there; `POWERTOOLS_TRACE_ENABLED=false` disables it anywhere.
 */
export function createTracer(): Tracer {
  return new Tracer({ serviceName: serviceName(), captureHTTPsRequests: false });
}
