import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { GraphQLSchemaHost, RESOLVER_NAME_METADATA, RESOLVER_TYPE_METADATA } from '@nestjs/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENINGS_KEY } from '../src/auth/decorators/access.decorators';
import { printSchemaFile } from '../src/graphql/schema-printer';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Every operation with the openings of the global guard. Opening an operation shows up here in review. */
const RECORDED_OPENINGS: Record<string, string[]> = {
  'Mutation.changePassword': [],
  'Mutation.login': ['PUBLIC'],
  'Mutation.logout': ['PENDING_SECOND_FACTOR', 'FORCED_TWO_FACTOR_SETUP'],
  'Mutation.logoutEverywhere': [],
  'Mutation.revokeTrustedDevice': [],
  'Mutation.signUp': ['PUBLIC'],
  'Query.me': ['FORCED_TWO_FACTOR_SETUP'],
  'Query.mySecurityEvents': [],
  'Query.trustedDevices': [],
};

function operationOpenings(): Record<string, string[]> {
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const found: Record<string, string[]> = {};
  const providers = [...t.app.get(ModulesContainer).values()].flatMap((module) => [...module.providers.values()]);
  for (const wrapper of providers) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    if (!instance || typeof instance !== 'object') continue;
    const prototype = Object.getPrototypeOf(instance);
    for (const method of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[method];
      const type = Reflect.getMetadata(RESOLVER_TYPE_METADATA, handler);
      if (type !== 'Query' && type !== 'Mutation') continue;
      const name = Reflect.getMetadata(RESOLVER_NAME_METADATA, handler) ?? method;
      found[`${type}.${name}`] = reflector.getAllAndOverride(OPENINGS_KEY, [handler, prototype.constructor]) ?? [];
    }
  }
  return Object.fromEntries(Object.entries(found).sort(([a], [b]) => a.localeCompare(b)));
}

describe('schema', () => {
  it('schema.gql is the schema the server serves (run `npm run schema:print` after a change)', () => {
    const committed = readFileSync(join(__dirname, '..', 'schema.gql'), 'utf8');
    expect(committed).toBe(printSchemaFile(t.app.get(GraphQLSchemaHost).schema));
  });

  it('every operation is denied by default unless opened by a named decorator, as recorded', () => {
    const openings = operationOpenings();
    const schema = t.app.get(GraphQLSchemaHost).schema;
    const schemaOperations = [
      ...Object.keys(schema.getQueryType()!.getFields()).map((f) => `Query.${f}`),
      ...Object.keys(schema.getMutationType()!.getFields()).map((f) => `Mutation.${f}`),
    ].sort();
    expect(Object.keys(openings).sort()).toEqual(schemaOperations);
    expect(openings).toEqual(RECORDED_OPENINGS);
  });
});
