import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';
import { TwoFactorSetupStep } from '../models/two-factor.models';

/** An enrollment in progress. Nothing here touches the account until the setup completes. */
@Entity({ name: 'two_factor_setups' })
@Check('two_factor_setups_step_check', "step IN ('EMAIL_VERIFICATION', 'AUTHENTICATOR_APP', 'RECOVERY_CODES')")
export class TwoFactorSetupEntity {
  @ForeignKey(() => UserEntity, { name: 'two_factor_setups_user_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 32 })
  step: TwoFactorSetupStep;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  /** HMAC of the emailed code; null once used or voided. */
  @Column({ name: 'email_code_hash', type: 'bytea', nullable: true })
  emailCodeHash: Buffer | null;

  @Column({ name: 'email_code_sent_at', type: 'timestamptz' })
  emailCodeSentAt: Date;

  @Column({ name: 'email_code_expires_at', type: 'timestamptz' })
  emailCodeExpiresAt: Date;

  @Column({ name: 'email_code_failures', type: 'int', default: 0 })
  emailCodeFailures: number;

  /** The new TOTP secret, encrypted, once the email is verified. */
  @Column({ name: 'encrypted_secret', type: 'text', nullable: true })
  encryptedSecret: string | null;

  /** The step of the code that confirmed the app; it stays used after the setup completes. */
  @Column({ name: 'confirmed_step', type: 'bigint', nullable: true })
  confirmedStep: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Index('two_factor_setups_expires_at_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
