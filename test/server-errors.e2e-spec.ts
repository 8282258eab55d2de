import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SecurityEventsService } from '../src/audit/security-events.service';
import { newUser } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('an unexpected error', () => {
  it('is logged once, on one line with the request id, the operation name and the stack', async () => {
    const { token } = await newUser(t);
    const fault = new Error('the disk caught fire');
    vi.spyOn(t.app.get(SecurityEventsService), 'listForUser').mockRejectedValueOnce(fault);
    const before = t.logs.lines.length;

    const result = await t.gql('query RecentEvents { mySecurityEvents { type } }', {}, token, { 'X-Request-Id': 'req-fire-1' });

    expect(result.errors![0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'req-fire-1' });
    const errorLines = t.logs.lines.slice(before).filter((line) => line.startsWith('error '));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/^error request req-fire-1, operation RecentEvents: the disk caught fire Error: the disk caught fire\n/);
    const firstFrame = fault.stack!.split('\n')[1]!.trim();
    expect(errorLines[0]!.split(firstFrame)).toHaveLength(2);
  });
});
