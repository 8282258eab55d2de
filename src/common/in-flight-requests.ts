import type { FastifyInstance } from 'fastify';

/** Counts the HTTP requests being served, so a shutdown can wait for them. */
export class InFlightRequests {
  private count = 0;
  private closing = false;
  private readonly waiters = new Set<() => void>();

  get current(): number {
    return this.count;
  }

  /** Counts each request from its arrival until its answer is sent or its client went away. */
  register(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (_request, reply, done) => {
      this.count++;
      if (this.closing) reply.header('Connection', 'close');
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        this.count--;
        if (this.count === 0) for (const wake of this.waiters) wake();
      };
      reply.raw.once('finish', finish);
      reply.raw.once('close', finish);
      done();
    });
  }

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
