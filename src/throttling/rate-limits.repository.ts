import { Injectable } from '@nestjs/common';
import type { Pool, QueryConfig } from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import type { StatementPiece } from '../database/statement';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** RateLimitsRepository.deleteKeys as a piece of a caller's statement, done only when its gate holds. */
export function deleteRateLimitKeys(keys: string[]): StatementPiece {
  return (statement, when) => statement.with('cleared_limits', `DELETE FROM rate_limits WHERE key = ANY (${statement.value(keys)}::varchar[]) AND ${when.sql} RETURNING 1`);
}

/**
 * The rate_limits table: the counters rate-limiter-flexible keeps there (one row per key, shared by
 * every instance) and the few statements of our own that clear them.
 */
@Injectable()
export class RateLimitsRepository {
  private readonly store: Pick<Pool, 'query'>;

  constructor(private readonly dataSource: DataSource) {
    this.store = unnamedStatements(dataSource);
  }

  /** A counter of `points` per `duration` seconds for keys under `keyPrefix`; its increments are atomic. */
  limiter(keyPrefix: string, points: number, duration: number): RateLimiterPostgres {
    return new RateLimiterPostgres({ storeClient: this.store, storeType: 'pool', tableName: 'rate_limits', tableCreated: true, keyPrefix, points, duration });
  }

  /** Deletes these rows (full keys, as a limiter's getKey gives them) in one statement. */
  async deleteKeys(keys: string[]): Promise<void> {
    await this.dataSource.query('DELETE FROM rate_limits WHERE key = ANY ($1)', [keys]);
  }

  /** Deletes every row whose key is LIKE one of the patterns (a plain key matches itself). */
  async deleteKeysLike(patterns: string[]): Promise<void> {
    await this.dataSource.query('DELETE FROM rate_limits WHERE key LIKE ANY ($1)', [patterns]);
  }
}

/**
 * The limiter's store, sending its statements unnamed to the app's pool. The library names them
 * (prepared once per connection), but a named statement lives on one server connection, which a
 * pooler in transaction mode (PgBouncer) does not keep for us.
 */
function unnamedStatements(dataSource: DataSource): Pick<Pool, 'query'> {
  return {
    query: ({ text, values }: QueryConfig) => ((dataSource.driver as PostgresDriver).master as Pool).query(text, values),
  } as Pick<Pool, 'query'>;
}
