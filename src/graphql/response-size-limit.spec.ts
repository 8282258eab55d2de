import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringifyWithinLimit } from './response-size-limit';

const server = new ApolloServer({
  typeDefs: 'type Query { text(length: Int!): String! }',
  resolvers: { Query: { text: (_: unknown, { length }: { length: number }) => 'x'.repeat(length) } },
  stringifyResult: stringifyWithinLimit(1024),
});

beforeAll(() => server.start());
afterAll(() => server.stop());

/** What a client receives over HTTP for `query`. */
async function answer(query: string) {
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers: new Map([['content-type', 'application/json']]) as never, search: '', body: { query } },
    context: async () => ({}),
  });
  if (response.body.kind !== 'complete') throw new Error('expected one complete answer');
  return JSON.parse(response.body.string) as { data?: unknown; errors?: Array<{ message: string; extensions: Record<string, unknown> }> };
}

describe('response size limit', () => {
  it('lets an answer under the limit through', async () => {
    expect((await answer('{ text(length: 100) }')).data).toEqual({ text: 'x'.repeat(100) });
  });

  it('counts bytes, not characters: 400 three-byte characters are over 1 KB', () => {
    const stringify = stringifyWithinLimit(1024);
    expect(JSON.parse(stringify({ data: { text: '한'.repeat(300) } })).data).toBeDefined();
    expect(JSON.parse(stringify({ data: { text: '한'.repeat(400) } })).errors[0].extensions.reason).toBe('RESPONSE_TOO_LARGE');
  });

  it('replaces an answer over the limit with an error the client can act on', async () => {
    const result = await answer('{ text(length: 5000) }');
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'RESPONSE_TOO_LARGE' });
    expect(result.errors?.[0].message).toMatch(/over the 1 KB limit/);
  });
});
