import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, Not, QueryFailedError, Repository } from 'typeorm';
import { AppError, ErrorCode } from '../common/app-error';
import { Clock } from '../common/clock';
import type { Language } from '../common/language';
import { UserEntity } from './entities/user.entity';
import { normaliseEmail } from './utils/normalise-email.util';

/** What an account is made of at sign-up; the password arrives already hashed. */
export interface NewUser {
  email: string;
  name: string | null;
  passwordHash: string;
  /** The language of the sign-up request, when it named one of ours. */
  language: Language | null;
}

/** The users table: the only place that reads or writes it (the guard's session query aside). */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly clock: Clock,
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** The user, who must exist (an id taken from a live session). */
  findByIdOrFail(id: string): Promise<UserEntity> {
    return this.users.findOneByOrFail({ id });
  }

  findByIds(ids: readonly string[]): Promise<UserEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.users.findBy({ id: In([...ids]) });
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email: normaliseEmail(email) });
  }

  /** Inserts the account inside the caller's transaction; an email already taken is CONFLICT. */
  async create(newUser: NewUser, db: EntityManager): Promise<UserEntity> {
    const user = db.create(UserEntity, {
      email: normaliseEmail(newUser.email),
      name: newUser.name,
      passwordHash: newUser.passwordHash,
      twoFactorEnabledAt: null,
      language: newUser.language,
      createdAt: this.clock.now(),
    });
    try {
      await db.insert(UserEntity, user);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AppError(ErrorCode.CONFLICT, 'An account with this email already exists. Sign in instead.');
      }
      throw error;
    }
    return user;
  }

  async setPasswordHash(userId: string, passwordHash: string, db: EntityManager): Promise<void> {
    await db.update(UserEntity, { id: userId }, { passwordHash });
  }

  /** Remembers the language of a sign-in; written only when it changed, so most logins write nothing. */
  async rememberLanguage(user: Pick<UserEntity, 'id' | 'language'>, language: Language | null | undefined): Promise<void> {
    if (!language || language === user.language) return;
    await this.users.update({ id: user.id }, { language });
  }

  /**
   * Records that the account read something mailed to its login email (a code, a reset link, an
   * invitation link); the first time counts. In the caller's transaction when one is given.
   */
  async confirmEmail(userId: string, db: EntityManager = this.users.manager): Promise<void> {
    await db.update(UserEntity, { id: userId, emailVerifiedAt: IsNull() }, { emailVerifiedAt: this.clock.now() });
  }

  async isEmailConfirmed(userId: string): Promise<boolean> {
    return this.users.existsBy({ id: userId, emailVerifiedAt: Not(IsNull()) });
  }

  /** The account's 2FA switch; the two-factor module calls it inside its own transaction. */
  async setTwoFactorEnabled(userId: string, enabledAt: Date | null, db: EntityManager): Promise<void> {
    await db.update(UserEntity, { id: userId }, { twoFactorEnabledAt: enabledAt });
  }

  /**
   * When 2FA was turned on (null: off), read with the user's row locked until the caller's
   * transaction ends: whatever the caller adds to the account cannot cross a concurrent disable
   * or admin reset, which change this row first.
   */
  async lockTwoFactorState(userId: string, db: EntityManager): Promise<Date | null> {
    const user = await db.findOne(UserEntity, { where: { id: userId }, select: { id: true, twoFactorEnabledAt: true }, lock: { mode: 'pessimistic_write' } });
    return user?.twoFactorEnabledAt ?? null;
  }

  /**
   * Turns 2FA off only if it is on; false when it already was off. The conditional UPDATE locks the
   * user row until commit, so of two concurrent callers exactly one sees `true`.
   */
  async turnTwoFactorOffIfOn(userId: string, db: EntityManager): Promise<boolean> {
    const result = await db.update(UserEntity, { id: userId, twoFactorEnabledAt: Not(IsNull()) }, { twoFactorEnabledAt: null });
    return (result.affected ?? 0) === 1;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}
