/**
 * Reading the embedded-metric-format records Powertools Metrics prints to stdout, for the tests and the
 * bench runs that check what the handlers publish.
 */

/** One EMF record as Powertools prints it (the metric values are top-level keys named after the metrics). */
export interface EmfRecord {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: ReadonlyArray<{
      readonly Namespace: string;
      readonly Dimensions: string[][];
      readonly Metrics: ReadonlyArray<{ readonly Name: string; readonly Unit: string }>;
    }>;
  };
  readonly [key: string]: unknown;
}

/**
 * Diverts the EMF lines written to process.stdout (JSON objects starting with `{"_aws"`) to `onLine`,
 * one call per non-empty line; every other write passes through. Returns the function that puts
 * process.stdout.write back.
 */
export function divertEmfLines(onLine: (line: string) => void): () => void {
  const write = process.stdout.write;
  const original = write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (!text.startsWith('{"_aws"')) {
      return original(chunk, ...rest);
    }
    for (const line of text.split('\n')) {
      if (line.trim() !== '') {
        onLine(line);
      }
    }
    rest.find((arg): arg is () => void => typeof arg === 'function')?.();
    return true;
  }) as typeof process.stdout.write;
  return () => {
    process.stdout.write = write;
  };
}
