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
  it('GET /health says the database answers', async () => {
    const response = await t.http().get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', database: 'up' });
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
