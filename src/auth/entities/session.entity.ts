import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum SessionLevel {
  /** Password accepted, second factor still missing. */
  PASSWORD = 'PASSWORD',
  FULL = 'FULL',
}

@Entity({ name: 'sessions' })
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** SHA-256 of the bearer token; the token itself is never stored. */
  @Column({ name: 'token_hash', type: 'bytea', unique: true })
  tokenHash: Buffer;

  @Column({ type: 'varchar', length: 16 })
  level: SessionLevel;

  @Column({ name: 'second_factor_failures', type: 'int', default: 0 })
  secondFactorFailures: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'ip_address', type: 'varchar', length: 64, nullable: true })
  ipAddress: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;
}
