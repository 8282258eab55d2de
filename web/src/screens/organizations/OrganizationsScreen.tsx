import { useCallback, useEffect, useState } from 'react';
import { request } from '../../api/client';
import { Link } from '../../app/router';
import type { MyOrganizationsQuery as Organizations } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { ErrorText, Field, Form, useAction } from '../../components/forms';
import { MyInvitations } from '../invitations/MyInvitations';
import { CreateOrganizationDocument, MyOrganizationsDocument } from './operations';
import { organizationPath } from './organization-path';

/** 'Organization Management': the caller's organizations, and a form to create one. */
export function OrganizationsScreen() {
  const { t } = useI18n();
  const [organizations, setOrganizations] = useState<Organizations['myOrganizations'] | null>(null);
  const [name, setName] = useState('');
  const load = useAction(useCallback(async () => setOrganizations((await request(MyOrganizationsDocument)).myOrganizations), []));
  const create = useAction(async () => {
    await request(CreateOrganizationDocument, { input: { name } });
    setName('');
    await load.run();
  });
  const { run: loadOrganizations } = load;
  useEffect(() => {
    void loadOrganizations();
  }, [loadOrganizations]);

  return (
    <section className="card">
      <h1 tabIndex={-1}>{t.organizations.title}</h1>
      <MyInvitations />
      <h2>{t.organizations.yours}</h2>
      <ErrorText error={load.error} />
      {organizations && organizations.length === 0 && <p>{t.organizations.none}</p>}
      {organizations && organizations.length > 0 && (
        <ul className="list">
          {organizations.map((organization) => (
            <li key={organization.id}>
              <Link to={organizationPath(organization)}>{organization.name}</Link>
              <span className="badge">{t.organizations.roles[organization.myRole]}</span>
            </li>
          ))}
        </ul>
      )}
      <h2>{t.organizations.createTitle}</h2>
      <Form onSubmit={() => void create.run()}>
        <Field label={t.organizations.name} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        <ErrorText error={create.error} />
        <button type="submit" className="primary" disabled={create.busy}>
          {t.organizations.create}
        </button>
      </Form>
    </section>
  );
}
