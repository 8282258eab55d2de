import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * New-sign-in alerts: the (device, place) pairs each account signed in from, and the hashed tokens
 * of the mailed 'This wasn't me' links.
 */
export class SignInAlerts1764300100000 implements MigrationInterface {
  name = 'SignInAlerts1764300100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE sign_in_devices (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        device varchar(200) NOT NULL,
        location varchar(200) NOT NULL,
        first_seen_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        previous_seen_at timestamptz,
        PRIMARY KEY (user_id, device, location)
      )`);
    await db.query(`
      CREATE TABLE sign_in_reports (
        token_hash bytea PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        session_id uuid NOT NULL,
        device varchar(200) NOT NULL,
        location varchar(200) NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX sign_in_reports_user_id_idx ON sign_in_reports (user_id)`);
    await db.query(`CREATE INDEX sign_in_reports_expires_at_idx ON sign_in_reports (expires_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE sign_in_reports`);
    await db.query(`DROP TABLE sign_in_devices`);
  }
}
