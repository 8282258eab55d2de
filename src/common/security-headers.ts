import type { NextFunction, Request, Response } from 'express';
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

/**
 * helmet's full set on pages and assets, with the policy of the page's type; GraphQL's JSON answers
 * get their few relevant headers as constants, because running helmet's dozen middlewares there
 * cost about a fifth of `me`'s time.
 */
export function securityHeaders() {
  const byType = new Map<string, ReturnType<typeof helmet>>();
  for (const type of Object.keys(PAGE_POLICIES) as PageType[]) {
    byType.set(`${type}:plain`, helmetFor(type, false));
    byType.set(`${type}:secure`, helmetFor(type, true));
  }
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' || req.path !== '/graphql') {
      return byType.get(`${pageTypeOf(req.path)}:${req.secure ? 'secure' : 'plain'}`)!(req, res, next);
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  };
}
