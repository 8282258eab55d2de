import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';

/** A browser that may skip the second factor at login until it expires or is revoked. */
@Entity({ name: 'trusted_devices' })
export class TrustedDeviceEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('trusted_devices_user_id_idx')
  @ForeignKey(() => UserEntity, { name: 'trusted_devices_user_id_fkey', onDelete: 'CASCADE' })
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** SHA-256 of the device token. */
  @Column({ name: 'token_hash', type: 'bytea', unique: true })
  tokenHash: Buffer;

  /** A label from the user agent, so the user recognises the device in a list. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  name: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Index('trusted_devices_expires_at_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
