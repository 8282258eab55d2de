import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/** web/dist, seen from src/web-console (tests, ts sources) or dist/src/web-console (the build). */
const CANDIDATES = [resolve(__dirname, '../../web/dist'), resolve(__dirname, '../../../web/dist')];

export function webConsoleDirectory(): string | undefined {
  return CANDIDATES.find((dir) => existsSync(join(dir, 'index.html')));
}

/** Paths of the links we mail (password reset, invitation, 'This wasn't me'); each opens the console's screen of the same path. */
export const MAILED_LINK_PATHS = ['/reset-password', '/invitations/accept', '/sign-in-report'] as const;

let warned = false;

/**
 * Serves the reference console (web/, built by Vite) at `/`. Its routes live after the `#`, so the
 * server only ever serves index.html and the hashed files under /assets, which never change. A
 * mailed link (`/reset-password?token=…`) is sent on to the same route after the `#`, so the token
 * leaves the address the browser sends to servers from then on.
 */
export async function registerWebConsole(fastify: FastifyInstance, directory = webConsoleDirectory()): Promise<void> {
  if (!directory) {
    if (warned) return;
    warned = true;
    new Logger('WebConsole').warn('The console is not built (web/dist is missing): run `npm run build` to serve it at /.');
    return;
  }
  await fastify.register(fastifyStatic, {
    root: join(directory, 'assets'),
    prefix: '/assets/',
    immutable: true,
    maxAge: '1y',
    index: false,
  });
  for (const path of MAILED_LINK_PATHS) {
    fastify.get(path, (request, reply) => {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer').redirect(`/#${path}${query}`, 302);
    });
  }
  fastify.get('/', (_request, reply) => {
    reply.header('Cache-Control', 'no-cache').sendFile('index.html', directory, { cacheControl: false });
  });
}
