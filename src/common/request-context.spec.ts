import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { afterResponseWorkDone, currentRequestContext, languageOf, registerRequestContext, runAfterResponse } from './request-context';

/** A Fastify app with the request context, behind one trusted proxy, and one route that queues work. */
async function appQueuingWork(seen: Array<string | null | undefined>, seenBeforeAnswer: number[]) {
  const app = Fastify({ trustProxy: true });
  registerRequestContext(app);
  app.post('/sign-in', async () => {
    runAfterResponse(async () => {
      seen.push(currentRequestContext()?.ipAddress);
    });
    await new Promise((resolve) => setImmediate(resolve));
    seenBeforeAnswer.push(seen.length);
    return { ok: true };
  });
  await app.ready();
  return app;
}

describe('request context', () => {
  it('gives the answer a request id, and keeps a plain one the client sent', async () => {
    const app = Fastify();
    registerRequestContext(app);
    app.get('/', async () => ({ requestId: currentRequestContext()?.requestId }));
    const own = await app.inject({ url: '/', headers: { 'x-request-id': 'client-chosen-1' } });
    expect(own.headers['x-request-id']).toBe('client-chosen-1');
    expect(own.json()).toEqual({ requestId: 'client-chosen-1' });
    const made = await app.inject({ url: '/', headers: { 'x-request-id': 'no spaces allowed' } });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await app.close();
  });
});

describe('runAfterResponse', () => {
  it("runs once the answer has gone out, in the request's context, and once only", async () => {
    const seen: Array<string | null | undefined> = [];
    const seenBeforeAnswer: number[] = [];
    const app = await appQueuingWork(seen, seenBeforeAnswer);
    const answer = await app.inject({ method: 'POST', url: '/sign-in', headers: { 'x-forwarded-for': '::ffff:203.0.113.9' } });
    expect(answer.json()).toEqual({ ok: true });
    await afterResponseWorkDone();
    expect(seenBeforeAnswer).toEqual([0]);
    expect(seen).toEqual(['203.0.113.9']);
    await app.close();
  });

  it('runs on the next turn outside a request', async () => {
    let ran = false;
    runAfterResponse(async () => {
      ran = true;
    });
    expect(ran).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    await afterResponseWorkDone();
    expect(ran).toBe(true);
  });
});

describe('languageOf', () => {
  it("picks the best of our languages by the header's weights, and null when it names none", () => {
    expect(languageOf('ko-KR,ko;q=0.9,en-US;q=0.8')).toBe('ko');
    expect(languageOf('en-GB,en;q=0.9')).toBe('en');
    expect(languageOf('fr-FR;q=1, ko;q=0.5, en;q=0.7')).toBe('en');
    expect(languageOf('fr-FR,de')).toBeNull();
    expect(languageOf('ko-KR,ko;q=0.9,en-US;q=0.8')).toBe('ko');
  });
});
