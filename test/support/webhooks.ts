import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { vi } from 'vitest';
import type { FakeClock } from './fake-clock';
import type { TestApp } from './test-app';

export const WEBHOOK_FIELDS = 'id organizationId url eventTypes createdAt createdBy { id email }';
export const DELIVERY_FIELDS = 'id messageId eventType status attempts lastAttemptAt lastResponseStatus nextAttemptAt';

export const createOrganizationWebhook = (t: TestApp, token: string | undefined, input: { organizationId: string; url: string; eventTypes?: string[] }) =>
  t.gql(`mutation($input: CreateOrganizationWebhookInput!) { createOrganizationWebhook(input: $input) { secret webhook { ${WEBHOOK_FIELDS} } } }`, { input }, token);

export const organizationWebhooks = (t: TestApp, token: string | undefined, organizationId: string) =>
  t.gql(`query($organizationId: ID!) { organizationWebhooks(organizationId: $organizationId) { ${WEBHOOK_FIELDS} } }`, { organizationId }, token);

export const organizationWebhookDeliveries = (t: TestApp, token: string | undefined, webhookId: string, first?: number) =>
  t.gql(`query($webhookId: ID!, $first: Int) { organizationWebhookDeliveries(webhookId: $webhookId, first: $first) { ${DELIVERY_FIELDS} } }`, { webhookId, first }, token);

export const deleteOrganizationWebhook = (t: TestApp, token: string | undefined, id: string) =>
  t.gql('mutation($id: ID!) { deleteOrganizationWebhook(id: $id) }', { id }, token);

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1: keeps every request and answers the statuses it is told, then 204. */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  private readonly answers: number[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        receiver!.received.push({ headers: request.headers, body });
        response.statusCode = receiver!.answers.shift() ?? 204;
        response.end(response.statusCode >= 400 ? 'receiver is down for maintenance' : '');
      });
    });
    receiver = new WebhookReceiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/security`;
  }

  /** The next requests are answered with these statuses, in order. */
  answerNext(...statuses: number[]): void {
    this.answers.push(...statuses);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Webhook.verify of the standardwebhooks package: the signature over id.timestamp.body, and the
 * timestamp within 5 minutes of now. The app's now is the FakeClock's, so verification runs at it.
 */
export function verifyDelivery(secret: string, delivery: ReceivedDelivery, clock: FakeClock): unknown {
  const now = vi.spyOn(Date, 'now').mockReturnValue(clock.now().getTime());
  try {
    return new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>);
  } finally {
    now.mockRestore();
  }
}
