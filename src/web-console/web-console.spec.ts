import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerWebConsole } from './web-console';

const apps: Array<ReturnType<typeof Fastify>> = [];

async function consoleApp() {
  const directory = mkdtempSync(join(tmpdir(), 'console-'));
  mkdirSync(join(directory, 'assets'));
  writeFileSync(join(directory, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(directory, 'assets', 'index-abc123.js'), 'console.log(1)');
  const app = Fastify();
  await registerWebConsole(app, directory);
  apps.push(app);
  return app;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe('web console routes', () => {
  it('serves index.html at /, revalidated each time', async () => {
    const res = await (await consoleApp()).inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>console</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves the hashed assets as immutable, and no directory listing', async () => {
    const app = await consoleApp();
    const asset = await app.inject('/assets/index-abc123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await app.inject('/assets/')).statusCode).toBe(403);
    expect((await app.inject('/assets/missing.js')).statusCode).toBe(404);
  });

  it.each(['/reset-password', '/invitations/accept', '/sign-in-report'])('sends the mailed link %s on to the console route after the #, token and all', async (path) => {
    const res = await (await consoleApp()).inject(`${path}?token=abc%2Bdef`);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(`/#${path}?token=abc%2Bdef`);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('knows no other path', async () => {
    const app = await consoleApp();
    expect((await app.inject('/reset-password/extra?token=x')).statusCode).toBe(404);
    expect((await app.inject('/account')).statusCode).toBe(404);
  });
});
