import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions, type MigrationInterface } from 'typeorm';

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

export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = await new DataSource({ ...postgresOptions(url), migrations: await loadMigrations(), extra: { max: 1 } }).initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    await dataSource.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
