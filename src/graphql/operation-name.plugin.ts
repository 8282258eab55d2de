import type { ApolloDriverConfig } from '@nestjs/apollo';
import { currentRequestContext } from '../common/request-context';

type ApolloServerPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

/**
 * Apollo learns the operation's name (from the document when the body gives none) after the
 * request context was made, and formatError is not handed it: written into the context here, it
 * can be named in the log line of an unexpected error.
 */
export function operationNamePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName }: { operationName: string | null }) {
          const context = currentRequestContext();
          if (context) context.operationName = operationName;
        },
      };
    },
  };
}
