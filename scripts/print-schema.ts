import { rmSync, writeFileSync } from 'node:fs';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/app-config';
import { runMigrations } from '../src/database/data-source-options';
import { createTempDataDir, startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { printSchemaFile } from '../src/graphql/schema-printer';

/** `npm run schema:print`: boots the app on a throwaway database and writes schema.gql. */
async function printSchemaToFile(): Promise<void> {
  const dataDir = createTempDataDir('schema-print-');
  const database = await startEmbeddedPostgres({ dataDir, persistent: false });
  try {
    await runMigrations(database.url);
    const app = await createApp({ ...loadConfig({}), databaseUrl: database.url, encryptionKey: 'A'.repeat(43) + '=', dataDir }, { logger: false });
    await app.init();
    writeFileSync('schema.gql', printSchemaFile(app.get(GraphQLSchemaHost).schema));
    await app.close();
    console.log('Wrote schema.gql');
  } finally {
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void printSchemaToFile();
