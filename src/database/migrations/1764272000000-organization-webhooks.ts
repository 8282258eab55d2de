import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Organizations' webhooks and their deliveries: the outbox written with each security event, and its log. */
export class OrganizationWebhooks1764272000000 implements MigrationInterface {
  name = 'OrganizationWebhooks1764272000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE organization_webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL CONSTRAINT organization_webhooks_organization_id_fkey REFERENCES organizations(id) ON DELETE CASCADE,
        url varchar(2048) NOT NULL,
        event_types text[] NOT NULL DEFAULT '{}',
        secret_encrypted text NOT NULL,
        created_by uuid CONSTRAINT organization_webhooks_created_by_fkey REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX organization_webhooks_organization_id_idx ON organization_webhooks (organization_id)`);
    await db.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL CONSTRAINT webhook_deliveries_webhook_id_fkey REFERENCES organization_webhooks(id) ON DELETE CASCADE,
        event_id bigint NOT NULL CONSTRAINT webhook_deliveries_event_id_fkey REFERENCES security_events(id) ON DELETE CASCADE,
        event_type varchar(64) NOT NULL,
        status varchar(16) NOT NULL CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
        attempts int NOT NULL,
        next_attempt_at timestamptz,
        last_attempt_at timestamptz,
        last_response_status int,
        last_response_excerpt varchar(256),
        created_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX webhook_deliveries_webhook_event_idx ON webhook_deliveries (webhook_id, event_id)`);
    await db.query(`CREATE INDEX webhook_deliveries_event_id_idx ON webhook_deliveries (event_id)`);
    // Only what may still be sent: the sender's scan stays the size of the retry queue.
    await db.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE webhook_deliveries`);
    await db.query(`DROP TABLE organization_webhooks`);
  }
}
