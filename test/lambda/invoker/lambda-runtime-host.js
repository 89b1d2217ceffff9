// A stand-in for the Lambda Node.js managed runtime, just enough to run the SHIPPED handler bundle
// (assets/invoker/index.js) the way Lambda does: it defines the `awslambda` global (streamifyResponse and
// HttpResponseStream), loads the bundle once per process (one execution environment), and runs one
// invocation per IPC message from the parent test, setting `_X_AMZN_TRACE_ID` per invocation as the
// runtime does. Plain JavaScript on purpose: it is the runtime's side, not the library's.
//
// HttpResponseStream follows the documented streaming integration format: the response stream's
// content type becomes application/vnd.awslambda.http-integration-response, and just before the first
// body write the JSON prelude (statusCode, headers) and 8 NUL bytes go out. A handler that ends its
// stream without writing anything never sends its prelude, which the parent sees as `preludeSent: false`.
'use strict';

const { Writable } = require('node:stream');

const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const DELIMITER = new Uint8Array(8);

/** The response stream a streaming handler receives: collects the bytes the runtime would send. */
class ResponseStream extends Writable {
  constructor() {
    super();
    this.chunks = [];
    this.contentType = 'application/octet-stream';
    this.firstWriteDone = false;
    this._onBeforeFirstWrite = undefined;
  }

  setContentType(contentType) {
    this.contentType = contentType;
  }

  write(chunk, ...rest) {
    if (!this.firstWriteDone) {
      this.firstWriteDone = true;
      if (this._onBeforeFirstWrite !== undefined) {
        this._onBeforeFirstWrite((early) => super.write(early));
      }
    }
    return super.write(chunk, ...rest);
  }

  _write(chunk, _encoding, callback) {
    this.chunks.push(Buffer.from(chunk));
    callback();
  }
}

const HttpResponseStream = {
  from(stream, prelude) {
    stream.setContentType(PRELUDE_CONTENT_TYPE);
    const json = JSON.stringify(prelude);
    stream._onBeforeFirstWrite = (write) => {
      write(json);
      write(DELIMITER);
    };
    return stream;
  },
};

globalThis.awslambda = {
  HttpResponseStream,
  streamifyResponse: (handler) => handler,
};

/** Splits what the stream carried into the prelude and the body (or reports a raw body). */
function decode(stream) {
  const bytes = Buffer.concat(stream.chunks);
  if (stream.contentType !== PRELUDE_CONTENT_TYPE) {
    return { preludeSent: false, contentType: stream.contentType, body: bytes.toString('base64') };
  }
  const end = bytes.indexOf(Buffer.from(DELIMITER));
  if (end < 0) {
    return { preludeSent: false, contentType: stream.contentType, body: bytes.toString('base64') };
  }
  return {
    preludeSent: true,
    prelude: JSON.parse(bytes.subarray(0, end).toString('utf8')),
    body: bytes.subarray(end + DELIMITER.length).toString('base64'),
  };
}

const { handler } = require(process.argv[2]);
let invocation = 0;

process.on('message', async ({ event, traceId }) => {
  invocation += 1;
  process.env._X_AMZN_TRACE_ID = traceId;
  const stream = new ResponseStream();
  const context = {
    awsRequestId: `00000000-0000-4000-8000-${String(invocation).padStart(12, '0')}`,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    getRemainingTimeInMillis: () => 60_000,
  };
  try {
    await handler(event, stream, context);
    if (!stream.writableEnded) {
      throw new Error('the handler returned without ending its response stream');
    }
    // The X-Ray SDK's context library (cls-hooked) registers `process.namespaces` when it loads.
    process.send({ ok: true, ...decode(stream), xraySdkLoaded: process.namespaces !== undefined });
  } catch (error) {
    process.send({ ok: false, error: String(error && error.stack ? error.stack : error) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
