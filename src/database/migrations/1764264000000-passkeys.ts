import type { MigrationInterface, QueryRunner } from 'typeorm';

/** WebAuthn credentials (passkeys, security keys) and the challenges of ceremonies in progress. */
export class Passkeys1764264000000 implements MigrationInterface {
  name = 'Passkeys1764264000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE passkeys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        credential_id varchar(1024) NOT NULL UNIQUE,
        public_key bytea NOT NULL,
        sign_count bigint NOT NULL,
        transports text[] NOT NULL DEFAULT '{}',
        backed_up boolean NOT NULL,
        name varchar(64) NOT NULL,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz
      )`);
    await db.query(`CREATE INDEX passkeys_user_id_idx ON passkeys (user_id)`);
    await db.query(`
      CREATE TABLE webauthn_challenges (
        challenge varchar(128) PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        ceremony varchar(16) NOT NULL CHECK (ceremony IN ('REGISTRATION', 'AUTHENTICATION')),
        session_id uuid,
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX webauthn_challenges_expires_at_idx ON webauthn_challenges (expires_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE webauthn_challenges`);
    await db.query(`DROP TABLE passkeys`);
  }
}
