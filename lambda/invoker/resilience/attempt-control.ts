import type { InvokerAbortReason } from './error-classification';

/** How far one attempt's request got (see {@link AttemptControl.stage}). */
export type AttemptStage = 'preparing' | 'in-sdk' | 'sent';

/**
 * The abort handle of one Bedrock attempt: an AbortSignal for the SDK plus one re-armable timer whose
 * firing aborts with a known reason, so a timeout is never confused with any other AbortError.
 */
export class AttemptControl {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private abortReason: InvokerAbortReason | undefined;
  private handedToHttp = false;
  private handedToSdk = false;
  private resolveFirstEvent: (() => void) | undefined;
  private readonly firstEventSeen = new Promise<void>((resolve) => {
    this.resolveFirstEvent = resolve;
  });

  /** Signal to pass to the SDK (`abortSignal`). */
  public get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the attempt was aborted, if it was. */
  public get reason(): InvokerAbortReason | undefined {
    return this.abortReason;
  }


  /**
   * How far the request got: still in the invoker's own code, inside the SDK (serialising, signing), or
   * sent (handed to the HTTP handler). Only a failure after it was sent can be the region's; one while the
   * SDK builds the request is the body's fault, one before it the invoker's.
   */
  public get stage(): AttemptStage {
    return this.handedToHttp ? 'sent' : this.handedToSdk ? 'in-sdk' : 'preparing';
  }

  /** Called by the SDK middleware that runs first in the SDK's stack (see `BedrockClients.send`). */
  public markHandedToSdk(): void {
    this.handedToSdk = true;
  }

  /** Called by the SDK middleware that sits just before the HTTP handler (see `BedrockClients.send`). */
  public markSent(): void {
    this.handedToHttp = true;
  }

  /**
   * Resolves when the region's first streamed event has arrived ({@link markFirstEvent}): the moment a
   * hedged attempt has won, and from which a long generation is no longer suspected of hanging.
   */
  public get firstEvent(): Promise<void> {
    return this.firstEventSeen;
  }

  /** Called by a streaming attempt when the region's first event arrives. */
  public markFirstEvent(): void {
    this.resolveFirstEvent?.();
    this.resolveFirstEvent = undefined;
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
