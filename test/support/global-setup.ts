import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { createTempDataDir, startEmbeddedPostgres } from '../../src/database/embedded-postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server on which each test file creates a database of its own. */
    postgresAdminUrl: string;
    /** Set by `npm run test:pgbouncer`: the apps reach their databases through this pooler instead. */
    postgresPoolerUrl: string | undefined;
    /** Tells this run from the last one (see buildDistOnce). */
    testRunId: string;
  }
}

/**
 * One PostgreSQL for the whole run: TEST_DATABASE_URL's server when set, else a throwaway embedded
 * cluster. Dev data (DATA_DIR, DATABASE_URL) is never touched. TEST_DATABASE_POOLER_URL (a
 * PgBouncer in front of that server, see scripts/with-pgbouncer.ts) is where the apps connect.
 */
export default async function setup(project: TestProject) {
  project.provide('testRunId', randomUUID());
  project.provide('postgresPoolerUrl', process.env.TEST_DATABASE_POOLER_URL || undefined);
  if (process.env.TEST_DATABASE_URL) {
    project.provide('postgresAdminUrl', process.env.TEST_DATABASE_URL);
    return;
  }
  const dataDir = createTempDataDir('account-security-test-');
  const database = await startEmbeddedPostgres({ dataDir, persistent: false });
  project.provide('postgresAdminUrl', database.url);
  return async () => {
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
