/**
 * Where output goes: process.stdout/stderr, or anything with the same `write`. stdout receives ASCII
 * bytes (Uint8Array), stderr strings. A stream's `drain` and `error` events are used when present.
 */
export interface TextSink {
  write(chunk: string | Uint8Array): unknown;
  once?(event: 'drain', listener: () => void): unknown;
  on?(event: 'error', listener: (err: Error) => void): unknown;
  removeListener?(event: 'error', listener: (err: Error) => void): unknown;
}

/** Output that could not be written; `closed` when the reader went away (EPIPE, e.g. `| head`). */
export class OutputError extends Error {
  readonly closed: boolean;
  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = 'OutputError';
    this.closed = (cause as NodeJS.ErrnoException).code === 'EPIPE';
  }
}

/**
 * Writes to a sink, waiting for `drain` when it asks to (a pipe to a slow reader), and turns a failed
 * sink into an `OutputError` instead of an unhandled stream error or a wait for a drain that never comes.
 */
export class SinkWriter {
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly onError = (err: Error): void => {
    this.failure = err;
    this.wake?.();
  };

  constructor(private readonly sink: TextSink) {
    sink.on?.('error', this.onError);
  }

  /** Writes one chunk; throws `OutputError` once the sink has failed. */
  async write(chunk: string | Uint8Array): Promise<void> {
    this.check();
    let accepted: unknown;
    try {
      accepted = this.sink.write(chunk);
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(String(err));
    }
    if (accepted === false && this.sink.once !== undefined && this.failure === undefined) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.sink.once!('drain', resolve);
      });
      this.wake = undefined;
    }
    this.check();
  }

  /** Stops listening for errors, unless the sink failed: later errors of a dead pipe stay swallowed. */
  release(): void {
    if (this.failure === undefined) this.sink.removeListener?.('error', this.onError);
  }

  private check(): void {
    if (this.failure !== undefined) throw new OutputError(this.failure);
  }
}
