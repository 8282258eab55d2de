import { randomBytes } from 'node:crypto';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitsRepository } from '../src/throttling/rate-limits.repository';
import { type MediumServices, newMediumServices } from './support/medium';

/** rate_limits on PostgreSQL: a counter stops at its limit under concurrency, and clearing keys clears only those. */
let m: MediumServices;
let rateLimits: RateLimitsRepository;
beforeAll(async () => {
  m = await newMediumServices({ providers: [RateLimitsRepository], entities: [] });
  rateLimits = m.get(RateLimitsRepository);
});
afterAll(async () => {
  await m?.close();
});

const prefix = () => `test-${randomBytes(4).toString('hex')}`;
const storedKeys = async (keyPrefix: string) =>
  ((await m.dataSource.query(`SELECT key FROM rate_limits WHERE key LIKE $1 ORDER BY key`, [`${keyPrefix}%`])) as Array<{ key: string }>).map((row) => row.key);

describe('RateLimitsRepository.limiter', () => {
  it('lets exactly `points` of many concurrent consumptions through, then refuses', async () => {
    const limiter = rateLimits.limiter(prefix(), 3, 60);
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => limiter.consume('someone')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof RateLimiterRes)).toHaveLength(9);
    // Another key has its own count.
    await expect(limiter.consume('someone else')).resolves.toMatchObject({ remainingPoints: 2 });
  });
});

describe('RateLimitsRepository deletes', () => {
  it('deletes the keys named, and by pattern only the keys that match', async () => {
    const keyPrefix = prefix();
    const limiter = rateLimits.limiter(keyPrefix, 10, 60);
    for (const key of ['a:1', 'a:2', 'b:1', 'c']) await limiter.consume(key);

    await rateLimits.deleteKeys([limiter.getKey('c'), limiter.getKey('not there')]);
    expect(await storedKeys(keyPrefix)).toEqual(['a:1', 'a:2', 'b:1'].map((key) => limiter.getKey(key)));

    await rateLimits.deleteKeysLike([limiter.getKey('a:%')]);
    expect(await storedKeys(keyPrefix)).toEqual([limiter.getKey('b:1')]);
    // A cleared key counts from the start again.
    await expect(limiter.consume('a:1')).resolves.toMatchObject({ remainingPoints: 9 });
  });
});
