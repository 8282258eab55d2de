import { Transform } from 'class-transformer';
import { normaliseEmail } from '../utils/normalise-email.util';

/** Input field decorator: the email reaches validation and the service already normalised. */
export const NormalisedEmail = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normaliseEmail(value) : value));
