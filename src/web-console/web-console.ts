import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import express, { Router } from 'express';

/** web/dist, seen from src/web-console (tests, ts sources) or dist/src/web-console (the build). */
const CANDIDATES = [resolve(__dirname, '../../web/dist'), resolve(__dirname, '../../../web/dist')];

export function webConsoleDirectory(): string | undefined {
  return CANDIDATES.find((dir) => existsSync(join(dir, 'index.html')));
}

/** Paths of the links we mail (password reset, invitation, 'This wasn't me'); each opens the console's screen of the same path. */
export const MAILED_LINK_PATHS = ['/reset-password', '/invitations/accept', '/sign-in-report'] as const;

/**
 * Serves the reference console (web/, built by Vite) at `/`. Its routes live after the `#`, so the
 * server only ever serves index.html and the hashed files under /assets, which never change. A
 * mailed link (`/reset-password?token=…`) is sent on to the same route after the `#`, so the token
 * leaves the address the browser sends to servers from then on.
 */
let warned = false;

export function webConsoleRouter(directory = webConsoleDirectory()): Router {
  const router = Router();
  if (!directory) {
    if (warned) return router;
    warned = true;
    new Logger('WebConsole').warn('The console is not built (web/dist is missing): run `npm run build` to serve it at /.');
    return router;
  }
  router.use('/assets', express.static(join(directory, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: false }));
  router.get([...MAILED_LINK_PATHS], (req, res) => {
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.redirect(302, `/#${req.path}${query}`);
  });
  router.get('/', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(directory, 'index.html'));
  });
  return router;
}
