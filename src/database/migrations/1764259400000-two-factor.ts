import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TwoFactor1764259400000 implements MigrationInterface {
  name = 'TwoFactor1764259400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE totp_credentials (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        encrypted_secret text NOT NULL,
        last_used_step bigint NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE two_factor_setups (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        step varchar(32) NOT NULL CHECK (step IN ('EMAIL_VERIFICATION', 'AUTHENTICATOR_APP', 'RECOVERY_CODES')),
        email varchar(254) NOT NULL,
        email_code_hash bytea,
        email_code_sent_at timestamptz NOT NULL,
        email_code_expires_at timestamptz NOT NULL,
        email_code_failures int NOT NULL DEFAULT 0,
        encrypted_secret text,
        confirmed_step bigint,
        started_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE recovery_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash bytea NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('PENDING', 'ACTIVE')),
        created_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await db.query(`CREATE INDEX recovery_codes_user_status_idx ON recovery_codes (user_id, status)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE recovery_codes`);
    await db.query(`DROP TABLE two_factor_setups`);
    await db.query(`DROP TABLE totp_credentials`);
  }
}
