import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Moving the authenticator to a new phone: the new secret waits beside the old one (which keeps
 * working) until a code from the new app confirms it, or the move expires.
 */
export class AuthenticatorReplacement1764290100000 implements MigrationInterface {
  name = 'AuthenticatorReplacement1764290100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE totp_credentials ADD COLUMN replacement_encrypted_secret text, ADD COLUMN replacement_expires_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE totp_credentials DROP COLUMN replacement_encrypted_secret, DROP COLUMN replacement_expires_at`);
  }
}
