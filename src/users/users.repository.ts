import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, IsNull, Not, QueryFailedError, type Repository } from 'typeorm';
import type { Language } from '../common/language';
import { UserEntity } from './entities/user.entity';

/**
 * The users table's statements, the only ones besides the guard's session query; UsersService holds
 * the rules (normalising, CONFLICT, when to write).
 */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findByIdOrFail(id: string): Promise<UserEntity> {
    return this.users.findOneByOrFail({ id });
  }

  findByIds(ids: readonly string[]): Promise<UserEntity[]> {
    return this.users.findBy({ id: In([...ids]) });
  }

  /** By the stored (normalised) email. */
  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email });
  }

  /** Inserts the account; null when its email is taken (the unique index refused it). */
  async insert(values: Omit<UserEntity, 'id'>, db: EntityManager = this.users.manager): Promise<UserEntity | null> {
    const user = db.create(UserEntity, values);
    try {
      await db.insert(UserEntity, user);
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    return user;
  }

  async setPasswordHash(userId: string, passwordHash: string, db: EntityManager = this.users.manager): Promise<void> {
    await db.update(UserEntity, { id: userId }, { passwordHash });
  }

  async setLanguage(userId: string, language: Language): Promise<void> {
    await this.users.update({ id: userId }, { language });
  }

  /** Conditional: only the first confirmation is recorded. */
  async markEmailVerified(userId: string, at: Date, db: EntityManager = this.users.manager): Promise<void> {
    await db.update(UserEntity, { id: userId, emailVerifiedAt: IsNull() }, { emailVerifiedAt: at });
  }

  isEmailVerified(userId: string): Promise<boolean> {
    return this.users.existsBy({ id: userId, emailVerifiedAt: Not(IsNull()) });
  }

  async setTwoFactorEnabledAt(userId: string, enabledAt: Date | null, db: EntityManager = this.users.manager): Promise<void> {
    await db.update(UserEntity, { id: userId }, { twoFactorEnabledAt: enabledAt });
  }

  /** SELECT … FOR UPDATE of the user's 2FA switch: the row stays locked until the caller's transaction ends. */
  async lockTwoFactorEnabledAt(userId: string, db: EntityManager): Promise<Date | null> {
    const user = await db.findOne(UserEntity, { where: { id: userId }, select: { id: true, twoFactorEnabledAt: true }, lock: { mode: 'pessimistic_write' } });
    return user?.twoFactorEnabledAt ?? null;
  }

  /** Conditional: turns 2FA off only where it is on; true when this call changed the row. */
  async clearTwoFactorIfEnabled(userId: string, db: EntityManager): Promise<boolean> {
    const result = await db.update(UserEntity, { id: userId, twoFactorEnabledAt: Not(IsNull()) }, { twoFactorEnabledAt: null });
    return (result.affected ?? 0) === 1;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}
