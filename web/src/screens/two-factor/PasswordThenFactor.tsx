import { type ReactNode, useId, useState } from 'react';
import { CodeOrRecoveryCode, type SecondFactorKind } from '../../components/code-or-recovery-code';
import { ErrorText, Field, Form, useAction } from '../../components/forms';
import { useI18n } from '../../i18n';

/** What the API takes to confirm a change to 2FA: the password and exactly one of the two factors. */
export type PasswordAndFactor = { password: string } & ({ code: string } | { recoveryCode: string });

/**
 * The password, 'Next', then a code from the app or a recovery code: disabling 2FA and moving to a
 * new phone confirm the same way. The password is checked with the factor in one call (the API has
 * no separate password check), so a wrong one is told at the second step, and 'Back' goes to it.
 */
export function PasswordThenFactor({
  passwordIntro,
  factorIntro,
  submitLabel,
  danger = false,
  onConfirm,
  onCancel,
  children,
}: {
  passwordIntro: string;
  factorIntro: string;
  submitLabel: string;
  /** The last button is red: the change takes something away. */
  danger?: boolean;
  onConfirm: (input: PasswordAndFactor) => Promise<void>;
  onCancel: () => void;
  /** Shown above the password (what the change does). */
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const id = useId();
  const [step, setStep] = useState<'password' | 'factor'>('password');
  const [password, setPassword] = useState('');
  const [method, setMethod] = useState<SecondFactorKind>('code');
  const [code, setCode] = useState('');
  const confirm = useAction(async () => {
    const factor = method === 'code' ? { code: code.trim() } : { recoveryCode: code.trim() };
    await onConfirm({ password, ...factor });
    setPassword('');
  });

  if (step === 'password') {
    return (
      <Form onSubmit={() => setStep('factor')}>
        {children}
        <p>{passwordIntro}</p>
        <Field label={t.disable.password} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <div className="actions end">
          <button type="button" onClick={onCancel}>
            {t.cancel}
          </button>
          <button type="submit" className="primary">
            {t.next}
          </button>
        </div>
      </Form>
    );
  }
  return (
    <section aria-labelledby={`${id}-factor`}>
      <h3 id={`${id}-factor`}>{t.disable.factorTitle}</h3>
      <p>{factorIntro}</p>
      <Form onSubmit={() => void confirm.run()}>
        <CodeOrRecoveryCode name={`${id}-method`} labels={t.disable} kind={method} onKindChange={setMethod} value={code} onChange={setCode} />
        <ErrorText error={confirm.error} />
        <div className="actions end">
          <button
            type="button"
            onClick={() => {
              confirm.setError(null);
              setStep('password');
            }}
          >
            {t.back}
          </button>
          <button type="submit" className={danger ? 'danger' : 'primary'} disabled={confirm.busy}>
            {submitLabel}
          </button>
        </div>
      </Form>
    </section>
  );
}
