import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresOptions } from '../src/database/data-source-options';
import { createTestDatabase } from './support/test-app';

const SRC = join(__dirname, '..', 'src');

/** The entity classes the CLI's DataSource finds (ormconfig.ts: src/**\/*.entity.js). */
async function loadEntities(): Promise<Function[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.entity.ts'));
  const modules: Array<Record<string, unknown>> = await Promise.all(files.map((file) => import(join(SRC, file))));
  return modules.flatMap((module) => Object.values(module).filter((value): value is Function => typeof value === 'function'));
}

describe('migrations and entities', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    const url = await createTestDatabase();
    dataSource = await new DataSource({ ...postgresOptions(url), entities: await loadEntities() }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('finds every entity of src/', () => {
    expect(dataSource.entityMetadatas.map((metadata) => metadata.tableName).sort()).toEqual([
      'organization_invitations',
      'organization_memberships',
      'organization_webhooks',
      'organizations',
      'passkeys',
      'recovery_codes',
      'security_events',
      'sessions',
      'sign_in_devices',
      'sign_in_reports',
      'totp_credentials',
      'trusted_devices',
      'two_factor_setups',
      'users',
      'webauthn_challenges',
      'webhook_deliveries',
    ]);
  });

  // What `typeorm migration:generate --check` runs: a migrated database needs no new migration.
  it('describe the same schema: a migrated database needs no new migration', async () => {
    const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
    expect(upQueries.map((query) => query.query)).toEqual([]);
  });
});
