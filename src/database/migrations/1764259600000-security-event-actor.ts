import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who made a change when it is not the account it happened to (an admin removing a member). */
export class SecurityEventActor1764259600000 implements MigrationInterface {
  name = 'SecurityEventActor1764259600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE security_events ADD COLUMN actor_user_id uuid REFERENCES users(id) ON DELETE SET NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE security_events DROP COLUMN actor_user_id`);
  }
}
