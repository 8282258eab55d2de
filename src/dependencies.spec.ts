import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Dependencies that src/ never names but the running server needs, each with its reason. Anything
 * else in `dependencies` must be imported by src/ (specs aside: what only a test uses is a
 * devDependency), so a package nobody imports cannot linger.
 */
const RUNTIME_ONLY: Record<string, string> = {
  '@as-integrations/fastify': '@nestjs/apollo loads it to serve Apollo on Fastify; without it the app dies at boot',
  '@opentelemetry/api': 'the API that the OpenTelemetry SDK and instrumentations of src/tracing.ts share (their peer dependency)',
  graphiql: 'served as files to the offline GraphiQL page (src/graphql/graphiql-page.ts)',
  react: 'served as files to the offline GraphiQL page (src/graphql/graphiql-page.ts)',
  'react-dom': 'served as files to the offline GraphiQL page (src/graphql/graphiql-page.ts)',
  lodash: '@nestjs-modules/mailer requires it without declaring it (its MailerService fails to load without it)',
  pino: 'peer dependency of nestjs-pino',
  'pino-http': 'peer dependency of nestjs-pino',
  rxjs: 'peer dependency of @nestjs/core and nestjs-pino',
};

const ROOT = join(__dirname, '..');

/** 'lodash' of 'lodash/get', '@nestjs/core' of '@nestjs/core/x'; null for relative paths and Node's own modules. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return null;
  return specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}

/** Every package that src/ (specs aside) imports, requires (or resolves, for a worker to load) or type-imports. */
function packagesImportedBySrc(): Set<string> {
  const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'));
  const imported = new Set<string>();
  for (const file of files) {
    const source = readFileSync(join(ROOT, 'src', file), 'utf8');
    for (const [, specifier] of source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire(?:\.resolve)?\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)) {
      const name = packageOf(specifier);
      if (name) imported.add(name);
    }
  }
  return imported;
}

/** '@types/express' is used where 'express' is imported; '@types/scope__name' where '@scope/name' is. */
function typedPackage(name: string): string | null {
  if (!name.startsWith('@types/')) return null;
  const typed = name.slice('@types/'.length);
  return typed.includes('__') ? `@${typed.replace('__', '/')}` : typed;
}

describe('package.json dependencies', () => {
  const dependencies = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
  const imported = packagesImportedBySrc();

  it('are each imported by src/, or needed at run time for a reason written above', () => {
    const unused = dependencies.filter((name) => !imported.has(name) && !imported.has(typedPackage(name) ?? '') && !(name in RUNTIME_ONLY));
    expect(unused).toEqual([]);
  });

  it('need a reason only where src/ does not import them, and only while they are dependencies', () => {
    const needless = Object.keys(RUNTIME_ONLY).filter((name) => imported.has(name) || !dependencies.includes(name));
    expect(needless).toEqual([]);
  });
});
