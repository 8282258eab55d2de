import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum RecoveryCodeStatus {
  /** Shown to the user, not yet confirmed as saved: does not work yet. */
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
}

@Entity({ name: 'recovery_codes' })
@Index(['userId', 'status'])
export class RecoveryCodeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** A hash of the canonical code, made as `hashVersion` says (see recovery-code.util). */
  @Column({ name: 'code_hash', type: 'bytea' })
  codeHash: Buffer;

  @Column({ name: 'hash_version', type: 'smallint', default: 1 })
  hashVersion: number;

  @Column({ type: 'varchar', length: 16 })
  status: RecoveryCodeStatus;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
