import { Check, Column, Entity, ForeignKey, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';

@Entity({ name: 'organizations' })
@Check('organizations_two_factor_grace_period_hours_check', 'two_factor_grace_period_hours BETWEEN 0 AND 720')
@Check('organizations_require_two_factor_since_check', 'require_two_factor = (require_two_factor_since IS NOT NULL)')
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

  @ForeignKey(() => UserEntity, { name: 'organizations_settings_updated_by_fkey', onDelete: 'SET NULL' })
  @Column({ name: 'settings_updated_by', type: 'uuid', nullable: true })
  settingsUpdatedBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
