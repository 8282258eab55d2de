import { Transform } from 'class-transformer';
import { AppError } from '../../common/app-error';
import { AmbiguousEmailError, normaliseEmail } from '../utils/normalise-email.util';

/** Input field decorator: the email reaches validation and the service already normalised. */
export const NormalisedEmail = (): PropertyDecorator =>
  Transform(({ value, key }: { value: unknown; key: string }) => {
    if (typeof value !== 'string') return value;
    try {
      return normaliseEmail(value);
    } catch (error) {
      if (error instanceof AmbiguousEmailError) throw AppError.badInput([{ field: key, message: error.message }]);
      throw error;
    }
  });
