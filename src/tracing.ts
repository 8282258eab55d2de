import type { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * OpenTelemetry traces over OTLP, when OTEL_EXPORTER_OTLP_ENDPOINT is set (the SDK reads the other
 * OTEL_* variables: protocol, headers, service name). This is main.ts's first import because the
 * instrumentations patch http, pg and graphql as they are first required. Without the endpoint,
 * nothing of OpenTelemetry is even loaded.
 */
const sdk = process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? startTracing() : undefined;

/** Sends the spans still buffered; main.ts awaits it before the process exits. */
export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
}

function startTracing(): NodeSDK {
  // Required here rather than imported at the top: only when tracing is on.
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { GraphQLInstrumentation } = require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'account-security-service',
    instrumentations: [
      // Health checks come every few seconds from every balancer: not worth a trace each.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url?.startsWith('/health') ?? false }),
      // Parse, validate and execute spans, none per resolver: a span per field would cost more
      // than the operation it describes.
      new GraphQLInstrumentation({ ignoreResolveSpans: true, mergeItems: true, depth: 0 }),
      // A span per statement, but none per pool checkout (db_pool_waiting_clients shows waits), and
      // none outside a request: each pruning batch would be a trace of one span.
      new PgInstrumentation({ ignoreConnectSpans: true, requireParentSpan: true }),
    ],
    // Traces only: metrics are Prometheus's (METRICS_PORT), and logs go to stdout.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return sdk;
}
