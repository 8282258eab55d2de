import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions, MigrationExecutor, type MigrationInterface } from 'typeorm';

export const POOL_SIZE = 10;

export function postgresOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'all',
    extra: { max: POOL_SIZE, connectionTimeoutMillis: 5_000 },
  };
}

export const MIGRATIONS_DIR = join(__dirname, 'migrations');
/** `<timestamp>-<name>.ts` (or .js once built): what `npm run migration:create|generate` writes. */
const MIGRATION_FILE = /^\d{13}-[\w.-]+\.(ts|js)$/;

/**
 * Every migration class in src/database/migrations, in timestamp order: a new file is picked up
 * without editing a list. Loaded with import(), which works from the build and, under vitest,
 * from the TypeScript sources.
 */
export async function loadMigrations(): Promise<Array<new () => MigrationInterface>> {
  const files = readdirSync(MIGRATIONS_DIR).filter((file) => MIGRATION_FILE.test(file) && !file.endsWith('.d.ts')).sort();
  const modules: Array<Record<string, unknown>> = await Promise.all(files.map((file) => import(join(MIGRATIONS_DIR, file))));
  const classes = modules.flatMap((module) => Object.values(module).filter((value) => typeof value === 'function'));
  return [...new Set(classes)] as Array<new () => MigrationInterface>;
}

/** Any number of instances may boot at once: an advisory lock lets one of them migrate at a time. */
const MIGRATION_LOCK_KEY = 7_264_591_331;

/**
 * Applies the pending migrations in one transaction that first takes the migration lock. The lock
 * is transaction-level, so this works through a pooler in transaction mode (PgBouncer), where a
 * session-level lock and its unlock could land on different server connections. The pending list
 * is read after the lock: an instance that waited sees what the first one applied.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = await new DataSource({ ...postgresOptions(url), migrations: await loadMigrations(), extra: { max: 1 } }).initialize();
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.startTransaction();
    await queryRunner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    const executor = new MigrationExecutor(dataSource, queryRunner);
    executor.transaction = 'all';
    const applied = await executor.executePendingMigrations();
    await queryRunner.commitTransaction();
    return applied.map((migration) => migration.name);
  } catch (error) {
    if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await queryRunner.release();
    await dataSource.destroy();
  }
}
