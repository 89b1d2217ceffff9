/**
 * The local server's stand-in for the Lambda `awslambda.HttpResponseStream` streaming contract: status
 * and headers first, then body chunks written to the `http.ServerResponse` as they come, so SSE streams live.
 */
import type * as http from 'node:http';
import { Writable } from 'node:stream';
import type { HttpResponseStreamFactory, HttpResponseStreamPrelude } from './awslambda';

/** Response stream the stand-in hands to the handler: a Writable over `http.ServerResponse`. */
export class LocalResponseStream extends Writable {
  private preludeSent = false;

  public constructor(private readonly response: http.ServerResponse) {
    super();
    response.on('close', () => {
      if (!response.writableFinished) {
        this.destroy();
      }
    });
  }

  /** Sends status and headers (what `HttpResponseStream.from` does in Lambda). */
  public sendPrelude(prelude: HttpResponseStreamPrelude): void {
    if (this.preludeSent) {
      throw new Error('HttpResponseStream.from called twice on one response stream');
    }
    this.preludeSent = true;
    const headers: Record<string, string | string[]> = { ...(prelude.headers ?? {}) };
    for (const [name, values] of Object.entries(prelude.multiValueHeaders ?? {})) {
      headers[name] = [...values];
    }
    if (prelude.cookies !== undefined && prelude.cookies.length > 0) {
      headers['set-cookie'] = [...prelude.cookies];
    }
    this.response.writeHead(prelude.statusCode ?? 200, headers);
    this.response.flushHeaders();
  }

  public override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.preludeSent) {
      // Lambda streams without a prelude as 200 application/octet-stream.
      this.sendPrelude({ statusCode: 200, headers: { 'content-type': 'application/octet-stream' } });
    }
    if (this.response.write(chunk)) {
      callback();
    } else {
      this.response.once('drain', () => callback());
    }
  }

  public override _final(callback: (error?: Error | null) => void): void {
    if (!this.preludeSent) {
      this.sendPrelude({ statusCode: 200, headers: { 'content-type': 'application/octet-stream' } });
    }
    this.response.end(() => callback());
  }
}

/** Stand-in for `awslambda.HttpResponseStream`. */
export const localHttpResponseStream: HttpResponseStreamFactory = {
  from(stream, prelude) {
    if (!(stream instanceof LocalResponseStream)) {
      throw new Error('local HttpResponseStream.from needs the response stream the server passed to the handler');
    }
    stream.sendPrelude(prelude);
    return stream;
  },
};
