import { Column, Entity, PrimaryColumn } from 'typeorm';

export type WebAuthnCeremony = 'REGISTRATION' | 'AUTHENTICATION';

/** A challenge handed to a browser, waiting for its one answer (any instance may receive it). */
@Entity({ name: 'webauthn_challenges' })
export class WebAuthnChallengeEntity {
  /** base64url of 32 random bytes, exactly as it comes back in clientDataJSON. */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  challenge: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 16 })
  ceremony: WebAuthnCeremony;

  /** The pending session a login challenge was given to; null for registration. */
  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
