import { useEffect, useRef, useState } from 'react';
import { request } from '../../api/client';
import { useI18n } from '../../i18n';
import { CodeOrRecoveryCode, type SecondFactorKind } from '../../components/code-or-recovery-code';
import { ErrorText, Form, useAction } from '../../components/forms';
import { ResetMemberTwoFactorDocument } from './operations';

/**
 * Confirms an admin's reset of a member's lost second factor with a fresh code of the admin's own
 * (the API asks for it: the action ends the member's sessions and removes every factor).
 */
export function ResetMemberTwoFactorForm({
  organizationId,
  member,
  onDone,
  onCancel,
}: {
  organizationId: string;
  member: { id: string; email: string };
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [method, setMethod] = useState<SecondFactorKind>('code');
  const [code, setCode] = useState('');
  const title = useRef<HTMLHeadingElement>(null);
  // The form opens below the table: take keyboard and screen-reader users to it.
  useEffect(() => title.current?.focus(), []);
  const reset = useAction(async () => {
    try {
      await request(ResetMemberTwoFactorDocument, { input: { organizationId, userId: member.id, [method]: code.trim() } });
    } finally {
      setCode('');
    }
    onDone();
  });

  return (
    <section aria-labelledby="member-reset-title" className="warning">
      <h3 id="member-reset-title" ref={title} tabIndex={-1}>{t.memberReset.title(member.email)}</h3>
      <p>{t.memberReset.warning}</p>
      <p>{t.memberReset.confirmIntro}</p>
      <Form onSubmit={() => void reset.run()}>
        <CodeOrRecoveryCode name="member-reset-method" labels={t.memberReset} kind={method} onKindChange={setMethod} value={code} onChange={setCode} />
        <ErrorText error={reset.error} />
        <div className="actions end">
          <button type="button" onClick={onCancel}>
            {t.cancel}
          </button>
          <button type="submit" className="danger" disabled={reset.busy}>
            {t.memberReset.submit}
          </button>
        </div>
      </Form>
    </section>
  );
}
