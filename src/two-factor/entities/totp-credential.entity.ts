import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';

/** A user's authenticator app: its secret (encrypted) and the newest time step it was accepted at. */
@Entity({ name: 'totp_credentials' })
export class TotpCredentialEntity {
  @ForeignKey(() => UserEntity, { name: 'totp_credentials_user_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** AES-256-GCM, see secret-cipher.util.ts. */
  @Column({ name: 'encrypted_secret', type: 'text' })
  encryptedSecret: string;

  /** A code is accepted only for a step after this one: each code works once. */
  @Column({ name: 'last_used_step', type: 'bigint' })
  lastUsedStep: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** A new phone's secret (encrypted like encryptedSecret) until a code from it confirms the move. */
  @Column({ name: 'replacement_encrypted_secret', type: 'text', nullable: true })
  replacementEncryptedSecret: string | null;

  @Column({ name: 'replacement_expires_at', type: 'timestamptz', nullable: true })
  replacementExpiresAt: Date | null;
}
