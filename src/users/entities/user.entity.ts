import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Language } from '../../common/language';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Trimmed and lower-cased at sign-up; unique. */
  @Column({ type: 'varchar', length: 254, unique: true })
  email: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  name: string | null;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  /** The account's 2FA switch, kept here so the guard learns it with the session; the secret lives in two-factor. */
  @Column({ name: 'two_factor_enabled_at', type: 'timestamptz', nullable: true })
  twoFactorEnabledAt: Date | null;

  /** The language of the last sign-in (its Accept-Language), for mail sent outside the user's own requests. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  language: Language | null;

  /** When the account first proved it reads its login email (an emailed code or link); sign-up proves nothing. */
  @Column({ name: 'email_verified_at', type: 'timestamptz', nullable: true })
  emailVerifiedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
