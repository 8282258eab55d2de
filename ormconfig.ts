import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { MIGRATIONS_DIR, postgresOptions } from './src/database/data-source-options';

/**
 * The DataSource of the TypeORM CLI (`npm run migration:run|show|generate`). Like the server's
 * migrations, it uses DATABASE_MIGRATION_URL, else DATABASE_URL or, when both are unset, the
 * embedded cluster under DATA_DIR. It sees the entities, so
 * `migration:generate` can compare them with the database.
 */
async function cliDataSource(): Promise<DataSource> {
  const config = loadConfig();
  let url = config.databaseMigrationUrl ?? config.databaseUrl;
  if (!url) {
    // The CLI exits when its command is done; the cluster stops with it (see startEmbeddedPostgres).
    const { startEmbeddedPostgres } = await import('./src/database/embedded-postgres.js');
    url = (await startEmbeddedPostgres({ dataDir: config.dataDir, persistent: true })).url;
  }
  return new DataSource({
    ...postgresOptions(url),
    entities: [join(__dirname, 'src', '**', '*.entity.js')],
    migrations: [join(MIGRATIONS_DIR, '*.js')],
  });
}

export default cliDataSource().catch((error: Error) => {
  // A one-line reason (e.g. the embedded database is in use by a running server), not a TypeError.
  console.error(error.name === 'ConfigError' || error.name === 'EmbeddedDatabaseError' ? error.message : error.stack);
  process.exit(1);
});
