import { DiscoveryService } from '@nestjs/core';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * What a module offers the data-pruning job for the rows it owns: delete at most `batchSize` of
 * them that are no longer needed at `now`, and say how many went. The job calls it again until it
 * deletes fewer than `batchSize`. A module marks the class with `@PrunesExpiredData()` and lists
 * it in its providers; the maintenance module finds it, so it never touches the module's tables.
 */
export interface ExpiredDataPruner {
  /** Names what is pruned in logs and reports, e.g. "sessions". */
  readonly prunes: string;
  pruneExpired(now: Date, batchSize: number): Promise<number>;
}

/** Marks a provider as an ExpiredDataPruner for the data-pruning job to find. */
export const PrunesExpiredData = DiscoveryService.createDecorator<void>();

/**
 * Deletes one batch of rows whose `column` is below `cutoff`. The rows are picked through the
 * column's index and deleted by their physical address (ctid), one short statement per batch, so
 * no lock is held for long and nothing waits on a big DELETE. The outer condition is re-checked on
 * the row as it is when deleted: a row moved or renewed meanwhile is left alone.
 */
export async function deleteBatchBelow(
  db: DataSource | EntityManager,
  table: string,
  column: string,
  cutoff: Date | number,
  batchSize: number,
): Promise<number> {
  const [, deleted] = (await db.query(
    `DELETE FROM ${table}
      WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE ${column} < $1 LIMIT $2))
        AND ${column} < $1`,
    [cutoff, batchSize],
  )) as [unknown[], number];
  return deleted;
}
