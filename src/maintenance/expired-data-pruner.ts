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
 * Deletes one batch of rows whose `column` is below `cutoff`, oldest first. The rows are picked
 * through the column's index and deleted by their physical address (ctid), one short statement per batch, so
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
  const [, deleted] = (await db.query(deleteBatchBelowSql(table, column), [cutoff, batchSize])) as [unknown[], number];
  return deleted;
}

/** The statement of deleteBatchBelow ($1 the cutoff, $2 the batch size); the bench explains it. */
export function deleteBatchBelowSql(table: string, column: string): string {
  // ORDER BY makes the planner walk the column's index from the oldest row: without it, when many
  // rows match it reads the table from the start, through the rows earlier batches left dead.
  return `DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE ${column} < $1 ORDER BY ${column} LIMIT $2)) AND ${column} < $1`;
}
