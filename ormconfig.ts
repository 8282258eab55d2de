import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { postgresOptions } from './src/database/data-source-options';
import { startEmbeddedPostgres } from './src/database/embedded-postgres';

/**
 * The DataSource of the TypeORM CLI (`npm run migration:run`). Like the server, it uses DATABASE_URL
 * or, when unset, the embedded cluster under DATA_DIR.
 */
async function cliDataSource(): Promise<DataSource> {
  const config = loadConfig();
  const url = config.databaseUrl ?? (await startEmbeddedPostgres({ dataDir: config.dataDir, persistent: true })).url;
  return new DataSource(postgresOptions(url));
}

export default cliDataSource();
