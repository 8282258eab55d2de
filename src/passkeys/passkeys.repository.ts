import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import type { SecondFactorSpend } from '../common/second-factor-spend';
import { PasskeyEntity } from './entities/passkey.entity';

/** What the browser is told of a user's passkeys: to exclude at registration, to allow at login. */
export type PasskeyDescriptor = Pick<PasskeyEntity, 'credentialId' | 'transports'>;

/** The passkeys table. */
@Injectable()
export class PasskeysRepository {
  constructor(@InjectRepository(PasskeyEntity) private readonly passkeys: Repository<PasskeyEntity>) {}

  /** Saves a new passkey (its id filled in); a credential id already registered fails with a unique violation. */
  async add(values: Omit<PasskeyEntity, 'id'>, db: EntityManager = this.passkeys.manager): Promise<PasskeyEntity> {
    const passkey = this.passkeys.create(values);
    await db.insert(PasskeyEntity, passkey);
    return passkey;
  }

  existsFor(userId: string): Promise<boolean> {
    return this.passkeys.existsBy({ userId });
  }

  descriptorsOf(userId: string): Promise<PasskeyDescriptor[]> {
    return this.passkeys.find({ where: { userId }, select: { credentialId: true, transports: true } });
  }

  listOf(userId: string): Promise<PasskeyEntity[]> {
    return this.passkeys.find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  countOf(userId: string, db: EntityManager = this.passkeys.manager): Promise<number> {
    return db.countBy(PasskeyEntity, { userId });
  }

  /** Passkeys of each user; users without any are absent. */
  async countByUser(userIds: readonly string[]): Promise<Map<string, number>> {
    const rows: Array<{ user_id: string; passkeys: number }> = await this.passkeys.query(
      'SELECT user_id, count(*)::int AS passkeys FROM passkeys WHERE user_id = ANY ($1::uuid[]) GROUP BY user_id',
      [userIds],
    );
    return new Map(rows.map((row) => [row.user_id, row.passkeys]));
  }

  isOwnedBy(id: string, userId: string, db: EntityManager = this.passkeys.manager): Promise<boolean> {
    return db.existsBy(PasskeyEntity, { id, userId });
  }

  /** The user's passkey with this id; it must exist. */
  getOwned(id: string, userId: string): Promise<PasskeyEntity> {
    return this.passkeys.findOneByOrFail({ id, userId });
  }

  findByCredential(credentialId: string): Promise<PasskeyEntity | null> {
    return this.passkeys.findOneBy({ credentialId });
  }

  findOwnedByCredential(userId: string, credentialId: string): Promise<PasskeyEntity | null> {
    return this.passkeys.findOneBy({ userId, credentialId });
  }

  /** False when the user has no passkey with this id. */
  async rename(id: string, userId: string, name: string): Promise<boolean> {
    const result = await this.passkeys.update({ id, userId }, { name });
    return Boolean(result.affected);
  }

  /** Deletes the user's passkey with this id: its name, or null when there was none. */
  async deleteOwned(id: string, userId: string, db: EntityManager = this.passkeys.manager): Promise<string | null> {
    const [rows] = (await db.query(`DELETE FROM passkeys WHERE id = $1 AND user_id = $2 RETURNING name`, [id, userId])) as [Array<{ name: string }>, number];
    return rows[0]?.name ?? null;
  }

  async deleteAllOf(userId: string, db: EntityManager = this.passkeys.manager): Promise<void> {
    await db.delete(PasskeyEntity, { userId });
  }
}

/** A passkey's use as it moves the stored counter: the answer verified against `storedCount`. */
export interface PasskeyUse {
  passkeyId: string;
  storedCount: number;
  newCounter: number;
  backedUp: boolean;
  usedAt: Date;
}

/** Moves the counter only if it is still the one the answer was verified against: of two uses of one answer, one changes the row. */
export function spendPasskeyCounter(use: PasskeyUse): SecondFactorSpend {
  return (statement, when) =>
    statement.with(
      'passkey_used',
      `UPDATE passkeys SET sign_count = ${statement.value(String(use.newCounter))}, last_used_at = ${statement.value(use.usedAt)}, backed_up = ${statement.value(use.backedUp)}
        WHERE id = ${statement.value(use.passkeyId)} AND sign_count = ${statement.value(String(use.storedCount))} AND ${when.sql}
       RETURNING 1`,
    );
}
