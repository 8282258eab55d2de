import { useState } from 'react';
import { request } from '../../api/client';
import { graphql } from '../../gql';
import { useI18n } from '../../i18n';
import { ErrorText, Field, Form, Notice, useAction } from '../../components/forms';
import { AccountLayout } from '../account/AccountLayout';

const ChangePasswordDocument = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input)
  }
`);

export function PasswordTab() {
  const { t } = useI18n();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [changed, setChanged] = useState(false);
  const change = useAction(async () => {
    await request(ChangePasswordDocument, { input: { currentPassword, newPassword } });
    setCurrentPassword('');
    setNewPassword('');
    setConfirmation('');
    setChanged(true);
  });
  const submit = () => {
    setChanged(false);
    setMismatch(newPassword !== confirmation);
    if (newPassword === confirmation) void change.run();
  };

  return (
    <AccountLayout current="/account/password">
      <h2>{t.password.title}</h2>
      <p>{t.password.intro}</p>
      <Form onSubmit={submit}>
        <Field label={t.password.current} type="password" autoComplete="current-password" required value={currentPassword} onChange={(e) => setCurrentPassword(e.target.value)} />
        <Field label={t.password.new} hint={t.password.hint} type="password" autoComplete="new-password" required minLength={10} maxLength={128} value={newPassword} onChange={(e) => setNewPassword(e.target.value)} />
        <Field label={t.password.confirm} type="password" autoComplete="new-password" required value={confirmation} onChange={(e) => setConfirmation(e.target.value)} />
        {mismatch && (
          <p className="error" role="alert">
            {t.password.mismatch}
          </p>
        )}
        <ErrorText error={change.error} />
        {changed && <Notice>{t.password.changed}</Notice>}
        <button type="submit" className="primary" disabled={change.busy}>
          {t.password.submit}
        </button>
      </Form>
    </AccountLayout>
  );
}
