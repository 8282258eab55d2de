import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { Kind, parse, validate } from 'graphql';
import { GRAPHIQL_EXAMPLES } from '../src/graphql/graphiql-page';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('HTTP surface', () => {
  it('GET /health says the database answers (and how mail goes)', async () => {
    const response = await t.http().get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', database: 'up', mail: 'up' });
  });

  it('answers liveness and readiness apart, readiness naming the database and the mail transport', async () => {
    const live = await t.http().get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('ok');
    const ready = await t.http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.database.status).toBe('up');
    expect(ready.body.info.mail).toMatchObject({ status: 'up', transport: 'smtp', reachable: true });
  });

  it('answers malformed JSON with BAD_USER_INPUT in GraphQL\'s error shape', async () => {
    const response = await t.http().post('/graphql').set('Content-Type', 'application/json').send('{"query": ');
    expect(response.status).toBe(400);
    expect(response.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a body over the size limit without reading it into GraphQL', async () => {
    const response = await t.http().post('/graphql').set('Content-Type', 'application/json')
      .send({ query: '{ me { id } }', variables: { padding: 'x'.repeat(300_000) } });
    expect(response.status).toBe(413);
    expect(response.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('answers a syntax error with BAD_USER_INPUT', async () => {
    const result = await t.gql('{ me { id ');
    expect(result.status).toBeLessThan(500);
    expect(result.errors![0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('gives every response a request id', async () => {
    const response = await t.http().get('/health');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('opens GraphiQL on the journey (sign up, login, second factor, setup, me), each example valid, and keeps the Authorization header', async () => {
    const start = await t.http().get('/graphiql/start.js');
    expect(start.status).toBe(200);
    expect(start.text).toContain('shouldPersistHeaders: true');
    const schema = t.app.get(GraphQLSchemaHost).schema;
    const operations = GRAPHIQL_EXAMPLES.flatMap((example) => {
      const document = parse(example.query);
      expect(validate(schema, document)).toEqual([]);
      expect(start.text).toContain(JSON.stringify(example.query));
      return document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? d.selectionSet.selections : []))
        .map((field) => (field.kind === Kind.FIELD ? field.name.value : ''));
    });
    expect(operations).toEqual(expect.arrayContaining([
      'signUp', 'login', 'verifyLoginSecondFactor', 'startTwoFactorSetup', 'verifyTwoFactorSetupEmail',
      'confirmTwoFactorSetup', 'completeTwoFactorSetup', 'me',
    ]));
  });

  it('serves GraphiQL outside production with its scripts from this server, not a CDN', async () => {
    const page = await t.http().get('/graphql').set('Accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="graphiql">');
    const scripts = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThanOrEqual(4);
    for (const src of scripts) {
      expect(src.startsWith('/graphiql/')).toBe(true);
      const asset = await t.http().get(src);
      expect(asset.status).toBe(200);
      expect(asset.body.length || asset.text.length).toBeGreaterThan(100);
    }
  });
});

describe('GraphiQL from another machine', () => {
  it('is served with a policy that does not force HTTPS on a plain-HTTP host that is not localhost', async () => {
    for (const host of ['127.0.0.2:3000', '192.168.1.20:3000', 'devbox.lan']) {
      const page = await t.http().get('/graphql').set('Host', host).set('Accept', 'text/html');
      expect(page.status).toBe(200);
      const policy = page.headers['content-security-policy'] as string;
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toContain('upgrade-insecure-requests');
      const script = await t.http().get('/graphiql/graphiql.js').set('Host', host);
      expect(script.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    }
  });

  it('keeps upgrade-insecure-requests for pages that came over HTTPS through a trusted proxy', async () => {
    const proxied = await startTestApp({ config: { trustProxy: 1 } });
    try {
      const page = await proxied.http().get('/graphql').set('Accept', 'text/html').set('X-Forwarded-Proto', 'https');
      expect(page.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    } finally {
      await proxied.close();
    }
  });
});

describe('CORS', () => {
  const preflight = (app: TestApp, origin: string) =>
    app.http().options('/graphql').set('Origin', origin).set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'content-type,authorization');

  it('allows no other origin by default', async () => {
    const answer = await preflight(t, 'http://localhost:5173');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    const call = await t.http().post('/graphql').set('Origin', 'http://localhost:5173').set('Content-Type', 'application/json').send({ query: '{ __typename }' });
    expect(call.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the origins in CORS_ORIGINS', async () => {
    const withCors = await startTestApp({ config: { corsOrigins: ['https://console.example.com'] } });
    try {
      const allowed = await preflight(withCors, 'https://console.example.com');
      expect(allowed.status).toBeLessThan(300);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://console.example.com');
      expect(allowed.headers['access-control-allow-headers']).toMatch(/authorization/i);
      const call = await withCors.http().post('/graphql').set('Origin', 'https://console.example.com').set('Content-Type', 'application/json').send({ query: '{ __typename }' });
      expect(call.headers['access-control-allow-origin']).toBe('https://console.example.com');
      expect(call.headers['access-control-expose-headers']).toMatch(/x-request-id/i);
      const other = await preflight(withCors, 'https://evil.example');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await withCors.close();
    }
  });
});
