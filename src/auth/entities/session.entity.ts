import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';

export enum SessionLevel {
  /** Password accepted, second factor still missing. */
  PASSWORD = 'PASSWORD',
  FULL = 'FULL',
}

@Entity({ name: 'sessions' })
@Check('sessions_level_check', "level IN ('PASSWORD', 'FULL')")
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('sessions_user_id_idx', { where: 'revoked_at IS NULL' })
  @ForeignKey(() => UserEntity, { name: 'sessions_user_id_fkey', onDelete: 'CASCADE' })
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** SHA-256 of the bearer token; the token itself is never stored. */
  @Column({ name: 'token_hash', type: 'bytea', unique: true })
  tokenHash: Buffer;

  @Column({ type: 'varchar', length: 16 })
  level: SessionLevel;

  /** The second factor was a passkey (or the sign-in was one): under a phishing-resistant rule, only such sessions stay unrestricted. */
  @Column({ name: 'passkey_verified', type: 'boolean', default: false })
  passkeyVerified: boolean;

  @Column({ name: 'second_factor_failures', type: 'int', default: 0 })
  secondFactorFailures: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;

  @Index('sessions_expires_at_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'ip_address', type: 'varchar', length: 64, nullable: true })
  ipAddress: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;
}
