import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountsAndSessions1764259200000 implements MigrationInterface {
  name = 'AccountsAndSessions1764259200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email varchar(254) NOT NULL UNIQUE,
        name varchar(100),
        password_hash text NOT NULL,
        two_factor_enabled_at timestamptz,
        created_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE,
        level varchar(16) NOT NULL CHECK (level IN ('PASSWORD', 'FULL')),
        second_factor_failures int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        ip_address varchar(64),
        user_agent varchar(512)
      )`);
    await db.query(`CREATE INDEX sessions_user_id_idx ON sessions (user_id) WHERE revoked_at IS NULL`);
    await db.query(`
      CREATE TABLE trusted_devices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE,
        name varchar(200),
        created_at timestamptz NOT NULL,
        last_used_at timestamptz,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await db.query(`CREATE INDEX trusted_devices_user_id_idx ON trusted_devices (user_id)`);
    await db.query(`
      CREATE TABLE security_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        type varchar(64) NOT NULL,
        user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        organization_id uuid,
        ip_address varchar(64),
        user_agent varchar(512),
        occurred_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX security_events_user_idx ON security_events (user_id, id DESC)`);
    await db.query(`CREATE INDEX security_events_organization_idx ON security_events (organization_id, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE security_events`);
    await db.query(`DROP TABLE trusted_devices`);
    await db.query(`DROP TABLE sessions`);
    await db.query(`DROP TABLE users`);
  }
}
