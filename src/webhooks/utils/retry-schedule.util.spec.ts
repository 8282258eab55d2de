import { describe, expect, it } from 'vitest';
import { MAX_DELIVERY_ATTEMPTS, retryWaitsSeconds } from './retry-schedule.util';

describe('retryWaitsSeconds', () => {
  it('waits the base first, then four times longer each time, at most 10 hours', () => {
    expect(retryWaitsSeconds(30)).toEqual([30, 120, 480, 1920, 7680, 30720, 36000]);
  });

  it('spreads the 8 tries over about a day by default', () => {
    const total = retryWaitsSeconds(30).reduce((sum, wait) => sum + wait, 0);
    expect(MAX_DELIVERY_ATTEMPTS).toBe(8);
    expect(total / 3600).toBeGreaterThan(18);
    expect(total / 3600).toBeLessThan(26);
  });

  it('scales with the base (tests retry within seconds)', () => {
    expect(retryWaitsSeconds(1)).toEqual([1, 4, 16, 64, 256, 1024, 4096]);
  });
});
