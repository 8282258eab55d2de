/** Tries of one delivery, the first included; after the last failure it is FAILED. */
export const MAX_DELIVERY_ATTEMPTS = 8;
const GROWTH = 4;
const LONGEST_WAIT_SECONDS = 10 * 3600;

/**
 * The waits after each failed try but the last: `base`, then four times the one before, at most
 * 10 hours. With base 30 s: 30 s, 2 min, 8 min, 32 min, about 2 h, 8.5 h, 10 h: 8 tries over
 * about 21 hours.
 */
export function retryWaitsSeconds(baseSeconds: number): number[] {
  return Array.from({ length: MAX_DELIVERY_ATTEMPTS - 1 }, (_, n) => Math.min(baseSeconds * GROWTH ** n, LONGEST_WAIT_SECONDS));
}
