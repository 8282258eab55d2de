import { createServer, type Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { AggregatorRegistry } from 'prom-client';

type Render = () => Promise<{ contentType: string; body: string }>;

/** GET /metrics on a port of its own, for Prometheus; everything else is 404. */
export async function serveMetrics(port: number, render: Render): Promise<Server> {
  const logger = new Logger('Metrics');
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    render().then(
      ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
      (error: Error) => {
        logger.error(`Could not collect metrics: ${error.message}`);
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((listening, failed) => server.once('error', failed).listen(port, () => listening()));
  logger.log(`Prometheus metrics at http://localhost:${port}/metrics`);
  return server;
}

/**
 * For the cluster's primary: one scrape gathers every worker's registry over IPC and adds them up
 * (counters and histograms summed, pool gauges summed), so Prometheus sees one instance per pod.
 */
export function serveClusterMetrics(port: number): Promise<Server> {
  const aggregator = new AggregatorRegistry();
  return serveMetrics(port, async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() }));
}
