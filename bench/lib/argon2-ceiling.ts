import { hash, verify } from '@node-rs/argon2';
import { ARGON2_OPTIONS } from '../../src/auth/utils/password-hasher';

export interface Argon2Ceiling {
  concurrency: number;
  seconds: number;
  completed: number;
  perSecond: number;
  p50: number;
  p99: number;
  threadpoolSize: number;
}

/**
 * How many argon2id verifications per second this machine does, the way the server does them on
 * login: `verify()` of @node-rs/argon2 (async, on libuv's thread pool) against a hash made with the
 * server's ARGON2_OPTIONS, with `concurrency` calls in flight, from the bench process while the
 * server is idle. It is the ceiling of `login`, whose other work only adds to the argon2 cost.
 */
export async function measureArgon2Ceiling(concurrency: number, warmupSeconds: number, seconds: number): Promise<Argon2Ceiling> {
  const password = 'correct horse battery staple';
  const passwordHash = await hash(password, ARGON2_OPTIONS);
  const run = async (durationSeconds: number) => {
    const latencies: number[] = [];
    const started = performance.now();
    const end = started + durationSeconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const t = performance.now();
          if (!(await verify(passwordHash, password))) throw new Error('argon2 verify failed');
          latencies.push(performance.now() - t);
        }
      }),
    );
    return { latencies, elapsed: (performance.now() - started) / 1000 };
  };
  await run(warmupSeconds);
  const { latencies, elapsed } = await run(seconds);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return {
    concurrency,
    seconds: elapsed,
    completed: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: pct(50),
    p99: pct(99),
    threadpoolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
  };
}
