import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { OPERATION_LIMITS, type OperationLimits, operationLimits } from './operation-limits.rule';

const schema = buildSchema(`
  type User { id: ID! friends: [User!]! }
  type Query { me: User! other: User! }
  type Mutation { act: Boolean! }
`);
const limits = { maxRootFields: 3, maxDepth: 4, maxIntrospectionDepth: 15, maxFields: 20 };
const check = (query: string, rules: OperationLimits = limits) =>
  validate(schema, parse(query), [...specifiedRules, operationLimits(rules)]).map((e) => e.message);

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

describe('operation limits on introspection', () => {
  const checkServed = (query: string) => check(query, OPERATION_LIMITS);
  /** `{ __type(name: "User") { ofType { … { name } } } }`, with `name` at depth levels + 2. */
  const typeRefs = (levels: number) => `{ __type(name: "User") { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} } }`;

  it("let graphql's standard introspection query through, with every option GraphiQL 3 and codegen may turn on", () => {
    expect(checkServed(getIntrospectionQuery())).toEqual([]);
    const everyOption = { descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true };
    expect(checkServed(getIntrospectionQuery(everyOption))).toEqual([]);
  });

  it('refuse introspection one level deeper than the standard query', () => {
    expect(checkServed(typeRefs(13))).toEqual([]);
    expect(checkServed(typeRefs(14))).toEqual(['An operation may nest introspection fields at most 15 levels deep.']);
  });

  it("refuse the standard query with its types asked for twice under aliases", () => {
    const aliased = getIntrospectionQuery().replace(/types \{\s*\.\.\.FullType\s*\}/, 'a: types { ...FullType } b: types { ...FullType }');
    expect(aliased).toContain('b: types');
    expect(checkServed(aliased)).toEqual([
      `An operation may select at most ${OPERATION_LIMITS.maxFields} fields in all, counting every fragment where it is used.`,
    ]);
  });

  it('keep the ordinary depth limit for the other fields of an operation that also introspects', () => {
    const deep = (levels: number) => `me { ${'friends { '.repeat(levels)}id${' }'.repeat(levels)} }`;
    expect(checkServed(`{ __schema { queryType { name } } ${deep(6)} }`)).toEqual([]);
    expect(checkServed(`{ __schema { queryType { name } } ${deep(7)} }`)).toEqual([
      `An operation may nest fields at most ${OPERATION_LIMITS.maxDepth} levels deep.`,
    ]);
  });

  it("leave list nesting inside introspection to graphql's own MaxIntrospectionDepthRule", () => {
    expect(checkServed('{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }')).toEqual([
      'Maximum introspection depth exceeded',
    ]);
  });
});
