import { useCallback, useEffect, useRef, useState } from 'react';
import { request } from '../../api/client';
import { DataTable } from '../../components/data-table';
import { Checkbox, ErrorText, Field, Form, useAction } from '../../components/forms';
import type { OrganizationWebhookDeliveriesQuery, OrganizationWebhooksQuery, SecurityEventType } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import {
  CreateOrganizationWebhookDocument,
  DeleteOrganizationWebhookDocument,
  type Organization,
  OrganizationWebhookDeliveriesDocument,
  OrganizationWebhooksDocument,
} from './operations';

type Webhook = OrganizationWebhooksQuery['organizationWebhooks'][number];

/**
 * 'Organization Management > Webhooks': where the organization's security events are sent. The
 * signing secret is shown once, right after creating, in the new webhook's entry (so it goes with
 * the webhook if that is deleted); the API decides who may create (an OWNER with 2FA on) and its
 * reason is what the person reads.
 */
export function WebhooksPanel({ organization }: { organization: Organization }) {
  const { t } = useI18n();
  const w = t.webhooks;
  const [webhooks, setWebhooks] = useState<Webhook[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<{ webhookId: string; secret: string } | null>(null);
  const load = useCallback(() => {
    request(OrganizationWebhooksDocument, { organizationId: organization.id })
      .then(({ organizationWebhooks }) => setWebhooks(organizationWebhooks))
      .catch(setError);
  }, [organization.id]);
  useEffect(load, [load]);
  const remove = useAction(async (id: string) => {
    await request(DeleteOrganizationWebhookDocument, { id });
    load();
  });

  return (
    <>
      <h2>{w.title}</h2>
      <p className="hint">{w.intro}</p>
      <ErrorText error={error ?? remove.error} />
      {webhooks && webhooks.length === 0 && <p>{w.none}</p>}
      {webhooks?.map((webhook) => (
        <article key={webhook.id} className="webhook" aria-label={webhook.url}>
          <h3>
            <code>{webhook.url}</code>
          </h3>
          <p>{webhook.eventTypes.length === 0 ? w.everyEvent : webhook.eventTypes.map((type) => t.events.types[type]).join(', ')}</p>
          {created?.webhookId === webhook.id && <SecretOnce secret={created.secret} />}
          <DeliveryLog webhookId={webhook.id} />
          <div className="actions end">
            <button type="button" className="danger" disabled={remove.busy} onClick={() => void remove.run(webhook.id)} aria-label={w.deleteLabel(webhook.url)}>
              {w.delete}
            </button>
          </div>
        </article>
      ))}
      <CreateWebhookForm
        organizationId={organization.id}
        onCreated={(webhookId, secret) => {
          setCreated({ webhookId, secret });
          load();
        }}
      />
    </>
  );
}

function SecretOnce({ secret }: { secret: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const notice = useRef<HTMLDivElement>(null);
  const copyButton = useRef<HTMLButtonElement>(null);
  // Added from the form at the foot of a long page: bring the secret into view, ready to copy.
  useEffect(() => {
    notice.current?.scrollIntoView({ block: 'center' });
    copyButton.current?.focus({ preventScroll: true });
  }, [secret]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="notice" role="status" ref={notice}>
      <p>{t.webhooks.secretOnce}</p>
      <p>
        <code aria-label={t.webhooks.secretLabel}>{secret}</code>
      </p>
      <button type="button" ref={copyButton} onClick={() => void copy()}>
        {t.webhooks.copySecret}
      </button>
      {copied === 'copied' && <p>{t.webhooks.copied}</p>}
      {copied === 'failed' && <p>{t.webhooks.copyFailed}</p>}
    </div>
  );
}

/** Every event type the console knows, in its dictionary's order. */
function useEventTypes(): SecurityEventType[] {
  const { t } = useI18n();
  return Object.keys(t.events.types) as SecurityEventType[];
}

function CreateWebhookForm({ organizationId, onCreated }: { organizationId: string; onCreated: (webhookId: string, secret: string) => void }) {
  const { t } = useI18n();
  const w = t.webhooks;
  const everyType = useEventTypes();
  const [url, setUrl] = useState('');
  const [chosen, setChosen] = useState<Set<SecurityEventType>>(new Set());
  const create = useAction(async () => {
    const { createOrganizationWebhook } = await request(CreateOrganizationWebhookDocument, { input: { organizationId, url, eventTypes: [...chosen] } });
    setUrl('');
    setChosen(new Set());
    onCreated(createOrganizationWebhook.webhook.id, createOrganizationWebhook.secret);
  });
  const toggle = (type: SecurityEventType, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(type);
    else next.delete(type);
    setChosen(next);
  };
  return (
    <Form label={w.createTitle} onSubmit={() => void create.run()}>
      <h3>{w.createTitle}</h3>
      <Field label={w.url} hint={w.urlHint} type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
      <fieldset>
        <legend>{w.eventTypes}</legend>
        <p className="hint">{w.eventTypesHint}</p>
        <div className="choices">
          {everyType.map((type) => (
            <Checkbox key={type} label={t.events.types[type]} checked={chosen.has(type)} onChange={(e) => toggle(type, e.target.checked)} />
          ))}
        </div>
      </fieldset>
      <ErrorText error={create.error} />
      <button type="submit" className="primary" disabled={create.busy}>
        {w.create}
      </button>
    </Form>
  );
}

function DeliveryLog({ webhookId }: { webhookId: string }) {
  const { t, formatDateTime } = useI18n();
  const w = t.webhooks;
  const [deliveries, setDeliveries] = useState<OrganizationWebhookDeliveriesQuery['organizationWebhookDeliveries'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => {
    request(OrganizationWebhookDeliveriesDocument, { webhookId })
      .then(({ organizationWebhookDeliveries }) => setDeliveries(organizationWebhookDeliveries))
      .catch(setError);
  };
  return (
    <section aria-label={w.log}>
      <div className="actions">
        <button type="button" onClick={load}>
          {deliveries ? w.refreshLog : w.showLog}
        </button>
      </div>
      <ErrorText error={error} />
      {deliveries && deliveries.length === 0 && <p>{w.noDeliveries}</p>}
      {deliveries && deliveries.length > 0 && (
        <DataTable label={w.log} columns={[w.event, w.status, w.attempts, w.lastAttempt, w.response, w.nextAttempt]}>
          {deliveries.map((delivery) => (
            <tr key={delivery.id}>
              <td>{t.events.types[delivery.eventType]}</td>
              <td>{w.statuses[delivery.status]}</td>
              <td>{delivery.attempts}</td>
              <td>{delivery.lastAttemptAt ? formatDateTime(delivery.lastAttemptAt) : '—'}</td>
              <td>{delivery.lastResponseStatus ?? (delivery.attempts > 0 ? w.noAnswer : '—')}</td>
              <td>{delivery.nextAttemptAt ? formatDateTime(delivery.nextAttemptAt) : '—'}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
