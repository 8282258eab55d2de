import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app';

/** What GraphiQL 3 sends for its Docs and completion (useIntrospectionQuery in @graphiql/react), with both of its options on. */
const GRAPHIQL_QUERY = getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true });
/** `name` two levels below the standard query's deepest field. */
const TOO_DEEP = `{ __type(name: "User") { ${'ofType { '.repeat(14)}name${' }'.repeat(14)} } }`;

async function postIntrospection(t: TestApp, query: string) {
  const response = await t.http().post('/graphql').set('Content-Type', 'application/json').send({ query, operationName: 'IntrospectionQuery' });
  return { status: response.status, data: response.body.data, errors: response.body.errors as Array<{ message: string; extensions: { code: string } }> | undefined };
}

describe('GraphiQL with introspection on (development)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { introspection: true, graphiql: true } });
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers GraphiQL's own introspection query with the schema", async () => {
    for (const query of [GRAPHIQL_QUERY, getIntrospectionQuery()]) {
      const result = await postIntrospection(t, query);
      expect(result.errors).toBeUndefined();
      expect(result.status).toBe(200);
      const types = (result.data.__schema.types as Array<{ name: string }>).map((type) => type.name);
      expect(types).toEqual(expect.arrayContaining(['Query', 'Mutation', 'User', 'LoginInput']));
    }
  });

  it('refuses introspection nested deeper than the standard query, and its types asked for twice', async () => {
    const deep = await postIntrospection(t, TOO_DEEP);
    expect(deep.status).toBe(400);
    expect(deep.errors!.map((error) => error.message)).toEqual(['An operation may nest introspection fields at most 15 levels deep.']);
    const twice = await postIntrospection(t, getIntrospectionQuery().replace(/types \{\s*\.\.\.FullType\s*\}/, 'a: types { ...FullType } b: types { ...FullType }'));
    expect(twice.status).toBe(400);
    expect(twice.errors![0].message).toMatch(/at most 300 fields in all/);
  });
});

describe('GraphiQL with introspection off (production)', () => {
  it('refuses both queries', async () => {
    const t = await startTestApp({ config: { production: true, introspection: false, graphiql: false } });
    try {
      for (const query of [GRAPHIQL_QUERY, TOO_DEEP]) {
        const result = await postIntrospection(t, query);
        expect(result.status).toBe(400);
        expect(result.data).toBeUndefined();
        expect(result.errors![0].extensions.code).toBe('BAD_USER_INPUT');
      }
    } finally {
      await t.close();
    }
  });
});
