/**
 * How long each lock in a row lasts: a guesser who waits out one lock meets a longer one, so ten
 * guesses every 15 minutes (960 a day) becomes about ten a day. A success starts the ladder again.
 */
export const LOCK_LADDER_SECONDS = [15 * 60, 60 * 60, 4 * 60 * 60, 24 * 60 * 60] as const;

/** A ladder is forgotten this long after its last lock ends without another one. */
export const LOCK_LADDER_MEMORY_SECONDS = 24 * 60 * 60;

/** The length of the next lock after `locksSoFar` locks in a row. */
export function nextLockSeconds(locksSoFar: number): number {
  return LOCK_LADDER_SECONDS[Math.min(Math.max(locksSoFar, 0), LOCK_LADDER_SECONDS.length - 1)];
}

/** "15 minutes", "4 hours", "45 seconds": the wait as a person reads it. */
export function formatWait(seconds: number): string {
  if (seconds >= 2 * 60 * 60) return `${Math.ceil(seconds / 3600)} hours`;
  if (seconds >= 120) return `${Math.ceil(seconds / 60)} minutes`;
  return `${Math.max(1, Math.ceil(seconds))} seconds`;
}
