import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'organizations' })
export class OrganizationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'require_two_factor', type: 'boolean', default: false })
  requireTwoFactor: boolean;

  @Column({ name: 'two_factor_grace_period_hours', type: 'int', default: 0 })
  twoFactorGracePeriodHours: number;

  /** When the requirement was turned on; set exactly while requireTwoFactor is true. */
  @Column({ name: 'require_two_factor_since', type: 'timestamptz', nullable: true })
  requireTwoFactorSince: Date | null;

  @Column({ name: 'settings_updated_at', type: 'timestamptz', nullable: true })
  settingsUpdatedAt: Date | null;

  @Column({ name: 'settings_updated_by', type: 'uuid', nullable: true })
  settingsUpdatedBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
