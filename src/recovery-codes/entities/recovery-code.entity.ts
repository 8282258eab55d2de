import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';

export enum RecoveryCodeStatus {
  /** Shown to the user, not yet confirmed as saved: does not work yet. */
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
}

@Entity({ name: 'recovery_codes' })
@Check('recovery_codes_status_check', "status IN ('PENDING', 'ACTIVE')")
@Index('recovery_codes_user_status_idx', ['userId', 'status'])
// The codes the re-keying job has still to do.
@Index('recovery_codes_legacy_hash', ['id'], { where: 'hash_version = 1' })
export class RecoveryCodeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey(() => UserEntity, { name: 'recovery_codes_user_id_fkey', onDelete: 'CASCADE' })
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

  /** When the user was told few codes of this set remain (RecoveryCodesService.claimLowWarning); once per set. */
  @Column({ name: 'low_warning_sent_at', type: 'timestamptz', nullable: true })
  lowWarningSentAt: Date | null;
}
