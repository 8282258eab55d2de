import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';

/**
 * The 'This wasn't me' link of a new-sign-in mail: single use (spent by DELETE … RETURNING), 7 days.
 * Only the SHA-256 of its token is stored.
 */
@Entity({ name: 'sign_in_reports' })
export class SignInReportEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'bytea' })
  tokenHash: Buffer;

  @Index('sign_in_reports_user_id_idx')
  @ForeignKey(() => UserEntity, { name: 'sign_in_reports_user_id_fkey', onDelete: 'CASCADE' })
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** The session that signed in; no foreign key: the report outlives a pruned session and still ends the trusted devices. */
  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  /** The pair the sign-in came from, forgotten when reported, so that it alerts again. */
  @Column({ type: 'varchar', length: 200 })
  device: string;

  @Column({ type: 'varchar', length: 200 })
  location: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Index('sign_in_reports_expires_at_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
