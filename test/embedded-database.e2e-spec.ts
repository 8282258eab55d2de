import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * With no DATABASE_URL the service starts its own PostgreSQL and talks to it over the cluster's
 * Unix socket (a query costs about a quarter less CPU than over TCP on loopback); PgBouncer and
 * tools that need a host and port still reach the same cluster over TCP.
 */
const onEmbeddedCluster = !process.env.TEST_DATABASE_URL;
/** `npm run test:pgbouncer`: the apps connect to PgBouncer, which connects to the cluster over TCP. */
const throughPooler = Boolean(process.env.TEST_DATABASE_POOLER_URL);
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('the embedded database', () => {
  it.runIf(onEmbeddedCluster)("is reached over its Unix socket: PostgreSQL sees no client address on the service's connections", async () => {
    const rows: Array<{ address: string | null }> = await t.app.get(DataSource).query('SELECT inet_client_addr()::text AS address');
    expect(rows).toEqual([{ address: null }]);
  });

  it.runIf(throughPooler)('is reached through PgBouncer over TCP when the tests run behind it: PostgreSQL sees its address', async () => {
    const rows: Array<{ address: string | null }> = await t.app.get(DataSource).query('SELECT inet_client_addr()::text AS address');
    expect(rows[0].address).not.toBeNull();
  });
});
