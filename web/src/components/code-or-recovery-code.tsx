import { Field } from './forms';

export type SecondFactorKind = 'code' | 'recoveryCode';

export interface CodeOrRecoveryCodeLabels {
  method: string;
  useCode: string;
  useRecoveryCode: string;
  code: string;
  recoveryCode: string;
}

/**
 * A choice between a code from the authenticator app and a recovery code, then the field for the
 * chosen one (emptied when the choice changes). The caller sends `{ [kind]: value.trim() }`.
 */
export function CodeOrRecoveryCode({
  name,
  labels,
  kind,
  onKindChange,
  value,
  onChange,
}: {
  /** The radio group's name, unique on the page. */
  name: string;
  labels: CodeOrRecoveryCodeLabels;
  kind: SecondFactorKind;
  onKindChange: (kind: SecondFactorKind) => void;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <>
      <fieldset>
        <legend>{labels.method}</legend>
        {(['code', 'recoveryCode'] as const).map((option) => (
          <label key={option} className="radio">
            <input
              type="radio"
              name={name}
              value={option}
              checked={kind === option}
              onChange={() => {
                onKindChange(option);
                onChange('');
              }}
            />
            {option === 'code' ? labels.useCode : labels.useRecoveryCode}
          </label>
        ))}
      </fieldset>
      <Field
        key={kind}
        label={kind === 'code' ? labels.code : labels.recoveryCode}
        inputMode={kind === 'code' ? 'numeric' : 'text'}
        autoComplete={kind === 'code' ? 'one-time-code' : 'off'}
        required
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </>
  );
}
