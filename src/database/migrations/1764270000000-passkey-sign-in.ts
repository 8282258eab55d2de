import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One-step passkey sign-in: a sign-in challenge is handed out before anyone is known (no user),
 * and a passkey says whether it is discoverable (a resident key, which can sign in without an email).
 */
export class PasskeySignIn1764270000000 implements MigrationInterface {
  name = 'PasskeySignIn1764270000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE passkeys ADD COLUMN discoverable boolean NOT NULL DEFAULT false`);
    await db.query(`ALTER TABLE webauthn_challenges ALTER COLUMN user_id DROP NOT NULL`);
    await db.query(`ALTER TABLE webauthn_challenges DROP CONSTRAINT webauthn_challenges_ceremony_check`);
    await db.query(
      `ALTER TABLE webauthn_challenges ADD CONSTRAINT webauthn_challenges_ceremony_check
         CHECK (ceremony IN ('REGISTRATION', 'AUTHENTICATION') AND user_id IS NOT NULL OR ceremony = 'SIGN_IN' AND user_id IS NULL)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM webauthn_challenges WHERE ceremony = 'SIGN_IN'`);
    await db.query(`ALTER TABLE webauthn_challenges DROP CONSTRAINT webauthn_challenges_ceremony_check`);
    await db.query(`ALTER TABLE webauthn_challenges ADD CONSTRAINT webauthn_challenges_ceremony_check CHECK (ceremony IN ('REGISTRATION', 'AUTHENTICATION'))`);
    await db.query(`ALTER TABLE webauthn_challenges ALTER COLUMN user_id SET NOT NULL`);
    await db.query(`ALTER TABLE passkeys DROP COLUMN discoverable`);
  }
}
