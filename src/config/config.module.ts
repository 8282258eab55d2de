import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock';
import { PasskeyPresence } from '../common/passkey-presence';
import { APP_CONFIG, type AppConfig } from './app-config';

/** The validated configuration, the clock, and the passkey-presence question, available to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, clock?: Clock): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        clock ? { provide: Clock, useValue: clock } : { provide: Clock, useClass: SystemClock },
        PasskeyPresence,
      ],
      exports: [APP_CONFIG, Clock, PasskeyPresence],
    };
  }
}
