import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

export const POOL_SIZE = 10;

export function postgresOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'all',
    extra: { max: POOL_SIZE, connectionTimeoutMillis: 5_000 },
  };
}

/** Any number of instances may boot at once: an advisory lock lets one of them migrate at a time. */
const MIGRATION_LOCK_KEY = 7_264_591_331;

export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = await new DataSource({ ...postgresOptions(url), extra: { max: 1 } }).initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    await dataSource.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
