import type { AttemptStage } from './attempt-control';
import { parseRetryAfterMs } from './region-plan';

/** Why the invoker itself cut an attempt short (an AbortSignal reason it set). */
export type InvokerAbortReason = 'AttemptTimeout' | 'FirstTokenTimeout' | 'StreamStalled' | 'DeadlineExceeded' | 'ClientDisconnected' | 'HedgeLost';

/** What to do about a failed Bedrock call. */
export type ErrorDisposition =
  /** Try the next region (and count against this region's circuit). */
  | 'failover'
  /** Return the error to the caller at once: another region would answer the same. */
  | 'client-error'
  /** The caller is gone or the request's own deadline passed: stop, blame no region. */
  | 'stop'
  /**
   * Raised before the request left the process (the SDK could not serialise, sign or route it): the
   * request's or the configuration's fault. Answered at once with `status`; no region is tried or blamed.
   */
  | 'local';

/** A Bedrock failure reduced to what the invoker needs to decide and to answer. */
export interface ClassifiedError {
  /** Exception name (`ThrottlingException`, `ECONNRESET`, `AttemptTimeout`, ...). */
  readonly name: string;
  /** Human-readable message, never a stack trace. */
  readonly message: string;
  readonly disposition: ErrorDisposition;
  /** True for throttling (the all-regions-failed answer is 429 only when every failure was one). */
  readonly throttle: boolean;
  /**
   * True when the failure is evidence that the region itself failed (an answer of a failover class, a
   * network error on the connection to it, a timeout waiting for it): it counts toward the region's
   * circuit and its `Errors` metric. Throttles, the request's own deadline, a client leaving and failures
   * the classifier does not know are never blamed on the region.
   */
  readonly blame: boolean;
  /** HTTP status to answer with for client errors; the upstream status otherwise (0 when there was none). */
  readonly status: number;
  /** Retry-After hint from the region, in milliseconds. */
  readonly retryAfterMs?: number;
}

/** Exceptions that mean "this region cannot serve you right now": try another source region. */
const FAILOVER_EXCEPTIONS = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'InternalServerException',
  'ModelNotReadyException',
  'ModelTimeoutException',
  'ServiceQuotaExceededException',
  'ModelStreamErrorException',
  'overloaded_error',
  'OverloadedException',
  'InternalFailure',
  'ServiceUnavailable',
  // Raised by the invoker itself while reading a region's event stream: the region's answer was broken.
  'IncompleteStream',
  'MalformedStream',
  'EmptyStream',
]);

/** Exceptions another region would answer identically: return them to the caller. */
const CLIENT_EXCEPTION_STATUS: Readonly<Record<string, number>> = {
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ModelErrorException: 424,
  ConflictException: 409,
  UnrecognizedClientException: 403,
  ExpiredTokenException: 403,
};

const THROTTLE_EXCEPTIONS = new Set(['ThrottlingException']);

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
  'EAI_AGAIN', 'ENOTFOUND', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET',
]);

const INVOKER_ABORT_MESSAGES: Readonly<Record<InvokerAbortReason, string>> = {
  AttemptTimeout: 'the region did not answer within the attempt timeout',
  FirstTokenTimeout: 'the region did not stream a first event within the first-token timeout',
  StreamStalled: 'the stream produced no event within the first-token timeout',
  DeadlineExceeded: 'the request deadline passed',
  ClientDisconnected: 'the client went away',
  HedgeLost: 'another region produced a first token sooner (hedged request)',
};

/**
 * Classifies a failed Bedrock call by exception NAME (SDK `error.name`, which the SDK takes from
 * `x-amzn-errortype`), falling back to the HTTP status only for names it does not know.
 *
 * @param error whatever the SDK threw (or an in-stream exception event)
 * @param abortReason set when the invoker's own AbortSignal fired: that, not the SDK's AbortError, is the cause
 * @param stage how far the request got (see `AttemptControl.stage`); before it was sent nothing is the region's fault
 */
export function classifyBedrockError(error: unknown, abortReason?: InvokerAbortReason, nowEpochMs: number = Date.now(),
  stage: AttemptStage = 'sent'): ClassifiedError {
  if (abortReason === 'DeadlineExceeded' || abortReason === 'ClientDisconnected' || abortReason === 'HedgeLost') {
    return { name: abortReason, message: INVOKER_ABORT_MESSAGES[abortReason], disposition: 'stop', throttle: false, blame: false, status: 0 };
  }
  if (stage !== 'sent') {
    return notSent(error, abortReason, stage);
  }
  if (abortReason !== undefined) {
    return { name: abortReason, message: INVOKER_ABORT_MESSAGES[abortReason], disposition: 'failover', throttle: false, blame: true, status: 0 };
  }
  const details = errorDetails(error);
  const retryAfterMs = parseRetryAfterMs(details.retryAfter, nowEpochMs);
  const withRetryAfter = <T extends ClassifiedError>(classified: T): T =>
    retryAfterMs === undefined ? classified : { ...classified, retryAfterMs };

  if (details.code !== undefined && NETWORK_ERROR_CODES.has(details.code)) {
    return { name: details.code, message: 'network error talking to the region', disposition: 'failover', throttle: false, blame: true, status: 0 };
  }
  if (details.status === undefined && (details.name === 'TimeoutError' || details.name === 'AbortError' || /socket hang up|ECONNRESET|aborted/i.test(details.message))) {
    const name = /socket hang up|ECONNRESET/i.test(details.message) ? 'ECONNRESET' : details.name === 'Error' ? 'NetworkError' : details.name;
    return { name, message: 'network error talking to the region', disposition: 'failover', throttle: false, blame: true, status: 0 };
  }
  if (FAILOVER_EXCEPTIONS.has(details.name)) {
    const throttle = THROTTLE_EXCEPTIONS.has(details.name);
    return withRetryAfter({
      name: details.name,
      message: details.message,
      disposition: 'failover',
      throttle,
      blame: !throttle,
      status: details.status ?? 0,
    });
  }
  const knownClientStatus = CLIENT_EXCEPTION_STATUS[details.name];
  if (knownClientStatus !== undefined) {
    return { name: details.name, message: details.message, disposition: 'client-error', throttle: false, blame: false, status: details.status ?? knownClientStatus };
  }
  const status = details.status;
  if (status !== undefined && (status >= 500 || status === 429 || status === 408)) {
    return withRetryAfter({ name: details.name, message: details.message, disposition: 'failover', throttle: status === 429, blame: status !== 429, status });
  }
  if (status !== undefined && status >= 400) {
    return { name: details.name, message: details.message, disposition: 'client-error', throttle: false, blame: false, status };
  }
  // No HTTP status and no name we know, after the request left: another region may work, but nothing
  // says this one failed, so it is reported (logged) and tried elsewhere without counting as an outage.
  return {
    name: details.name === 'Error' ? 'UnknownError' : details.name,
    message: 'unexpected failure calling the region',
    disposition: 'failover',
    throttle: false,
    blame: false,
    status: 0,
  };
}

/** Error names the SDK raises while building a request from a body it cannot serialise. */
const SERIALISATION_ERRORS = new Set(['TypeError', 'RangeError', 'SerializationException', 'SyntaxError']);

/**
 * A failure raised before the request left the process. A body the SDK could not serialise is the
 * request's fault (400); anything else there (the invoker's own code before the SDK, credentials,
 * endpoint, signing, a timer that fired while the SDK was still preparing) is the invoker's
 * configuration or host (500). No region is involved.
 */
function notSent(error: unknown, abortReason: InvokerAbortReason | undefined, stage: AttemptStage): ClassifiedError {
  const details = errorDetails(error);
  if (abortReason === undefined && stage === 'in-sdk' && SERIALISATION_ERRORS.has(details.name)) {
    return {
      name: 'UnserializableRequest',
      message: `the AWS SDK could not build a Bedrock request from this body (${details.message}); check the fields against the Converse API reference`,
      disposition: 'local',
      throttle: false,
      blame: false,
      status: 400,
    };
  }
  const cause = abortReason === undefined ? `${details.name}: ${details.message}` : INVOKER_ABORT_MESSAGES[abortReason];
  return {
    name: 'RequestNotSent',
    message: `the invoker could not send the request to any region (${cause}); the invoker's configuration or credentials are at fault, not a region`,
    disposition: 'local',
    throttle: false,
    blame: false,
    status: 500,
  };
}

interface ErrorDetails {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly status?: number;
  readonly retryAfter?: string;
}

/** Reads the fields the SDK puts on its errors without trusting their presence. */
function errorDetails(error: unknown): ErrorDetails {
  if (typeof error !== 'object' || error === null) {
    return { name: 'UnknownError', message: String(error) };
  }
  // SDK boundary: service exceptions carry $metadata and $response beyond the Error type.
  const record = error as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    cause?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    $response?: { statusCode?: unknown; headers?: Record<string, unknown> };
  };
  const name = typeof record.name === 'string' && record.name !== '' ? record.name : 'UnknownError';
  const message = typeof record.message === 'string' && record.message !== '' ? record.message : name;
  const code = typeof record.code === 'string' ? record.code : nestedCode(record.cause);
  const statusValue = record.$metadata?.httpStatusCode ?? record.$response?.statusCode;
  // An exception inside a 200 event stream carries the stream's status: it says nothing about the error.
  const status = typeof statusValue === 'number' && statusValue >= 400 ? statusValue : undefined;
  const retryAfterValue = record.$response?.headers?.['retry-after'];
  const retryAfter = typeof retryAfterValue === 'string' ? retryAfterValue : undefined;
  return { name, message: firstLine(message), code, status, retryAfter };
}

function nestedCode(cause: unknown): string | undefined {
  if (typeof cause === 'object' && cause !== null && typeof (cause as { code?: unknown }).code === 'string') {
    return (cause as { code: string }).code;
  }
  return undefined;
}

/** Messages go to clients: keep one line, bounded, so nothing resembling a stack trace leaks. */
function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}
