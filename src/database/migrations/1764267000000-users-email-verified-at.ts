import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the account proved it reads its login email (an emailed code, a reset link, an invitation
 * link). Sign-up proves nothing, so what is addressed to the email (pending invitations) waits for
 * it. Accounts with 2FA on entered an emailed code during setup: they count as confirmed then.
 */
export class UsersEmailVerifiedAt1764267000000 implements MigrationInterface {
  name = 'UsersEmailVerifiedAt1764267000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN email_verified_at timestamptz`);
    await db.query(`UPDATE users SET email_verified_at = two_factor_enabled_at WHERE two_factor_enabled_at IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users DROP COLUMN email_verified_at`);
  }
}
