import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** The password_reset_tokens table: one row per user, the hash of the newest link's token. */
@Injectable()
export class PasswordResetTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Saves the user's token hash; a newer one overwrites the row, which voids the older link. */
  async save(userId: string, tokenHash: Buffer, createdAt: Date, expiresAt: Date, db: EntityManager = this.dataSource.manager): Promise<void> {
    await db.query(
      `INSERT INTO password_reset_tokens (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`,
      [userId, tokenHash, createdAt, expiresAt],
    );
  }

  /** Whose token this is, without spending it; undefined when unknown. */
  async ownerOf(tokenHash: Buffer): Promise<string | undefined> {
    const [row] = (await this.dataSource.query(`SELECT user_id FROM password_reset_tokens WHERE token_hash = $1`, [tokenHash])) as Array<{ user_id: string }>;
    return row?.user_id;
  }

  /** Deletes the token's row and returns it (DELETE … RETURNING: of two concurrent uses, one gets it). */
  async take(tokenHash: Buffer, db: EntityManager): Promise<{ userId: string; expiresAt: Date } | undefined> {
    const [rows] = (await db.query(`DELETE FROM password_reset_tokens WHERE token_hash = $1 RETURNING user_id, expires_at`, [tokenHash])) as [
      Array<{ user_id: string; expires_at: Date }>,
      number,
    ];
    const row = rows[0];
    return row && { userId: row.user_id, expiresAt: row.expires_at };
  }
}
