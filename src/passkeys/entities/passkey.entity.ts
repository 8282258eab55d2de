import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';

/** A WebAuthn credential registered as a second factor: its public key and the last sign counter seen. */
@Entity({ name: 'passkeys' })
export class PasskeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('passkeys_user_id_idx')
  @ForeignKey(() => UserEntity, { name: 'passkeys_user_id_fkey', onDelete: 'CASCADE' })
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** base64url of the authenticator's credential id, as it comes back in every assertion. */
  @Column({ name: 'credential_id', type: 'varchar', length: 1024, unique: true })
  credentialId: string;

  /** COSE public key. */
  @Column({ name: 'public_key', type: 'bytea' })
  publicKey: Buffer;

  /** Only ever rises, unless the authenticator always says 0 (synced passkeys): a lower one means a clone. */
  @Column({ name: 'sign_count', type: 'bigint' })
  signCount: string;

  @Column({ type: 'text', array: true, default: [] })
  transports: string[];

  @Column({ name: 'backed_up', type: 'boolean' })
  backedUp: boolean;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  /** A resident key (the browser's credProps.rk): it can sign in alone, found by its id and user handle. */
  @Column({ type: 'boolean', default: false })
  discoverable: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}
