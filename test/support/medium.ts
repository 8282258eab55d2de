import { randomBytes } from 'node:crypto';
import type { Provider, Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../../src/common/clock';
import { postgresOptions } from '../../src/database/data-source-options';
import { MailService } from '../../src/mail/mail.service';
import { OrganizationMembershipEntity } from '../../src/organizations/entities/organization-membership.entity';
import { OrganizationEntity } from '../../src/organizations/entities/organization.entity';
import { OrganizationRole } from '../../src/organizations/models/organization-role.model';
import { UserEntity } from '../../src/users/entities/user.entity';
import { FakeClock } from './fake-clock';
import { createTestDatabase } from './test-database';

/** A notice MailService.sendNotice was asked to send. */
export interface SentNotice {
  to: string;
  kind: string;
  values: Record<string, unknown>;
}

/** MailService as the services see it, keeping what they send instead of sending it. */
export class RecordingMail {
  readonly sent: SentNotice[] = [];
  sendNotice(to: string, kind: string, values: Record<string, unknown> = {}): void {
    this.sent.push({ to, kind, values });
  }
}

export interface MediumServices {
  get<T>(type: Type<T>): T;
  dataSource: DataSource;
  clock: FakeClock;
  mail: RecordingMail;
  fixtures: Fixtures;
  close(): Promise<void>;
}

/**
 * The medium tier's way in (as Immich's newMediumService): a fresh migrated database and a Nest
 * module of just the services under test, their entities, a FakeClock and a RecordingMail. No
 * HTTP, no guard, no other module: a failure points at these services and this SQL.
 */
export async function newMediumServices(options: { providers: Provider[]; entities: Type[] }): Promise<MediumServices> {
  const databaseUrl = await createTestDatabase();
  const clock = new FakeClock();
  const mail = new RecordingMail();
  const module: TestingModule = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ ...postgresOptions(databaseUrl), entities: options.entities }),
      TypeOrmModule.forFeature(options.entities),
    ],
    providers: [{ provide: Clock, useValue: clock }, { provide: MailService, useValue: mail }, ...options.providers],
  }).compile();
  await module.init();
  const dataSource = module.get(DataSource);
  return {
    get: (type) => module.get(type),
    dataSource,
    clock,
    mail,
    fixtures: new Fixtures(dataSource.manager, clock),
    close: () => module.close(),
  };
}

/** Rows written straight into the tables, for the states a test starts from. */
export class Fixtures {
  constructor(
    private readonly db: EntityManager,
    private readonly clock: Clock,
  ) {}

  async user(values: Partial<UserEntity> = {}): Promise<UserEntity> {
    const user = this.db.create(UserEntity, {
      email: `user-${randomBytes(6).toString('hex')}@example.com`,
      name: null,
      passwordHash: 'not a hash: these users never sign in',
      twoFactorEnabledAt: null,
      language: null,
      emailVerifiedAt: null,
      createdAt: this.clock.now(),
      ...values,
    });
    await this.db.insert(UserEntity, user);
    return user;
  }

  async organization(values: Partial<OrganizationEntity> = {}): Promise<OrganizationEntity> {
    // The columns left out take the table's defaults: no requirement, ANY factors.
    const { identifiers } = await this.db.insert(OrganizationEntity, { name: `Organization ${randomBytes(3).toString('hex')}`, createdAt: this.clock.now(), ...values });
    return this.db.findOneByOrFail(OrganizationEntity, { id: identifiers[0]!.id as string });
  }

  async membership(organization: { id: string }, user: { id: string }, values: { role?: OrganizationRole; joinedAt?: Date } = {}): Promise<void> {
    await this.db.insert(OrganizationMembershipEntity, {
      organizationId: organization.id,
      userId: user.id,
      role: values.role ?? OrganizationRole.MEMBER,
      joinedAt: values.joinedAt ?? this.clock.now(),
      twoFactorReminderFor: null,
    });
  }
}
