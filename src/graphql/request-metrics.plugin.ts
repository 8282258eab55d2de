import type { ApolloDriverConfig } from '@nestjs/apollo';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { contractErrorCodes, ServerErrorCode } from '../common/app-error';
import type { MetricsService } from '../metrics/metrics.service';

type ApolloServerPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

const KNOWN_CODES: ReadonlySet<string> = new Set([...contractErrorCodes, ...Object.values(ServerErrorCode)]);

/**
 * The operation a request ran, named by its root field (`login`), never by the client's
 * operation name: that one is free text, and every new label value is a new time series.
 */
export function operationLabel(operation: OperationDefinitionNode | undefined): string {
  if (!operation) return 'none';
  const fields = operation.selectionSet.selections.filter((selection) => selection.kind === Kind.FIELD);
  if (fields.length === 0) return 'none';
  return fields.length === 1 ? fields[0]!.name.value : 'multiple';
}

/** 'ok', or the code of the first error answered (formatGraphQLError has made it one of ours). */
export function outcomeLabel(errors: ReadonlyArray<{ extensions?: Record<string, unknown> }> | undefined): string {
  if (!errors?.length) return 'ok';
  const code = errors[0]!.extensions?.code;
  return typeof code === 'string' && KNOWN_CODES.has(code) ? code : 'other';
}

interface ResponseContext {
  operation?: OperationDefinitionNode;
  response: { body: { kind: string; singleResult?: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> } } };
}

/** Times every request from its start to the answer Apollo sends, by operation and outcome. */
export function requestMetricsPlugin(metrics: MetricsService): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, response }: ResponseContext) {
          const errors = response.body.kind === 'single' ? response.body.singleResult?.errors : undefined;
          metrics.observeGraphQLRequest(operationLabel(operation), outcomeLabel(errors), (performance.now() - started) / 1000);
        },
      };
    },
  };
}
