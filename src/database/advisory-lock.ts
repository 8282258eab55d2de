import type { DataSource } from 'typeorm';

/**
 * Runs `work` while holding PostgreSQL's session-level advisory lock `key`, taken on a connection of
 * its own rather than in a transaction: `work` commits batch by batch and keeps no row lock or old
 * snapshot for its length. If this process dies, PostgreSQL drops the lock with the connection.
 * When another session holds the lock, `work` does not run and the answer is false: of all
 * instances (and workers), one does the job at a time.
 */
export async function whileHoldingAdvisoryLock(dataSource: DataSource, key: number, work: () => Promise<void>): Promise<boolean> {
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    const [{ locked }] = (await lockHolder.query('SELECT pg_try_advisory_lock($1) AS locked', [key])) as Array<{ locked: boolean }>;
    if (!locked) return false;
    try {
      await work();
    } finally {
      await lockHolder.query('SELECT pg_advisory_unlock($1)', [key]);
    }
    return true;
  } finally {
    await lockHolder.release();
  }
}
