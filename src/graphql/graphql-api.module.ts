import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import depthLimit from 'graphql-depth-limit';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { formatGraphQLError } from './format-error';
import { MAX_ROOT_FIELDS, maxRootFields } from './max-root-fields.rule';

export const MAX_QUERY_DEPTH = 8;
/** Far above any real operation of this API; stops a megabyte of aliases before it is validated. */
export const MAX_QUERY_TOKENS = 2_000;

/** Code-first Apollo at POST /graphql. The schema is built in memory; `npm run schema:print` writes schema.gql. */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ApolloDriverConfig => ({
        path: '/graphql',
        autoSchemaFile: true,
        sortSchema: true,
        graphiql: false,
        introspection: config.introspection,
        csrfPrevention: true,
        allowBatchedHttpRequests: false,
        includeStacktraceInErrorResponses: false,
        autoTransformHttpErrors: false,
        parseOptions: { maxTokens: MAX_QUERY_TOKENS },
        validationRules: [depthLimit(MAX_QUERY_DEPTH), maxRootFields(MAX_ROOT_FIELDS)],
        formatError: (formatted, error) => formatGraphQLError(formatted, error, { hideSuggestions: config.production }),
        context: ({ req, res }: { req: unknown; res: unknown }) => ({ req, res }),
      }),
    }),
  ],
})
export class GraphQLApiModule {}
