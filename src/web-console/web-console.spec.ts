import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { webConsoleRouter } from './web-console';

function consoleApp() {
  const directory = mkdtempSync(join(tmpdir(), 'console-'));
  mkdirSync(join(directory, 'assets'));
  writeFileSync(join(directory, 'index.html'), '<!doctype html><title>console</title>');
  return express().use(webConsoleRouter(directory));
}

describe('web console routes', () => {
  it('serves index.html at /', async () => {
    const res = await request(consoleApp()).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>console</title>');
  });

  it.each(['/reset-password', '/invitations/accept', '/sign-in-report'])('sends the mailed link %s on to the console route after the #, token and all', async (path) => {
    const res = await request(consoleApp()).get(`${path}?token=abc%2Bdef`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/#${path}?token=abc%2Bdef`);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('knows no other path', async () => {
    expect((await request(consoleApp()).get('/reset-password/extra?token=x')).status).toBe(404);
    expect((await request(consoleApp()).get('/account')).status).toBe(404);
  });
});
