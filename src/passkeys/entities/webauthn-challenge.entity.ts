import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';

/** SIGN_IN: the one-step passkey sign-in, whose challenge is handed out before anyone is known. */
export type WebAuthnCeremony = 'REGISTRATION' | 'AUTHENTICATION' | 'SIGN_IN';

/** A challenge handed to a browser, waiting for its one answer (any instance may receive it). */
@Entity({ name: 'webauthn_challenges' })
@Check(
  'webauthn_challenges_ceremony_check',
  "ceremony IN ('REGISTRATION', 'AUTHENTICATION') AND user_id IS NOT NULL OR ceremony = 'SIGN_IN' AND user_id IS NULL",
)
// A new challenge replaces the user's earlier one of the same ceremony: the DELETE finds it here.
@Index('webauthn_challenges_user_id_ceremony_idx', ['userId', 'ceremony'])
export class WebAuthnChallengeEntity {
  /** base64url of 32 random bytes, exactly as it comes back in clientDataJSON. */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  challenge: string;

  @ForeignKey(() => UserEntity, { name: 'webauthn_challenges_user_id_fkey', onDelete: 'CASCADE' })
  /** Null only for a SIGN_IN challenge. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 16 })
  ceremony: WebAuthnCeremony;

  /** The pending session a login challenge was given to; null for registration. */
  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId: string | null;

  @Index('webauthn_challenges_expires_at_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
