import { SetMetadata } from '@nestjs/common';

/**
 * The global guard denies every operation to anything short of a full session of a user who is not
 * overdue for a required 2FA setup. These decorators open an operation further, each by name.
 */
export enum Opening {
  /** No session needed (signUp, login). */
  PUBLIC = 'PUBLIC',
  /** Also open to a session whose second factor is still missing. */
  PENDING_SECOND_FACTOR = 'PENDING_SECOND_FACTOR',
  /** Also open to a user whom an organization forces to set up 2FA. */
  FORCED_TWO_FACTOR_SETUP = 'FORCED_TWO_FACTOR_SETUP',
}

export const OPENINGS_KEY = 'access:openings';

export const Public = () => SetMetadata(OPENINGS_KEY, [Opening.PUBLIC]);
export const AllowPendingSecondFactor = () => SetMetadata(OPENINGS_KEY, [Opening.PENDING_SECOND_FACTOR]);
export const AllowDuringForcedTwoFactorSetup = () => SetMetadata(OPENINGS_KEY, [Opening.FORCED_TWO_FACTOR_SETUP]);
/** For operations every signed-in state needs, such as logout. */
export const AllowAnySession = () =>
  SetMetadata(OPENINGS_KEY, [Opening.PENDING_SECOND_FACTOR, Opening.FORCED_TWO_FACTOR_SETUP]);
