/* eslint-disable import/no-extraneous-dependencies -- bundled into the handler by esbuild */
import { Logger } from '@aws-lambda-powertools/logger';
import { DEFAULT_INVOKER_SERVICE_NAME } from './invoker-metrics';

/** The service name shared by logs, traces and the metrics' `service` dimension (set per invoker by the construct). */
export function serviceName(): string {
  return process.env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_INVOKER_SERVICE_NAME;
}

/** Structured JSON logger (level from `POWERTOOLS_LOG_LEVEL`; `SILENT` in tests). */
export function createLogger(): Logger {
  return new Logger({ serviceName: serviceName() });
}
