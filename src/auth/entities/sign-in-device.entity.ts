import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';

/**
 * A (device, place) pair an account reached a full session from, and when it last did: a sign-in
 * from a pair unseen for 90 days is mailed to the user (SignInAlertsService). '' stands for an
 * unknown device or place, so that the pair can be the primary key.
 */
@Entity({ name: 'sign_in_devices' })
export class SignInDeviceEntity {
  @ForeignKey(() => UserEntity, { name: 'sign_in_devices_user_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** deviceName of the user agent, '' when it has none. */
  @PrimaryColumn({ type: 'varchar', length: 200 })
  device: string;

  /** locationOf the address, '' when it has none. */
  @PrimaryColumn({ type: 'varchar', length: 200 })
  location: string;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;

  /**
   * last_seen_at as it was before the latest sign-in, set by the same upsert: of two concurrent
   * sign-ins from a pair, the second sees the first's time here, so only one of them alerts.
   */
  @Column({ name: 'previous_seen_at', type: 'timestamptz', nullable: true })
  previousSeenAt: Date | null;
}
