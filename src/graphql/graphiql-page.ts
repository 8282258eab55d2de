import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import Negotiator from 'negotiator';

const requireFromHere = createRequire(__filename);
const fileOf = (pkg: string, path: string) => join(dirname(requireFromHere.resolve(`${pkg}/package.json`)), path);

/** GraphiQL and React from npm packages, so the page works on a machine with no internet. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: fileOf('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { file: fileOf('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { file: fileOf('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: fileOf('graphiql', 'graphiql.min.css'), type: 'text/css' },
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>GraphiQL · account security</title>
  <link rel="stylesheet" href="/graphiql/graphiql.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="/graphiql/react.js"></script>
  <script src="/graphiql/react-dom.js"></script>
  <script src="/graphiql/graphiql.js"></script>
  <script src="/graphiql/start.js"></script>
</body>
</html>`;

const AUTH_FIELDS = 'accessToken status expiresAt trustedDeviceToken trustedDeviceRejected user { id email twoFactorEnabled }';
const PASTE_TOKEN_HEADERS = JSON.stringify({ Authorization: 'Bearer <paste accessToken here>' }, null, 2);

/**
 * The journey of the user guide, one tab per step, so a frontend developer can walk it from an empty
 * database: sign up, log in, the second factor, the four setup steps, and who am I.
 */
export const GRAPHIQL_EXAMPLES: ReadonlyArray<{ query: string; variables?: string; headers?: string }> = [
  {
    query: `# 1. Create an account. The answer's accessToken goes into the Authorization header (Headers tab).
mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { ${AUTH_FIELDS} }
}`,
    variables: JSON.stringify({ input: { email: 'ada@example.com', password: 'at least 10 characters', name: 'Ada' } }, null, 2),
  },
  {
    query: `# 2. Sign in. With 2FA on, status is SECOND_FACTOR_REQUIRED and the token is a pending one:
# put it in the Authorization header and give the second factor (next tab).
mutation Login($input: LoginInput!) {
  login(input: $input) { ${AUTH_FIELDS} }
}`,
    variables: JSON.stringify({ input: { email: 'ada@example.com', password: 'at least 10 characters' } }, null, 2),
  },
  {
    query: `# 3. The second step of login: a code from the app (or recoveryCode instead). Returns a new, full token.
mutation SecondFactor($input: VerifyLoginSecondFactorInput!) {
  verifyLoginSecondFactor(input: $input) { ${AUTH_FIELDS} }
}`,
    variables: JSON.stringify({ input: { code: '123456', rememberDevice: false } }, null, 2),
    headers: PASTE_TOKEN_HEADERS,
  },
  {
    query: `# 4. Turning 2FA on: run these four in order (pick one with the run button's menu).
mutation StartSetup {
  startTwoFactorSetup { step email expiresAt }
}

# The 6-digit code from the email; returns the secret for the authenticator app.
mutation VerifySetupEmail($emailCode: String!) {
  verifyTwoFactorSetupEmail(code: $emailCode) { otpauthUri qrCodeDataUrl manualEntryKey }
}

# A code from the app; returns the 10 recovery codes to save.
mutation ConfirmSetup($appCode: String!) {
  confirmTwoFactorSetup(code: $appCode) { codes generatedAt }
}

# 2FA is on; the answer's token replaces the current one.
mutation CompleteSetup {
  completeTwoFactorSetup(recoveryCodesSaved: true) { ${AUTH_FIELDS} }
}`,
    variables: JSON.stringify({ emailCode: '123456', appCode: '123456' }, null, 2),
    headers: PASTE_TOKEN_HEADERS,
  },
  {
    query: `# 5. Who am I, and where does my 2FA stand.
query Me {
  me { id email name twoFactorEnabled createdAt }
  twoFactorStatus { enabled recoveryCodesRemaining setupStep requiredByOrganization setupRequiredBy }
}`,
    headers: PASTE_TOKEN_HEADERS,
  },
];

/**
 * The fetcher sends JSON, so CSRF prevention is satisfied. Headers (the bearer token) are kept in
 * the browser's storage across reloads: this page is for development, where re-pasting a token
 * after every reload is the bigger nuisance.
 */
const START_SCRIPT = `
const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultEditorToolsVisibility: true,
    shouldPersistHeaders: true,
    defaultHeaders: ${JSON.stringify(PASTE_TOKEN_HEADERS)},
    defaultTabs: ${JSON.stringify(GRAPHIQL_EXAMPLES)},
  }),
);`;

/** A browser asking for /graphql wants the page; fetch(), curl and GraphQL clients ask for JSON. */
function wantsPage(accept: string | undefined): boolean {
  if (!accept) return false;
  return new Negotiator({ headers: { accept } }).mediaType(['application/json', 'text/html']) === 'text/html';
}

/** GraphiQL at GET /graphql (for browsers; Apollo answers the same address for everyone else) and its files under /graphiql/. */
export function registerGraphiql(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'GET' || !(request.url === '/graphql' || request.url.startsWith('/graphql?')) || !wantsPage(request.headers.accept)) return done();
    reply.type('text/html; charset=utf-8').send(PAGE);
  });
  fastify.get('/graphiql/start.js', (_request, reply) => {
    reply.type('text/javascript; charset=utf-8').send(START_SCRIPT);
  });
  fastify.get<{ Params: { asset: string } }>('/graphiql/:asset', (request, reply) => {
    const asset = Object.hasOwn(ASSETS, request.params.asset) ? ASSETS[request.params.asset] : undefined;
    if (!asset) return reply.callNotFound();
    reply.type(`${asset.type}; charset=utf-8`).header('Cache-Control', 'public, max-age=86400').send(createReadStream(asset.file));
  });
}
