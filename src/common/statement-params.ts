import type { EntityManager } from 'typeorm';

/**
 * The parameters of one SQL statement built from fragments that different modules write: each
 * fragment adds its values here and writes the `$n` it gets back, so the numbering never clashes.
 */
export class StatementParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * A conditional UPDATE (without RETURNING) that spends a second factor: true for one request
 * only. It must also meet `gate`, an SQL condition of the statement it is part of.
 */
export type SecondFactorWrite = (params: StatementParams, gate: string) => string;

/** Runs a second factor's write as a statement of its own (in `db`'s transaction, if any): the rows it changed. */
export async function runSecondFactorWrite(db: EntityManager, write: SecondFactorWrite): Promise<number> {
  const params = new StatementParams();
  // For an UPDATE the postgres driver answers [rows, rowCount].
  const [, changed] = (await db.query(write(params, 'TRUE'), params.values)) as [unknown[], number];
  return changed;
}
