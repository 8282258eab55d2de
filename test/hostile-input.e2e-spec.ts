import { createHash } from 'node:crypto';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  getNamedType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractErrorCodes } from '../src/common/app-error';
import { me, newUser } from './support/operations';
import { startTestApp, type TestApp } from './support/test-app';
import { enableTwoFactor } from './support/two-factor';

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await startTestApp();
  const user = await newUser(t);
  token = (await enableTwoFactor(t, user)).token;
});
afterAll(async () => {
  await t.close();
});

/** Values an attacker sends where strings, ids and numbers are expected. */
const HOSTILE_VALUES: unknown[] = [
  null,
  '',
  'x'.repeat(100_000),
  "' OR '1'='1'; DROP TABLE users; --",
  '{ __schema { types { name } } }',
  '"}) { id } mutation { logoutEverywhere } #',
  '😀🔥 Ünïcödé \uFFFF \u202Eevil',
  '\uD800',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '00000000-0000-0000-0000-000000000000',
  -1,
  2 ** 53,
  1.5,
  true,
  [],
  {},
];

function valueFor(type: GraphQLInputType, hostile: unknown): unknown {
  const named = getNamedType(type);
  if (isListType(isNonNullType(type) ? type.ofType : type)) return [hostile];
  if (isInputObjectType(named)) {
    return Object.fromEntries(Object.values(named.getFields()).map((field) => [field.name, valueFor(field.type, hostile)]));
  }
  return isLeafType(named) ? hostile : null;
}

function operationText(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const variables = field.args.map((arg: GraphQLArgument) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : '{ __typename }';
  return `${kind}${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selection} }`;
}

describe('hostile input over every operation', () => {
  it('answers with a contract error code (or data), never a server error, and keeps serving', async () => {
    const schema = t.app.get(GraphQLSchemaHost).schema;
    const operations = [
      ...Object.values(schema.getQueryType()!.getFields()).map((f) => ['query', f] as const),
      ...Object.values(schema.getMutationType()!.getFields()).map((f) => ['mutation', f] as const),
    ];
    const skipped = new Set(['logout', 'logoutEverywhere']); // they would end the session this test uses
    const problems: string[] = [];
    let requests = 0;
    for (const [kind, field] of operations) {
      if (skipped.has(field.name)) continue;
      const query = operationText(kind, field);
      for (const hostile of HOSTILE_VALUES) {
        const variables = Object.fromEntries(field.args.map((arg) => [arg.name, valueFor(arg.type, hostile)]));
        for (const bearer of [token, undefined]) {
          const result = await t.gql(query, variables, bearer);
          requests++;
          const codes = (result.errors ?? []).map((e) => e.extensions?.code);
          if (result.status >= 500 || codes.some((code) => !contractErrorCodes.has(code))) {
            problems.push(`${field.name} ${JSON.stringify(hostile)?.slice(0, 40)} → ${result.status} ${codes.join(',')}`);
          }
        }
      }
    }
    expect(requests).toBeGreaterThan(500);
    expect(problems).toEqual([]);
    expect((await me(t, token)).errors).toBeUndefined();
    expect((await t.http().get('/health')).status).toBe(200);
  }, 120_000);

  it.each([['a NUL character', 'a\u0000b'], ['a lone surrogate', 'a\uD800b']])('refuses %s anywhere in the body', async (_case, text) => {
    const result = await t.gql('query($first: Int) { mySecurityEvents(first: $first) { id } }', { first: 1, junk: { deeper: [text] } }, token);
    expect(result.status).toBe(400);
    expect(result.errors![0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses deeply nested queries', async () => {
    expect((await t.gql('{ mySecurityEvents { user { id } } }', {}, token)).errors).toBeUndefined();
    let deep = 'id';
    for (let i = 0; i < 20; i++) deep = `__typename ... on Query { me { ${deep} } }`;
    const result = await t.gql(`{ ${deep} }`, {}, token);
    expect(result.status).toBeLessThan(500);
    expect(result.errors![0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses an operation repeated through many aliases', async () => {
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: login(input: { email: "x${i}@example.com", password: "guess guess" }) { accessToken }`).join(' ');
    const result = await t.gql(`mutation { ${aliases} }`);
    expect(result.status).toBe(400);
    expect(result.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toMatch(/at most 10 top-level fields/);
  });

  it('counts top-level fields inside fragments, so repeating a field through them is refused before anything runs', async () => {
    const inline = await t.gql(`{ ... on Query { ${'me { id } '.repeat(100)} } }`, {}, token);
    expect(inline.status).toBe(400);
    expect(inline.data).toBeUndefined();
    expect(inline.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(inline.errors![0].message).toMatch(/at most 10 top-level fields; this one selects 100/);

    const reissues = Array.from({ length: 150 }, (_, i) => `r${i}: reissueRecoveryCodes(password: "guess ${i}") { codes }`).join(' ');
    const named = await t.gql(`mutation { ...Guesses } fragment Guesses on Mutation { ${reissues} }`, {}, token);
    expect(named.status).toBe(400);
    expect(named.data).toBeUndefined();
    expect(named.errors!.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('answers a fragment cycle as a validation error, not a server error', async () => {
    const result = await t.gql('query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }', {}, token);
    expect(result.status).toBe(400);
    expect(result.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toMatch(/Cannot spread fragment "A" within itself/);
    expect((await me(t, token)).errors).toBeUndefined();
  });

  it('does not register automatic persisted queries', async () => {
    const sha256Hash = createHash('sha256').update('{ __typename }').digest('hex');
    const response = await t.http().post('/graphql').set('Content-Type', 'application/json').set('Authorization', `Bearer ${token}`)
      .send({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.body.errors?.[0]?.extensions?.reason).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
  });

  it('refuses a query of more tokens than any real operation has', async () => {
    const huge = `{ me { ${'id '.repeat(5_000)} } }`;
    const result = await t.gql(huge, {}, token);
    expect(result.status).toBe(400);
    expect(result.errors![0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('does not run batched requests', async () => {
    const response = await t.http().post('/graphql').set('Content-Type', 'application/json').send([{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(response.status).toBe(400);
  });

  it('blocks simple cross-site requests (CSRF prevention)', async () => {
    const response = await t.http().get('/graphql?query=%7B__typename%7D').set('Accept', 'application/json');
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/CSRF/i);
  });

  it('sends security headers', async () => {
    const response = await t.http().get('/health');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['strict-transport-security']).toBeDefined();
    expect(response.headers['x-powered-by']).toBeUndefined();
    const graphql = await t.http().post('/graphql').set('Content-Type', 'application/json').send({ query: '{ __typename }' });
    expect(graphql.headers['x-content-type-options']).toBe('nosniff');
    expect(graphql.headers['cache-control']).toBe('no-store');
    expect(graphql.headers['x-powered-by']).toBeUndefined();
  });
});

describe('production settings', () => {
  it('turn off introspection and GraphiQL unless configured', async () => {
    const production = await startTestApp({ config: { production: true, introspection: false, graphiql: false } });
    try {
      const introspection = await production.gql('{ __schema { types { name } } }');
      expect(introspection.errors![0].extensions.code).toBe('BAD_USER_INPUT');
      const page = await production.http().get('/graphql').set('Accept', 'text/html');
      expect(page.text).not.toContain('graphiql');
    } finally {
      await production.close();
    }
  });
});
