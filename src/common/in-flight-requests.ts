import type { NextFunction, Request, Response } from 'express';

/** Counts the HTTP requests being served, so a shutdown can wait for them. */
export class InFlightRequests {
  private count = 0;
  private closing = false;
  private readonly waiters = new Set<() => void>();

  get current(): number {
    return this.count;
  }

  readonly middleware = (_req: Request, res: Response, next: NextFunction): void => {
    this.count++;
    if (this.closing) res.setHeader('Connection', 'close');
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.count--;
      if (this.count === 0) for (const wake of this.waiters) wake();
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };

  /** From now on every answer asks the client to close its connection (we are shutting down). */
  stopKeepingAlive(): void {
    this.closing = true;
  }

  /** Resolves when no request is in flight, or after `timeoutMs` at the latest. */
  drained(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.add(() => {
        this.waiters.clear();
        done();
      });
    });
  }
}
