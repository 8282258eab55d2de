import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TwoFactorRequirementService } from './two-factor-requirement.service';

/**
 * Mails the day-before reminders on the maintenance timer (DATA_PRUNE_INTERVAL_SECONDS; off under
 * NODE_ENV=test, where tests call sendDueTwoFactorReminders themselves). Every instance may run it:
 * each reminder is claimed by a conditional UPDATE, so it is mailed once however many run.
 */
@Injectable()
export class TwoFactorRemindersJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TwoFactorReminders');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly requirement: TwoFactorRequirementService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.dataPruneIntervalSeconds;
    if (seconds <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.requirement
        .sendDueTwoFactorReminders(this.clock.now())
        .catch((error: Error) => this.logger.error(`Reminders failed: ${error.message}`, error.stack))
        .finally(() => {
          this.running = undefined;
        });
    }, seconds * 1000);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
