/** Bedrock runtime operations the fake serves. */
export type FakeOperation = 'converse' | 'converse-stream' | 'invoke';

/** A fault the fake injects into a call. */
export type Fault =
  /** An error answer: `x-amzn-errortype: name` (omitted when `name` is undefined), JSON `{ message }` (or a raw body). */
  | { readonly kind: 'error'; readonly status: number; readonly name?: string; readonly message?: string; readonly retryAfterSeconds?: number; readonly rawBody?: string }
  /** Never answers (the socket stays open until the client gives up). */
  | { readonly kind: 'hang' }
  /** Answers normally after `delayMs` (delay before the response headers). */
  | { readonly kind: 'slow'; readonly delayMs: number }
  /** converse-stream: headers at once, then `delayMs` before the first event. */
  | { readonly kind: 'slow-first-event'; readonly delayMs: number }
  /**
   * converse-stream: headers and the first event at once, then `interEventDelayMs` before each further
   * event: a healthy model writing a long answer. Other operations answer when that stream would have ended.
   */
  | { readonly kind: 'slow-stream'; readonly interEventDelayMs: number }
  /** Destroys the connection without answering. */
  | { readonly kind: 'reset' }
  /** converse-stream: `afterEvents` normal events, then an exception frame (`:message-type: exception`). */
  | { readonly kind: 'stream-exception'; readonly afterEvents: number; readonly exceptionType: string; readonly message?: string }
  /** converse-stream: `afterEvents` normal events, then the body ends cleanly, before `messageStop` (a cut, not an error). */
  | { readonly kind: 'stream-end-early'; readonly afterEvents: number };

/** Canned faults with the real names, statuses and messages of bedrock-runtime. */
export const faults = {
  throttle: (retryAfterSeconds?: number): Fault =>
    ({ kind: 'error', status: 429, name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.', retryAfterSeconds }),
  internal: (): Fault => ({ kind: 'error', status: 500, name: 'InternalServerException', message: 'The server encountered an internal error.' }),
  unavailable: (): Fault => ({ kind: 'error', status: 503, name: 'ServiceUnavailableException', message: 'The service is unavailable. Try again later.' }),
  /** 529 with an Anthropic-style body and no x-amzn-errortype: only the status says what it is. */
  overloaded: (): Fault => ({ kind: 'error', status: 529, rawBody: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' }),
  modelNotReady: (): Fault => ({ kind: 'error', status: 429, name: 'ModelNotReadyException', message: 'Model is not ready for inference.' }),
  modelTimeout: (): Fault => ({ kind: 'error', status: 408, name: 'ModelTimeoutException', message: 'Model has timed out in processing the request.' }),
  quotaExceeded: (): Fault => ({ kind: 'error', status: 400, name: 'ServiceQuotaExceededException', message: 'Your request exceeds the service quota for your account.' }),
  validation: (message = 'Malformed input request: messages: expected minimum item count: 1'): Fault =>
    ({ kind: 'error', status: 400, name: 'ValidationException', message }),
  accessDenied: (): Fault => ({ kind: 'error', status: 403, name: 'AccessDeniedException', message: 'You don\'t have access to the model with the specified model ID.' }),
  resourceNotFound: (): Fault => ({ kind: 'error', status: 404, name: 'ResourceNotFoundException', message: 'The provided model identifier is invalid.' }),
  modelError: (): Fault => ({ kind: 'error', status: 424, name: 'ModelErrorException', message: 'The model returned an error.' }),
  hang: (): Fault => ({ kind: 'hang' }),
  slow: (delayMs: number): Fault => ({ kind: 'slow', delayMs }),
  slowFirstEvent: (delayMs: number): Fault => ({ kind: 'slow-first-event', delayMs }),
  slowStream: (interEventDelayMs: number): Fault => ({ kind: 'slow-stream', interEventDelayMs }),
  reset: (): Fault => ({ kind: 'reset' }),
  streamEndEarly: (afterEvents: number): Fault => ({ kind: 'stream-end-early', afterEvents }),
  streamException: (afterEvents: number, exceptionType = 'throttlingException', message = 'Too many tokens, please wait before trying again.'): Fault =>
    ({ kind: 'stream-exception', afterEvents, exceptionType, message }),
};
