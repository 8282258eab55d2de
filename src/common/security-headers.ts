import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * The kinds of page this server sends, each with its Content-Security-Policy. A new kind of page
 * (e.g. a web console at /) adds an entry here and a rule in `pageTypeOf`.
 */
export type PageType = 'graphiql' | 'page';

type Directives = Record<string, string[]>;

/** helmet's default policy, without `upgrade-insecure-requests` (added only for pages served over HTTPS). */
const BASE_POLICY: Directives = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'connect-src': ["'self'"],
};

export const PAGE_POLICIES: Record<PageType, Directives> = {
  page: BASE_POLICY,
  // GraphiQL's editor sets inline styles.
  graphiql: { ...BASE_POLICY, 'style-src': ["'self'", "'unsafe-inline'"] },
};

export function pageTypeOf(path: string): PageType {
  return path === '/graphql' || path.startsWith('/graphiql/') ? 'graphiql' : 'page';
}

/**
 * `upgrade-insecure-requests` on a page served over plain HTTP makes the browser fetch its scripts
 * over HTTPS, which a dev server or a LAN address does not speak: the page stays blank (everywhere
 * but localhost, which browsers exempt). So it is sent only with pages that came over HTTPS.
 */
function helmetFor(type: PageType, secure: boolean) {
  const directives = { ...PAGE_POLICIES[type], ...(secure ? { 'upgrade-insecure-requests': [] } : {}) };
  return helmet({ contentSecurityPolicy: { useDefaults: false, directives } });
}

/** The answer's headers for a GraphQL POST, fixed: nothing in them depends on the request. */
const GRAPHQL_ANSWER_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Frame-Options': 'SAMEORIGIN',
  'Referrer-Policy': 'no-referrer',
};

/**
 * helmet's full set on pages and assets, with the policy of the page's type; GraphQL's JSON answers
 * get their few relevant headers as constants, because running helmet's dozen middlewares there
 * cost about a fifth of `me`'s time. helmet only sets headers on Node's response, so it runs as is
 * on the request under Fastify's.
 */
export function registerSecurityHeaders(fastify: FastifyInstance): void {
  const byType = new Map<string, ReturnType<typeof helmet>>();
  for (const type of Object.keys(PAGE_POLICIES) as PageType[]) {
    byType.set(`${type}:plain`, helmetFor(type, false));
    byType.set(`${type}:secure`, helmetFor(type, true));
  }
  fastify.addHook('onRequest', (request, reply, done) => {
    const path = pathOf(request.url);
    if (request.method === 'POST' && path === '/graphql') {
      reply.headers(GRAPHQL_ANSWER_HEADERS);
      return done();
    }
    const pageHeaders = byType.get(`${pageTypeOf(path)}:${request.protocol === 'https' ? 'secure' : 'plain'}`)!;
    pageHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
}

/** The path of a request's URL, without its query. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
