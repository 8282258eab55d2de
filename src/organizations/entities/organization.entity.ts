import { Check, Column, Entity, ForeignKey, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';
import type { AllowedSecondFactors } from '../models/allowed-second-factors.model';

@Entity({ name: 'organizations' })
@Check('organizations_two_factor_grace_period_hours_check', 'two_factor_grace_period_hours BETWEEN 0 AND 720')
@Check('organizations_require_two_factor_since_check', 'require_two_factor = (require_two_factor_since IS NOT NULL)')
@Check('organizations_second_factors_check', "admin_second_factors IN ('ANY', 'PHISHING_RESISTANT') AND member_second_factors IN ('ANY', 'PHISHING_RESISTANT')")
@Check(
  'organizations_phishing_resistant_since_check',
  "(admin_second_factors = 'PHISHING_RESISTANT' OR member_second_factors = 'PHISHING_RESISTANT') = (phishing_resistant_since IS NOT NULL)",
)
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

  /** Which factors satisfy the requirement for OWNER and ADMIN members, and for MEMBER members. */
  @Column({ name: 'admin_second_factors', type: 'varchar', length: 24, default: 'ANY' })
  adminSecondFactors: AllowedSecondFactors;

  @Column({ name: 'member_second_factors', type: 'varchar', length: 24, default: 'ANY' })
  memberSecondFactors: AllowedSecondFactors;

  /** When a role first had to use phishing-resistant factors; set exactly while one does. Grace periods count from it. */
  @Column({ name: 'phishing_resistant_since', type: 'timestamptz', nullable: true })
  phishingResistantSince: Date | null;

  @Column({ name: 'settings_updated_at', type: 'timestamptz', nullable: true })
  settingsUpdatedAt: Date | null;

  @ForeignKey(() => UserEntity, { name: 'organizations_settings_updated_by_fkey', onDelete: 'SET NULL' })
  @Column({ name: 'settings_updated_by', type: 'uuid', nullable: true })
  settingsUpdatedBy: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
