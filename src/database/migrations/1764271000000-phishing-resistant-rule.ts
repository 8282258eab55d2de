import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organizations that accept only phishing-resistant factors (passkeys, security keys) for a role,
 * and sessions that remember whether their second factor was a passkey: under the rule, only those
 * stay unrestricted.
 */
export class PhishingResistantRule1764271000000 implements MigrationInterface {
  name = 'PhishingResistantRule1764271000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE organizations
      ADD COLUMN admin_second_factors varchar(24) NOT NULL DEFAULT 'ANY',
      ADD COLUMN member_second_factors varchar(24) NOT NULL DEFAULT 'ANY',
      ADD COLUMN phishing_resistant_since timestamptz`);
    await db.query(`ALTER TABLE organizations ADD CONSTRAINT organizations_second_factors_check
      CHECK (admin_second_factors IN ('ANY', 'PHISHING_RESISTANT') AND member_second_factors IN ('ANY', 'PHISHING_RESISTANT'))`);
    await db.query(`ALTER TABLE organizations ADD CONSTRAINT organizations_phishing_resistant_since_check
      CHECK ((admin_second_factors = 'PHISHING_RESISTANT' OR member_second_factors = 'PHISHING_RESISTANT') = (phishing_resistant_since IS NOT NULL))`);
    await db.query(`ALTER TABLE sessions ADD COLUMN passkey_verified boolean NOT NULL DEFAULT false`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE sessions DROP COLUMN passkey_verified`);
    await db.query(`ALTER TABLE organizations DROP CONSTRAINT organizations_phishing_resistant_since_check`);
    await db.query(`ALTER TABLE organizations DROP CONSTRAINT organizations_second_factors_check`);
    await db.query(`ALTER TABLE organizations DROP COLUMN phishing_resistant_since, DROP COLUMN member_second_factors, DROP COLUMN admin_second_factors`);
  }
}
