import type { ApolloDriverConfig } from '@nestjs/apollo';

/** Apollo's plugin type as the Nest driver declares it (its CommonJS build). */
type ApolloServerPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

/**
 * Far above any real answer of this API (the operation limits keep one well under it); the last
 * line against an operation that would still fan out into megabytes for other users to wait behind.
 */
export const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

interface SingleOrIncremental {
  kind: string;
  singleResult?: unknown;
}

/** Replaces an answer larger than `maxBytes` with a BAD_USER_INPUT error that says what to do. */
export function responseSizeLimit(maxBytes = MAX_RESPONSE_BYTES): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }: { response: { body: SingleOrIncremental } }) {
          if (response.body.kind !== 'single') return;
          const bytes = Buffer.byteLength(JSON.stringify(response.body.singleResult));
          if (bytes <= maxBytes) return;
          response.body.singleResult = {
            errors: [
              {
                message: `The answer would be ${Math.ceil(bytes / 1024)} KB, over the ${Math.floor(maxBytes / 1024)} KB limit. Ask for fewer fields or smaller lists (first).`,
                extensions: { code: 'BAD_USER_INPUT', reason: 'RESPONSE_TOO_LARGE', fields: [] },
              },
            ],
          };
        },
      };
    },
  };
}
