import { useEffect, useRef, useState } from 'react';
import { request } from '../../api/client';
import { useI18n } from '../../i18n';
import { ErrorText, Field, Form, useAction } from '../../components/forms';
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
  const [method, setMethod] = useState<'code' | 'recoveryCode'>('code');
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
        <fieldset>
          <legend>{t.memberReset.method}</legend>
          {(['code', 'recoveryCode'] as const).map((value) => (
            <label key={value} className="radio">
              <input
                type="radio"
                name="member-reset-method"
                value={value}
                checked={method === value}
                onChange={() => {
                  setMethod(value);
                  setCode('');
                }}
              />
              {value === 'code' ? t.memberReset.useCode : t.memberReset.useRecoveryCode}
            </label>
          ))}
        </fieldset>
        <Field
          key={method}
          label={method === 'code' ? t.memberReset.code : t.memberReset.recoveryCode}
          inputMode={method === 'code' ? 'numeric' : 'text'}
          autoComplete={method === 'code' ? 'one-time-code' : 'off'}
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
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
