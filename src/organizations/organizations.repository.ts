import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, type Repository } from 'typeorm';
import { OrganizationEntity } from './entities/organization.entity';

/** The organization's security settings as one write: SecuritySettingsService derives them. */
export type OrganizationSettings = Pick<
  OrganizationEntity,
  | 'requireTwoFactor'
  | 'twoFactorGracePeriodHours'
  | 'requireTwoFactorSince'
  | 'adminSecondFactors'
  | 'memberSecondFactors'
  | 'phishingResistantSince'
  | 'settingsUpdatedAt'
  | 'settingsUpdatedBy'
>;

/** The organizations table's statements. */
@Injectable()
export class OrganizationsRepository {
  constructor(@InjectRepository(OrganizationEntity) private readonly organizations: Repository<OrganizationEntity>) {}

  /** Inserts the organization; the returned entity carries its new id. */
  async insert(values: Omit<OrganizationEntity, 'id'>, db: EntityManager = this.organizations.manager): Promise<OrganizationEntity> {
    const organization = db.create(OrganizationEntity, values);
    await db.insert(OrganizationEntity, organization);
    return organization;
  }

  findByIdOrFail(id: string): Promise<OrganizationEntity> {
    return this.organizations.findOneByOrFail({ id });
  }

  findByIds(ids: readonly string[]): Promise<OrganizationEntity[]> {
    return this.organizations.findBy({ id: In([...ids]) });
  }

  /** The organizations, by name (then id, so equal names keep one order). */
  findByIdsByName(ids: readonly string[]): Promise<OrganizationEntity[]> {
    return this.organizations.find({ where: { id: In([...ids]) }, order: { name: 'ASC', id: 'ASC' } });
  }

  /** SELECT … FOR UPDATE: the row stays locked until the caller's transaction ends; null when there is none. */
  lock(id: string, db: EntityManager): Promise<OrganizationEntity | null> {
    return db.findOne(OrganizationEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async updateSettings(id: string, settings: OrganizationSettings, db: EntityManager = this.organizations.manager): Promise<void> {
    await db.update(OrganizationEntity, { id }, settings);
  }
}
