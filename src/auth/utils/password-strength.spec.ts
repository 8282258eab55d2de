import { afterEach, describe, expect, it, vi } from 'vitest';
import { assessPassword, IDLE_MS, passwordStrengthWorkerRunning } from './password-strength';

afterEach(() => {
  vi.useRealTimers();
});

describe('assessPassword', () => {
  it('scores with the owner parts as known words: a password made of them scores lower', async () => {
    const plain = await assessPassword('minsukimexample', []);
    const known = await assessPassword('minsukimexample', ['minsu.kim@example.com', 'minsukim', 'example']);
    expect(known.score).toBeLessThan(plain.score);
  });

  it('answers concurrent checks each with its own result', async () => {
    const [weak, strong, breached] = await Promise.all([
      assessPassword('aaaaaaaaaaaa', []),
      assessPassword('purple giraffes sing at midnight', []),
      assessPassword('iloveyou', []),
    ]);
    expect(weak).toEqual({ breached: false, score: expect.any(Number) });
    expect(weak.score).toBeLessThan(3);
    expect(strong.score).toBe(4);
    expect(breached.breached).toBe(true);
  });

  it('ends the worker after a while without checks, and starts it again for the next one', async () => {
    await assessPassword('first check', []);
    expect(passwordStrengthWorkerRunning()).toBe(true);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await assessPassword('second check, with fake timers', []);
    vi.advanceTimersByTime(IDLE_MS + 1);
    expect(passwordStrengthWorkerRunning()).toBe(false);
    vi.useRealTimers();
    expect((await assessPassword('iloveyou', [])).breached).toBe(true);
    expect(passwordStrengthWorkerRunning()).toBe(true);
  });
});
