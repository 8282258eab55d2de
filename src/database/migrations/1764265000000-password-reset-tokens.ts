import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * At most one live password-reset token per user (the primary key): a newer request replaces the
 * older token, which voids it. Only the SHA-256 of the token is stored.
 */
export class PasswordResetTokens1764265000000 implements MigrationInterface {
  name = 'PasswordResetTokens1764265000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE password_reset_tokens (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX password_reset_tokens_expires_at_idx ON password_reset_tokens (expires_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE password_reset_tokens`);
  }
}
