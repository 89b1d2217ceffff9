import type { Writable } from 'node:stream';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/** Status and headers written ahead of a streamed body (the "prelude" of the API Gateway streaming format). */
export interface HttpResponseStreamPrelude {
  readonly statusCode?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[]>>;
  readonly cookies?: readonly string[];
}

/** The `awslambda.HttpResponseStream` helper of the Node.js managed runtime. */
export interface HttpResponseStreamFactory {
  /** Writes the prelude to `stream` and returns the stream to write the body to. */
  from(stream: Writable, prelude: HttpResponseStreamPrelude): Writable;
}

/** A response-streaming handler before `streamifyResponse` wraps it. */
export type StreamingHandler = (event: APIGatewayProxyEvent, responseStream: Writable, context: Context) => Promise<void>;

/**
 * Shape of the `awslambda` global the Lambda Node.js runtime provides to response-streaming functions.
 * Declared here (and bound in index.ts with a module-scoped `declare const`) so the handler does not
 * depend on how, or whether, @types/aws-lambda declares it.
 */
export interface AwsLambdaGlobal {
  /** Writes status and headers ahead of the body. */
  readonly HttpResponseStream: HttpResponseStreamFactory;
  /** Marks a handler as response-streaming. */
  streamifyResponse(handler: StreamingHandler): StreamingHandler;
}
