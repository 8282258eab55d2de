import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A new WebAuthn challenge replaces the user's earlier one of the same ceremony (and session), so a
 * pending session asking again and again keeps one row: the replacing DELETE looks them up here.
 */
export class WebauthnChallengesByUser1764266000000 implements MigrationInterface {
  name = 'WebauthnChallengesByUser1764266000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX webauthn_challenges_user_id_ceremony_idx ON webauthn_challenges (user_id, ceremony)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX webauthn_challenges_user_id_ceremony_idx`);
  }
}
