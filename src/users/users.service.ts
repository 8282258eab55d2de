import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '../common/app-error';
import { Clock } from '../common/clock';
import type { Language } from '../common/language';
import { UserEntity } from './entities/user.entity';
import { UsersRepository } from './users.repository';
import { normaliseEmail } from './utils/normalise-email.util';

/** What an account is made of at sign-up; the password arrives already hashed. */
export interface NewUser {
  email: string;
  name: string | null;
  passwordHash: string;
  /** The language of the sign-up request, when it named one of ours. */
  language: Language | null;
}

/**
 * Accounts: the rules of the users table (emails normalised, a taken email is CONFLICT, a language
 * written only when it changed). Its statements are UsersRepository's.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly clock: Clock,
  ) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findById(id);
  }

  /** The user, who must exist (an id taken from a live session). */
  findByIdOrFail(id: string): Promise<UserEntity> {
    return this.users.findByIdOrFail(id);
  }

  findByIds(ids: readonly string[]): Promise<UserEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.users.findByIds(ids);
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findByEmail(normaliseEmail(email));
  }

  /** Inserts the account inside the caller's transaction; an email already taken is CONFLICT. */
  async create(newUser: NewUser, db: EntityManager): Promise<UserEntity> {
    const user = await this.users.insert(
      {
        email: normaliseEmail(newUser.email),
        name: newUser.name,
        passwordHash: newUser.passwordHash,
        twoFactorEnabledAt: null,
        language: newUser.language,
        emailVerifiedAt: null,
        createdAt: this.clock.now(),
      },
      db,
    );
    if (!user) throw new AppError(ErrorCode.CONFLICT, 'An account with this email already exists. Sign in instead.');
    return user;
  }

  setPasswordHash(userId: string, passwordHash: string, db: EntityManager): Promise<void> {
    return this.users.setPasswordHash(userId, passwordHash, db);
  }

  /** Remembers the language of a sign-in; written only when it changed, so most logins write nothing. */
  async rememberLanguage(user: Pick<UserEntity, 'id' | 'language'>, language: Language | null | undefined): Promise<void> {
    if (!language || language === user.language) return;
    await this.users.setLanguage(user.id, language);
  }

  /**
   * Records that the account read something mailed to its login email (a code, a reset link, an
   * invitation link); the first time counts. In the caller's transaction when one is given.
   */
  confirmEmail(userId: string, db?: EntityManager): Promise<void> {
    return this.users.markEmailVerified(userId, this.clock.now(), db);
  }

  isEmailConfirmed(userId: string): Promise<boolean> {
    return this.users.isEmailVerified(userId);
  }

  /** The account's 2FA switch; the two-factor module calls it inside its own transaction. */
  setTwoFactorEnabled(userId: string, enabledAt: Date | null, db: EntityManager): Promise<void> {
    return this.users.setTwoFactorEnabledAt(userId, enabledAt, db);
  }

  /**
   * When 2FA was turned on (null: off), read with the user's row locked until the caller's
   * transaction ends: whatever the caller adds to the account cannot cross a concurrent disable
   * or admin reset, which change this row first.
   */
  lockTwoFactorState(userId: string, db: EntityManager): Promise<Date | null> {
    return this.users.lockTwoFactorEnabledAt(userId, db);
  }

  /**
   * Turns 2FA off only if it is on; false when it already was off. The conditional UPDATE locks the
   * user row until commit, so of two concurrent callers exactly one sees `true`.
   */
  turnTwoFactorOffIfOn(userId: string, db: EntityManager): Promise<boolean> {
    return this.users.clearTwoFactorIfEnabled(userId, db);
  }
}
