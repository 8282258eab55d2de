import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Organizations1764259300000 implements MigrationInterface {
  name = 'Organizations1764259300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        require_two_factor boolean NOT NULL DEFAULT false,
        two_factor_grace_period_hours int NOT NULL DEFAULT 0
          CHECK (two_factor_grace_period_hours BETWEEN 0 AND 720),
        require_two_factor_since timestamptz,
        settings_updated_at timestamptz,
        settings_updated_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL,
        -- The deadline is computed from the since-time, so it exists exactly while 2FA is required.
        CONSTRAINT organizations_require_two_factor_since_check
          CHECK (require_two_factor = (require_two_factor_since IS NOT NULL))
      )`);
    await db.query(`
      CREATE TABLE organization_memberships (
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role varchar(16) NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER')),
        joined_at timestamptz NOT NULL,
        PRIMARY KEY (organization_id, user_id)
      )`);
    // The guard asks for a user's organizations on every request of a user without 2FA.
    await db.query(`CREATE INDEX organization_memberships_user_id_idx ON organization_memberships (user_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE organization_memberships`);
    await db.query(`DROP TABLE organizations`);
  }
}
