import { describe, expect, it } from 'vitest';
import { formatWait, nextLockSeconds } from './lock-ladder';

describe('lock ladder', () => {
  it('escalates 15 minutes, 1 hour, 4 hours, then stays at 24 hours', () => {
    expect([0, 1, 2, 3, 4, 10].map(nextLockSeconds)).toEqual([900, 3600, 14_400, 86_400, 86_400, 86_400]);
  });

  it('says the wait in words', () => {
    expect(formatWait(900)).toBe('15 minutes');
    expect(formatWait(14_400)).toBe('4 hours');
    expect(formatWait(86_400)).toBe('24 hours');
    expect(formatWait(45.2)).toBe('46 seconds');
  });
});
