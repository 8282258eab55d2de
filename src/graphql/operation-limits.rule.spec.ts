import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationLimits } from './operation-limits.rule';

const schema = buildSchema(`
  type User { id: ID! friends: [User!]! }
  type Query { me: User! other: User! }
  type Mutation { act: Boolean! }
`);
const limits = { maxRootFields: 3, maxDepth: 4, maxFields: 20 };
const check = (query: string) => validate(schema, parse(query), [...specifiedRules, operationLimits(limits)]).map((e) => e.message);

describe('operation limits', () => {
  it('let a normal operation through', () => {
    expect(check('{ me { id friends { id } } other { id } }')).toEqual([]);
  });

  it('count root fields inside inline fragments', () => {
    expect(check('{ ... on Query { me { id } me { id } me { id } me { id } } }')).toEqual([
      'An operation may select at most 3 top-level fields; this one selects 4.',
    ]);
  });

  it('count root fields inside named fragments, each time a fragment is spread', () => {
    expect(check('mutation { ...M ...M } fragment M on Mutation { act a2: act }')).toEqual([
      'An operation may select at most 3 top-level fields; this one selects 4.',
    ]);
  });

  it('measure depth through fragments', () => {
    expect(check('{ me { ...F } } fragment F on User { friends { friends { friends { id } } } }')).toEqual([
      'An operation may nest fields at most 4 levels deep.',
    ]);
  });

  it('stop counting a fragment bomb at the limit', () => {
    const bomb = 'fragment A on User { id id id id } ' +
      ['B', 'C', 'D', 'E', 'G', 'H', 'I', 'J'].map((name, i, all) => {
        const inner = i === 0 ? 'A' : all[i - 1];
        return `fragment ${name} on User { ...${inner} ...${inner} ...${inner} ...${inner} }`;
      }).join(' ');
    expect(check(`{ me { ...J } } ${bomb}`)).toContain('An operation may select at most 20 fields in all, counting every fragment where it is used.');
  });

  it('report a fragment cycle as graphql does, without recursing forever', () => {
    const messages = check('query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }');
    expect(messages.some((m) => /Cannot spread fragment "A" within itself/.test(m))).toBe(true);
  });
});
