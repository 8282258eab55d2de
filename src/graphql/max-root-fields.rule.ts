import { GraphQLError, Kind, type ValidationContext, type ASTVisitor } from 'graphql';

/**
 * One request may not run an operation many times over through aliases (`a: login(…) b: login(…)`),
 * which would multiply password hashes and code guesses per request.
 */
export const MAX_ROOT_FIELDS = 10;

export function maxRootFields(limit: number) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const rootFields = operation.selectionSet.selections.filter((selection) => selection.kind === Kind.FIELD);
      if (rootFields.length > limit) {
        context.reportError(new GraphQLError(`An operation may select at most ${limit} top-level fields; this one selects ${rootFields.length}.`, { nodes: [operation] }));
      }
    },
  });
}
