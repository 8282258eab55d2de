import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pruning job finds expired rows through these, batch by batch, instead of scanning tables.
 * (On a large live database, create them by hand with CREATE INDEX CONCURRENTLY first: this
 * migration then finds them there.)
 */
export class ExpiryIndexes1764262000000 implements MigrationInterface {
  name = 'ExpiryIndexes1764262000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX IF NOT EXISTS sessions_expires_at_idx ON sessions (expires_at)`);
    await db.query(`CREATE INDEX IF NOT EXISTS trusted_devices_expires_at_idx ON trusted_devices (expires_at)`);
    await db.query(`CREATE INDEX IF NOT EXISTS two_factor_setups_expires_at_idx ON two_factor_setups (expires_at)`);
    await db.query(`CREATE INDEX IF NOT EXISTS rate_limits_expire_idx ON rate_limits (expire)`);
    await db.query(`CREATE INDEX IF NOT EXISTS security_events_occurred_at_idx ON security_events (occurred_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX security_events_occurred_at_idx`);
    await db.query(`DROP INDEX rate_limits_expire_idx`);
    await db.query(`DROP INDEX two_factor_setups_expires_at_idx`);
    await db.query(`DROP INDEX trusted_devices_expires_at_idx`);
    await db.query(`DROP INDEX sessions_expires_at_idx`);
  }
}
