import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The store of rate-limiter-flexible (its own layout), shared by every instance of the service. */
export class RateLimits1764259500000 implements MigrationInterface {
  name = 'RateLimits1764259500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE rate_limits (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE rate_limits`);
  }
}
