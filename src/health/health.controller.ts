import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../common/access.decorators';
import { MailService } from '../mail/mail.service';
import { Draining } from './draining';

/**
 * Liveness says the process answers (restart it if not); readiness says it can serve (send it
 * traffic): the database must answer. The mail transport is reported but never fails readiness:
 * without mail, sign-in still works and only mail-sending operations answer SERVICE_UNAVAILABLE.
 * After SIGTERM readiness answers 503 while the instance still serves (see closeGracefully).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly mail: MailService,
    private readonly draining: Draining,
  ) {}

  @Public()
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Public()
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.readiness();
  }

  /** The original check, kept for the deployments that use it: 200 when the database answers, 503 when not. */
  @Public()
  @Get()
  async check(): Promise<{ status: 'ok'; database: 'up'; mail: 'up' | 'unreachable' | 'outbox' }> {
    try {
      const result = await this.readiness();
      return { status: 'ok', database: 'up', mail: result.info?.mail?.transport === 'outbox' ? 'outbox' : result.info?.mail?.reachable ? 'up' : 'unreachable' };
    } catch {
      throw new ServiceUnavailableException({ status: 'unavailable', database: 'down' });
    }
  }

  private readiness() {
    return this.health.check([
      () => (this.draining.active ? this.indicators.check('shutdown').down({ draining: true }) : this.indicators.check('shutdown').up()),
      () => this.database.pingCheck('database', { timeout: 3_000 }),
      async () => this.indicators.check('mail').up({ ...(await this.mail.transportStatus()) }),
    ]);
  }
}
