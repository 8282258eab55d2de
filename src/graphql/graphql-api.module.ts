import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsModule } from '../metrics/metrics.module';
import { MetricsService } from '../metrics/metrics.service';
import { formatGraphQLError } from './format-error';
import { operationLimits } from './operation-limits.rule';
import { operationNamePlugin } from './operation-name.plugin';
import { requestMetricsPlugin } from './request-metrics.plugin';
import { stringifyWithinLimit } from './response-size-limit';

/** Far above any real operation of this API; stops a megabyte of aliases before it is validated. */
export const MAX_QUERY_TOKENS = 2_000;

/** Code-first Apollo at POST /graphql. The schema is built in memory; `npm run schema:print` writes schema.gql. */
@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [MetricsModule],
      inject: [APP_CONFIG, MetricsService],
      useFactory: (config: AppConfig, metrics: MetricsService): ApolloDriverConfig => ({
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
        validationRules: [operationLimits()],
        // Automatic persisted queries would let a client register query text by hash: not configured, so off.
        persistedQueries: false,
        plugins: [operationNamePlugin(), requestMetricsPlugin(metrics)],
        stringifyResult: stringifyWithinLimit(),
        formatError: (formatted, error) => formatGraphQLError(formatted, error, { hideSuggestions: config.production }),
        // Apollo on Fastify hands the context function the request; { req } is all resolvers and guards read.
        context: (request: unknown) => ({ req: request }),
      }),
    }),
  ],
})
export class GraphQLApiModule {}
