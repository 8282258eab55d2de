import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { Clock } from './common/clock';
import { ResolverErrorFilter } from './common/resolver-error.filter';
import { createValidationPipe } from './common/validation';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { postgresOptions } from './database/data-source-options';
import { ExportsModule } from './exports/exports.module';
import { GraphQLApiModule } from './graphql/graphql-api.module';
import { Draining } from './health/draining';
import { HealthController } from './health/health.controller';
import { InvitationsModule } from './invitations/invitations.module';
import { MailModule } from './mail/mail.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { RecoveryCodesModule } from './recovery-codes/recovery-codes.module';
import { PasskeysModule } from './passkeys/passkeys.module';
import { TwoFactorModule } from './two-factor/two-factor.module';
import { UsersModule } from './users/users.module';
import { WebhooksModule } from './webhooks/webhooks.module';

export interface AppOverrides {
  /** Tests choose the time. */
  clock?: Clock;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: AppOverrides = {}): DynamicModule {
    if (!config.databaseUrl) throw new Error('AppModule needs a database URL (main.ts starts the embedded one when DATABASE_URL is unset)');
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, overrides.clock),
        TypeOrmModule.forRoot({ ...postgresOptions(config.databaseUrl), autoLoadEntities: true }),
        GraphQLApiModule,
        AuditModule,
        MailModule,
        UsersModule,
        AuthModule,
        OrganizationsModule,
        InvitationsModule,
        RecoveryCodesModule,
        TwoFactorModule,
        PasskeysModule,
        WebhooksModule,
        ExportsModule,
        MaintenanceModule,
        TerminusModule.forRoot({ errorLogStyle: 'json' }),
      ],
      controllers: [HealthController],
      providers: [
        Draining,
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ResolverErrorFilter },
      ],
    };
  }
}
