import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Webhook } from 'standardwebhooks';
import type { SecurityEventEntity } from '../audit/entities/security-event.entity';
import { SecurityEventsService } from '../audit/security-events.service';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { UsersService } from '../users/users.service';
import { MAX_DELIVERY_ATTEMPTS, retryWaitsSeconds } from './utils/retry-schedule.util';
import { type ClaimedDelivery, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { type DeliveryAnswer, DELIVERY_TIMEOUT_MS, WebhookTransport } from './webhook-transport';
import { messageIdOf } from './webhooks.service';
import { WebhookSecrets } from './webhook-secrets';

/** Deliveries claimed per statement; they are sent side by side. */
const BATCH = 20;
/** Batches per pass at most: a long queue is left to the next pass rather than holding this one. */
const MAX_BATCHES_PER_PASS = 10;
/** How long a last try may be in flight before a crashed sender's try counts as failed. */
const LAST_TRY_LEASE_SECONDS = Math.ceil(DELIVERY_TIMEOUT_MS / 1000) * 6;
const INTERVAL_NAME = 'webhook-delivery';

export interface DeliveryPass {
  attempted: number;
  delivered: number;
}

/**
 * Sends due deliveries, from any instance. Each try is claimed by one UPDATE that takes the rows
 * with FOR UPDATE SKIP LOCKED, counts the try and moves the next one out by the retry schedule,
 * so two instances never send the same try, and a sender that dies mid-try has its delivery
 * retried on schedule. No transaction stays open while a receiver answers, and no session-level
 * state is used: it works the same through PgBouncer in transaction mode.
 */
@Injectable()
export class WebhookDeliveryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookDelivery');
  private running: Promise<DeliveryPass> | undefined;
  private stopping = false;

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly securityEvents: SecurityEventsService,
    private readonly users: UsersService,
    private readonly secrets: WebhookSecrets,
    private readonly transport: WebhookTransport,
    private readonly scheduler: SchedulerRegistry,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {
    // Read at each scrape through the partial index on PENDING rows: nothing counted on the delivery path.
    metrics.observeWebhookQueue(() => this.deliveries.countPending());
  }

  onApplicationBootstrap(): void {
    const seconds = this.config.webhookDeliveryIntervalSeconds;
    if (seconds <= 0) return;
    const timer = setInterval(() => {
      this.deliverDue().catch((error: Error) => this.logger.error(`Webhook delivery failed: ${error.message}`, error.stack));
    }, seconds * 1000);
    timer.unref();
    this.scheduler.addInterval(INTERVAL_NAME, timer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.scheduler.doesExist('interval', INTERVAL_NAME)) this.scheduler.deleteInterval(INTERVAL_NAME);
    await this.running?.catch(() => undefined);
  }

  /** One pass now (a pass already running on this instance is awaited instead of started twice). */
  deliverDue(): Promise<DeliveryPass> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<DeliveryPass> {
    const result: DeliveryPass = { attempted: 0, delivered: 0 };
    await this.giveUpAbandonedLastTries();
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS && !this.stopping; batch++) {
      const claimed = await this.claim();
      const outcomes = await this.send(claimed);
      result.attempted += claimed.length;
      result.delivered += outcomes.filter(Boolean).length;
      if (claimed.length < BATCH) break;
    }
    return result;
  }

  /**
   * Claims up to BATCH due tries: of concurrent claims (any instance) each row goes to one, because
   * the rows are locked and others skip them; the try is counted and the next one scheduled in the
   * same statement, before anything is sent.
   */
  private claim(): Promise<ClaimedDelivery[]> {
    const schedule = {
      waitsSeconds: retryWaitsSeconds(this.config.webhookRetryBaseSeconds),
      lastTryLeaseSeconds: LAST_TRY_LEASE_SECONDS,
      maxAttempts: MAX_DELIVERY_ATTEMPTS,
    };
    return this.deliveries.claimDue(this.clock.now(), schedule, BATCH);
  }

  /** A last try whose sender died never wrote its outcome: once its lease is over it is FAILED. */
  private async giveUpAbandonedLastTries(): Promise<void> {
    const abandoned = await this.deliveries.failAbandonedLastTries(this.clock.now(), MAX_DELIVERY_ATTEMPTS);
    if (abandoned > 0) this.metrics.countWebhookDelivery('failed', abandoned);
  }

  private async send(claimed: ClaimedDelivery[]): Promise<boolean[]> {
    if (claimed.length === 0) return [];
    const events = new Map((await this.securityEvents.findByIds(claimed.map((d) => d.eventId))).map((e) => [e.id, e]));
    const userIds = [...events.values()].flatMap((e) => (e.userId ? [e.userId] : []));
    const emails = new Map((await this.users.findByIds(userIds)).map((u) => [u.id, u.email]));
    return Promise.all(
      claimed.map(async (delivery) => {
        const event = events.get(delivery.eventId)!;
        const answer = await this.attempt(delivery, payloadOf(event, event.userId ? emails.get(event.userId) ?? null : null));
        return this.recordOutcome(delivery, answer);
      }),
    );
  }

  private async attempt(delivery: ClaimedDelivery, body: string): Promise<DeliveryAnswer> {
    const messageId = messageIdOf(delivery.id);
    const sentAt = this.clock.now();
    try {
      const signature = new Webhook(this.secrets.decrypt(delivery.secretEncrypted, delivery.webhookId)).sign(messageId, sentAt, body);
      const headers = { 'webhook-id': messageId, 'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)), 'webhook-signature': signature };
      return await this.transport.post(new URL(delivery.url), headers, body);
    } catch (error) {
      this.logger.warn(`Delivery ${delivery.id} could not be sent: ${(error as Error).message}`);
      return { status: null, excerpt: 'could not be sent' };
    }
  }

  /**
   * Writes what the try got, only if the row is still at this try (a slow answer never overwrites
   * a later try's outcome). A 2xx is DELIVERED; a failed last try is FAILED; any other failure
   * keeps the retry the claim already scheduled.
   */
  private async recordOutcome(delivery: ClaimedDelivery, answer: DeliveryAnswer): Promise<boolean> {
    const delivered = answer.status !== null && answer.status >= 200 && answer.status < 300;
    const finalStatus = delivered ? 'DELIVERED' : delivery.attempts >= MAX_DELIVERY_ATTEMPTS ? 'FAILED' : null;
    await this.deliveries.recordOutcome(delivery.id, delivery.attempts, answer, finalStatus);
    this.metrics.countWebhookDelivery(delivered ? 'delivered' : finalStatus === 'FAILED' ? 'failed' : 'retry');
    return delivered;
  }
}

/** The body of a delivery (the contract's comment): what happened, to whom, from where. Never a secret, code or token. */
export function payloadOf(event: SecurityEventEntity, email: string | null): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    data: {
      eventId: event.id,
      organizationId: event.organizationId,
      userId: event.userId,
      email,
      ipAddress: event.ipAddress,
      userAgent: event.userAgent,
      occurredAt: event.occurredAt.toISOString(),
    },
  });
}
