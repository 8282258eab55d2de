import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invitations by email, and what the 2FA requirement needs per member: a reminder mailed once a
 * day before each member's own deadline (which counts from the later of the requirement's start
 * and the member's joining).
 */
export class OrganizationInvitations1764263100000 implements MigrationInterface {
  name = 'OrganizationInvitations1764263100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE organization_invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        email varchar(254) NOT NULL,
        role varchar(16) NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER')),
        status varchar(16) NOT NULL CHECK (status IN ('PENDING', 'ACCEPTED', 'REVOKED')),
        token_hash bytea NOT NULL UNIQUE,
        invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        accepted_by uuid REFERENCES users(id) ON DELETE SET NULL,
        closed_at timestamptz
      )`);
    // One pending invitation per address and organization: inviting again replaces it.
    await db.query(`
      CREATE UNIQUE INDEX organization_invitations_pending_idx
        ON organization_invitations (organization_id, email) WHERE status = 'PENDING'`);
    await db.query(`CREATE INDEX organization_invitations_email_idx ON organization_invitations (email)`);
    await db.query(`CREATE INDEX organization_invitations_expires_at_idx ON organization_invitations (expires_at)`);
    // The requirement start a reminder was last mailed for: a requirement turned off and on again reminds afresh.
    await db.query(`ALTER TABLE organization_memberships ADD COLUMN two_factor_reminder_for timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE organization_memberships DROP COLUMN two_factor_reminder_for`);
    await db.query(`DROP TABLE organization_invitations`);
  }
}
