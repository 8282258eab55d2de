import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the user was warned that few codes of this set remain: set on every code of the active set
 * at once by one conditional UPDATE, so a set warns once, even when two codes are used at the same
 * moment. A new set's rows start without it.
 */
export class RecoveryCodesLowWarning1764290000000 implements MigrationInterface {
  name = 'RecoveryCodesLowWarning1764290000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE recovery_codes ADD COLUMN low_warning_sent_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE recovery_codes DROP COLUMN low_warning_sent_at`);
  }
}
