import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { afterResponseWorkDone, currentRequestContext, requestContextMiddleware, runAfterResponse } from './request-context';

function fakeRequest(): Request {
  const headers: Record<string, string> = { 'user-agent': 'Test Agent/1.0' };
  return { ip: '::ffff:203.0.113.9', header: (name: string) => headers[name.toLowerCase()], acceptsLanguages: () => false } as unknown as Request;
}

describe('runAfterResponse', () => {
  it("runs once the answer has gone out, in the request's context, and once only", async () => {
    const response = Object.assign(new EventEmitter(), { setHeader: () => undefined }) as unknown as Response;
    const seen: Array<string | null | undefined> = [];
    requestContextMiddleware(fakeRequest(), response, () => {
      runAfterResponse(async () => {
        seen.push(currentRequestContext()?.ipAddress);
      });
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([]);
    response.emit('finish');
    response.emit('close');
    await afterResponseWorkDone();
    expect(seen).toEqual(['203.0.113.9']);
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
