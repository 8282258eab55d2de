import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import express, { Router } from 'express';

/** web/dist, seen from src/web-console (tests, ts sources) or dist/src/web-console (the build). */
const CANDIDATES = [resolve(__dirname, '../../web/dist'), resolve(__dirname, '../../../web/dist')];

export function webConsoleDirectory(): string | undefined {
  return CANDIDATES.find((dir) => existsSync(join(dir, 'index.html')));
}

/**
 * Serves the reference console (web/, built by Vite) at `/`. Its routes live after the `#`, so the
 * server only ever serves index.html and the hashed files under /assets, which never change.
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
  router.get('/', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(directory, 'index.html'));
  });
  return router;
}
