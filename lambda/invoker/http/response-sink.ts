/**
 * Where the handler core writes its answer: status and headers first, then body chunks. Implemented
 * over `awslambda.HttpResponseStream` in Lambda and over `http.ServerResponse` by the local server.
 */
export interface ResponseSink {
  /** Aborts when the client goes away before the answer is complete. */
  readonly clientGone?: AbortSignal;
  /** Sends the status line and headers. Called exactly once, before any `write`. */
  start(statusCode: number, headers: Readonly<Record<string, string>>): void;
  /** Sends one body chunk; resolves when the transport can take more. */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Ends the response. */
  end(): Promise<void>;
}

/**
 * JSON.stringify that renders byte arrays (SDK blobs) as base64 instead of `{"0":..,"1":..}`. Most
 * answers hold no bytes at all, and a replacer runs on every key, so it is used only when there are some.
 */
export function toJson(value: unknown): string {
  if (!containsBytes(value)) {
    return JSON.stringify(value);
  }
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, current: unknown) {
    const original = key === '' ? current : this[key];
    return original instanceof Uint8Array ? Buffer.from(original).toString('base64') : current;
  });
}

function containsBytes(value: unknown): boolean {
  if (value instanceof Uint8Array) {
    return true;
  }
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  if (Array.isArray(value)) {
    return value.some(containsBytes);
  }
  for (const key in value) {
    if (containsBytes((value as Record<string, unknown>)[key])) {
      return true;
    }
  }
  return false;
}

/** Sends a complete JSON answer. */
export async function sendJson(sink: ResponseSink, statusCode: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Promise<void> {
  sink.start(statusCode, { 'content-type': 'application/json', ...headers });
  await sink.write(toJson(body));
  await sink.end();
}

/** One Server-Sent Event: `event: <name>` and `data: <json>` (single line: JSON has no raw newlines). */
export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${toJson(data)}\n\n`;
}
