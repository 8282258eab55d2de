import { AppError } from '../../common/app-error';

/** A code the user typed: from the authenticator app, or one of their recovery codes. */
export type TypedSecondFactor = { kind: 'totp'; code: string } | { kind: 'recovery'; code: string };

/** Exactly one of the two, else BAD_USER_INPUT on both fields. */
export function exactlyOneFactor(code: string | null | undefined, recoveryCode: string | null | undefined): TypedSecondFactor {
  const hasCode = typeof code === 'string' && code.length > 0;
  const hasRecoveryCode = typeof recoveryCode === 'string' && recoveryCode.length > 0;
  if (hasCode === hasRecoveryCode) {
    const message = 'give exactly one of code and recoveryCode';
    throw AppError.badInput([{ field: 'code', message }, { field: 'recoveryCode', message }]);
  }
  return hasCode ? { kind: 'totp', code: code! } : { kind: 'recovery', code: recoveryCode! };
}
