import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recovery codes move from plain SHA-256 to a keyed hash bound to the user. The key comes from
 * ENCRYPTION_KEY, which a migration cannot rely on having (in development it lives in DATA_DIR and
 * the CLI may run without it), so this migration only marks existing rows as version 1; a
 * background job of the app (LegacyRecoveryCodesRekeyer) re-keys them from the stored hash after it
 * starts, and the app accepts them meanwhile. Rows written by an older instance during a rolling
 * deploy get the default, version 1, and are re-keyed the same way.
 */
export class RecoveryCodeHashVersion1764263000000 implements MigrationInterface {
  name = 'RecoveryCodeHashVersion1764263000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE recovery_codes ADD COLUMN hash_version smallint NOT NULL DEFAULT 1`);
    await db.query(`CREATE INDEX recovery_codes_legacy_hash ON recovery_codes (id) WHERE hash_version = 1`);
  }

  async down(db: QueryRunner): Promise<void> {
    // Keyed hashes cannot be turned back into SHA-256: after going down, re-keyed codes stop working
    // until their users reissue them.
    await db.query(`DROP INDEX recovery_codes_legacy_hash`);
    await db.query(`ALTER TABLE recovery_codes DROP COLUMN hash_version`);
  }
}
