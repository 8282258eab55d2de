import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The language of the user's last sign-in, for mail sent outside their own requests (an admin's action, a reminder). */
export class UserLanguage1764259700000 implements MigrationInterface {
  name = 'UserLanguage1764259700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN language varchar(8)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users DROP COLUMN language`);
  }
}
