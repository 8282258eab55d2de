import { ApolloServer } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { responseSizeLimit } from './response-size.plugin';

const server = new ApolloServer({
  typeDefs: 'type Query { text(length: Int!): String! }',
  resolvers: { Query: { text: (_: unknown, { length }: { length: number }) => 'x'.repeat(length) } },
  // The plugin is typed against the CommonJS build Nest uses; this spec imports the ESM one.
  plugins: [responseSizeLimit(1024) as never],
});

describe('response size limit', () => {
  it('lets an answer under the limit through', async () => {
    const result = await server.executeOperation({ query: '{ text(length: 100) }' });
    expect(result.body.kind === 'single' && result.body.singleResult.data).toEqual({ text: 'x'.repeat(100) });
  });

  it('replaces an answer over the limit with an error the client can act on', async () => {
    const result = await server.executeOperation({ query: '{ text(length: 5000) }' });
    const single = result.body.kind === 'single' ? result.body.singleResult : null;
    expect(single?.data).toBeUndefined();
    expect(single?.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'RESPONSE_TOO_LARGE' });
    expect(single?.errors?.[0].message).toMatch(/over the 1 KB limit/);
  });
});
