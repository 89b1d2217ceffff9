import type { InvokerAbortReason } from './error-classification';

/**
 * The abort handle of one Bedrock attempt: an AbortSignal for the SDK plus one re-armable timer whose
 * firing aborts with a known reason, so a timeout is never confused with any other AbortError.
 */
export class AttemptControl {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private abortReason: InvokerAbortReason | undefined;

  /** Signal to pass to the SDK (`abortSignal`). */
  public get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the attempt was aborted, if it was. */
  public get reason(): InvokerAbortReason | undefined {
    return this.abortReason;
  }

  /** (Re)arms the timer: after `ms` the attempt is aborted with `reason`. Replaces any armed timer. */
  public arm(ms: number, reason: InvokerAbortReason): void {
    this.disarm();
    this.timer = setTimeout(() => this.abort(reason), Math.max(0, ms));
  }

  /** Aborts now with `reason` (no-op if already aborted). */
  public abort(reason: InvokerAbortReason): void {
    if (this.abortReason !== undefined) {
      return;
    }
    this.abortReason = reason;
    this.disarm();
    this.controller.abort(new Error(reason));
  }

  /** Stops the timer; call when the attempt is over. */
  public disarm(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /**
   * Awaits `promise` but rejects as soon as the attempt is aborted, whether or not the underlying
   * operation notices the abort itself.
   */
  public async race<T>(promise: Promise<T>): Promise<T> {
    if (this.controller.signal.aborted) {
      promise.catch(() => undefined);
      throw abortError(this.abortReason);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(abortError(this.abortReason));
      this.controller.signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          this.controller.signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          this.controller.signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }
}

function abortError(reason: InvokerAbortReason | undefined): Error {
  const error = new Error(reason ?? 'aborted');
  error.name = 'AbortError';
  return error;
}
