import type { ResponseSink } from '../lambda/invoker/http/response-sink';

/**
 * A response sink that keeps the answer in memory (in Lambda: the HttpResponseStream). With
 * `writeDelayMs` every chunk takes that long to be taken: a client that reads slowly.
 */
export class CollectingSink implements ResponseSink {
  public statusCode = 0;
  public headers: Readonly<Record<string, string>> = {};
  public readonly chunks: Array<string | Uint8Array> = [];

  public constructor(private readonly writeDelayMs = 0) {}

  public start(statusCode: number, headers: Readonly<Record<string, string>>): void {
    this.statusCode = statusCode;
    this.headers = headers;
  }

  public async write(chunk: string | Uint8Array): Promise<void> {
    this.chunks.push(chunk);
    if (this.writeDelayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.writeDelayMs));
    }
  }

  public end(): Promise<void> {
    return Promise.resolve();
  }

  /** The body so far, as UTF-8 text. */
  public text(): string {
    return this.chunks.map((chunk) => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))).join('');
  }
}
