import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

export interface OperationLimits {
  /**
   * One request may not run an operation many times over (`a: login(…) b: login(…)`, or the same
   * field repeated inside `... on Mutation { … }`), which would multiply password hashes, code
   * guesses and mails per request.
   */
  maxRootFields: number;
  maxDepth: number;
  /**
   * Depth under `__schema` and `__type`, for which maxDepth is too low: graphql-js's standard
   * introspection query (what GraphiQL and codegen send) reaches 15 levels with its nine nested
   * `ofType`. Their fields count toward maxFields like any others, and graphql's own
   * MaxIntrospectionDepthRule refuses `fields { type { fields … } }` nesting that would multiply.
   */
  maxIntrospectionDepth: number;
  /** Fields selected after expanding every fragment: bounds the work and the size of one answer. */
  maxFields: number;
}

export const OPERATION_LIMITS: OperationLimits = { maxRootFields: 10, maxDepth: 8, maxIntrospectionDepth: 15, maxFields: 300 };

/**
 * Measures each operation as it will run, with inline and named fragments expanded. Fragment cycles
 * are left to graphql's own NoFragmentCycles rule (which runs in the same pass): here a fragment
 * already on the current path is not entered again, so a cycle cannot make this recurse forever.
 */
export function operationLimits(limits: OperationLimits = OPERATION_LIMITS) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const measure = measureOperation(operation.selectionSet, (name) => context.getFragment(name), limits);
      const problems: string[] = [];
      if (measure.rootFields > limits.maxRootFields) {
        problems.push(`An operation may select at most ${limits.maxRootFields} top-level fields; this one selects ${measure.rootFields}.`);
      }
      if (measure.depth > limits.maxDepth) {
        problems.push(`An operation may nest fields at most ${limits.maxDepth} levels deep.`);
      }
      if (measure.introspectionDepth > limits.maxIntrospectionDepth) {
        problems.push(`An operation may nest introspection fields at most ${limits.maxIntrospectionDepth} levels deep.`);
      }
      if (measure.fields > limits.maxFields) {
        problems.push(`An operation may select at most ${limits.maxFields} fields in all, counting every fragment where it is used.`);
      }
      for (const message of problems) context.reportError(new GraphQLError(message, { nodes: [operation] }));
    },
  });
}

/** The meta fields under which the schema describes itself (`__typename` is a leaf: counted as usual). */
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

export interface OperationMeasure {
  rootFields: number;
  depth: number;
  /** The depth reached inside `__schema` and `__type`, counted from the root like `depth`. */
  introspectionDepth: number;
  fields: number;
}

/**
 * Walks the selections with fragments expanded. Stops counting once a limit is passed, so a
 * fragment that spreads another many times over ("fragment bomb") costs no more than the limit.
 */
export function measureOperation(
  root: SelectionSetNode,
  fragment: (name: string) => FragmentDefinitionNode | null | undefined,
  limits: OperationLimits,
): OperationMeasure {
  const measure: OperationMeasure = { rootFields: 0, depth: 0, introspectionDepth: 0, fields: 0 };
  const overLimit = () =>
    measure.fields > limits.maxFields || measure.depth > limits.maxDepth || measure.introspectionDepth > limits.maxIntrospectionDepth;

  const walk = (selectionSet: SelectionSetNode, depth: number, fragmentPath: ReadonlySet<string>, introspection = false) => {
    for (const selection of selectionSet.selections) {
      if (overLimit()) return;
      switch (selection.kind) {
        case Kind.FIELD: {
          measure.fields++;
          if (depth === 1) measure.rootFields++;
          const inIntrospection = introspection || INTROSPECTION_ROOTS.has(selection.name.value);
          if (inIntrospection) measure.introspectionDepth = Math.max(measure.introspectionDepth, depth);
          else measure.depth = Math.max(measure.depth, depth);
          if (selection.selectionSet) walk(selection.selectionSet, depth + 1, fragmentPath, inIntrospection);
          break;
        }
        case Kind.INLINE_FRAGMENT:
          walk(selection.selectionSet, depth, fragmentPath, introspection);
          break;
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const definition = fragment(name);
          if (!definition || fragmentPath.has(name)) break;
          walk(definition.selectionSet, depth, new Set([...fragmentPath, name]), introspection);
          break;
        }
      }
    }
  };
  walk(root, 1, new Set());
  return measure;
}
