import { AppError } from '../../common/app-error';
import { MAX_PASSKEY_NAME_LENGTH } from '../dto/passkey.inputs';

/** The name as stored: trimmed, 1 to 64 characters (else BAD_USER_INPUT on `name`). */
export function passkeyName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0 || name.length > MAX_PASSKEY_NAME_LENGTH) {
    throw AppError.badInput([{ field: 'name', message: `must be 1 to ${MAX_PASSKEY_NAME_LENGTH} characters` }]);
  }
  return name;
}
