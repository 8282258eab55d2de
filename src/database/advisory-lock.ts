import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Runs `work` while holding PostgreSQL's advisory lock `key`. The lock is transaction-level
 * (`pg_try_advisory_xact_lock`), taken in a transaction of its own that does nothing else, while
 * `work` runs on other connections and commits batch by batch: no row lock, and between statements
 * (READ COMMITTED) no snapshot, is kept for its length. Not a session-level lock: behind a pooler in
 * transaction mode (PgBouncer) it would stay on whichever server connection took it, and the unlock
 * could go to another. If this process dies, the open transaction ends with its connection.
 * When another instance holds the lock, `work` does not run and the answer is false: of all
 * instances (and workers), one does the job at a time.
 */
export async function whileHoldingAdvisoryLock(dataSource: DataSource, key: number, work: () => Promise<void>): Promise<boolean> {
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.startTransaction();
    const [{ locked }] = (await lockHolder.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [key])) as Array<{ locked: boolean }>;
    if (locked) await work();
    return locked;
  } finally {
    // The transaction wrote nothing: ending it only lets go of the lock.
    if (lockHolder.isTransactionActive) await lockHolder.rollbackTransaction().catch(() => undefined);
    await lockHolder.release();
  }
}

/** whileHoldingAdvisoryLock for a service that owns no table (the data-pruning job). */
@Injectable()
export class AdvisoryLocks {
  constructor(private readonly dataSource: DataSource) {}

  whileHolding(key: number, work: () => Promise<void>): Promise<boolean> {
    return whileHoldingAdvisoryLock(this.dataSource, key, work);
  }
}
