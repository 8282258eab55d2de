import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { GraphQLSchemaHost, RESOLVER_NAME_METADATA, RESOLVER_TYPE_METADATA } from '@nestjs/graphql';
import {
  getNamedType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  isScalarType,
  Kind,
  parse,
  type TypeNode,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENINGS_KEY } from '../src/common/access.decorators';
import { ErrorCode, ServerErrorCode } from '../src/common/app-error';
import { printSchemaFile } from '../src/graphql/schema-printer';
import { errorCode, login, newUser } from './support/operations';
import { addMember, newOrganization, updateOrganizationSecuritySettings } from './support/organizations';
import { startTestApp, type TestApp } from './support/test-app';
import { enableTwoFactor } from './support/two-factor';

/** The contract frontend teams build against, in the shared folder beside this repository. */
const CONTRACT_FILE = join(__dirname, '..', '..', 'shared', 'api', 'contract.graphql');
/** The binding additions to the contract that this server serves already (`extend` definitions beside new types). */
const NEXT_CONTRACT_FILES = [
  'passkeys.graphql',
  'invitations.graphql',
  'account-recovery.graphql',
  'passwordless.graphql',
  'security-webhooks.graphql',
  'account-safety.graphql',
].map(
  (file) => join(__dirname, '..', '..', 'shared', 'api', 'next', file),
);

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Every operation with the openings of the global guard. Opening an operation shows up here in review. */
const RECORDED_OPENINGS: Record<string, string[]> = {
  'Mutation.acceptOrganizationInvitation': ['FORCED_TWO_FACTOR_SETUP'],
  'Mutation.addOrganizationMember': [],
  'Mutation.cancelTwoFactorSetup': ['FORCED_TWO_FACTOR_SETUP'],
  'Mutation.changePassword': [],
  'Mutation.completeTwoFactorSetup': ['FORCED_TWO_FACTOR_SETUP'],
  'Mutation.confirmRecoveryCodesReissue': [],
  'Mutation.confirmAuthenticatorReplacement': [],
  'Mutation.confirmTwoFactorSetup': ['FORCED_TWO_FACTOR_SETUP'],
  'Mutation.createOrganization': [],
  'Mutation.createOrganizationWebhook': [],
  'Mutation.deleteOrganizationWebhook': [],
  'Mutation.declineOrganizationInvitation': ['FORCED_TWO_FACTOR_SETUP'],
  'Mutation.disableTwoFactor': [],
  'Mutation.inviteOrganizationMember': [],
  // Open during forced setup: a session held by a phishing-resistant rule gets out by registering a key.
  'Mutation.finishPasskeyRegistration': ['FORCED_TWO_FACTOR_SETUP'],
  'Mutation.finishPasskeySignIn': ['PUBLIC'],
  'Mutation.login': ['PUBLIC'],
  'Mutation.logout': ['PENDING_SECOND_FACTOR', 'FORCED_TWO_FACTOR_SETUP'],
  'Mutation.logoutEverywhere': [],
  'Mutation.reissueRecoveryCodes': [],
  'Mutation.removePasskey': [],
  'Mutation.removeOrganizationMember': ['FORCED_TWO_FACTOR_SETUP'],
  'Mutation.revokeOrganizationInvitation': [],
  'Mutation.renamePasskey': [],
  'Mutation.resetMemberTwoFactor': [],
  'Mutation.revokeTrustedDevice': [],
  'Mutation.reportUnrecognizedSignIn': ['PUBLIC'],
  'Mutation.requestPasswordReset': ['PUBLIC'],
  'Mutation.resetPassword': ['PUBLIC'],
  'Mutation.revokeSession': [],
  'Mutation.signUp': ['PUBLIC'],
  'Mutation.startPasskeyRegistration': ['FORCED_TWO_FACTOR_SETUP'],
  'Mutation.startPasskeySecondFactor': ['PENDING_SECOND_FACTOR'],
  'Mutation.startPasskeySignIn': ['PUBLIC'],
  'Mutation.startAuthenticatorReplacement': [],
  'Mutation.startTwoFactorSetup': ['FORCED_TWO_FACTOR_SETUP'],
  'Mutation.updateOrganizationMemberRole': [],
  'Mutation.updateOrganizationSecuritySettings': [],
  'Mutation.verifyLoginSecondFactor': ['PENDING_SECOND_FACTOR'],
  'Mutation.verifyTwoFactorSetupEmail': ['FORCED_TWO_FACTOR_SETUP'],
  'Query.me': ['FORCED_TWO_FACTOR_SETUP'],
  // Open during forced setup: see InvitationsResolver (see and decline, or join, while blocked by another organization).
  'Query.myInvitations': ['FORCED_TWO_FACTOR_SETUP'],
  'Query.invitationForToken': ['FORCED_TWO_FACTOR_SETUP'],
  'Query.myOrganizations': ['FORCED_TWO_FACTOR_SETUP'],
  'Query.mySecurityEvents': [],
  'Query.organization': [],
  'Query.organizationInvitations': [],
  'Query.organizationMembers': [],
  'Query.organizationSecurityEvents': [],
  'Query.organizationWebhookDeliveries': [],
  'Query.organizationWebhooks': [],
  'Query.sessions': [],
  'Query.passkeys': [],
  'Query.trustedDevices': [],
  'Query.twoFactorStatus': ['FORCED_TWO_FACTOR_SETUP'],
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

/** `String!`, `[User!]!`… of a contract type reference. */
function typeName(type: TypeNode): string {
  if (type.kind === Kind.NON_NULL_TYPE) return `${typeName(type.type)}!`;
  if (type.kind === Kind.LIST_TYPE) return `[${typeName(type.type)}]`;
  return type.name.value;
}

/** Every type, field, argument, input field and enum value of the contract (and of its `extend`s), as `path: type` lines. */
function contractSurface(sdl: string): string[] {
  const lines: string[] = [];
  for (const definition of parse(sdl).definitions) {
    if (definition.kind === Kind.SCALAR_TYPE_DEFINITION) lines.push(`scalar ${definition.name.value}`);
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION || definition.kind === Kind.ENUM_TYPE_EXTENSION) {
      for (const value of definition.values ?? []) lines.push(`enum ${definition.name.value}.${value.name.value}`);
    }
    if (
      definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.OBJECT_TYPE_EXTENSION ||
      definition.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION
    ) {
      for (const field of definition.fields ?? []) {
        lines.push(`${definition.name.value}.${field.name.value}: ${typeName(field.type)}`);
        for (const arg of 'arguments' in field ? field.arguments ?? [] : []) {
          lines.push(`${definition.name.value}.${field.name.value}(${arg.name.value}): ${typeName(arg.type)}`);
        }
      }
    }
  }
  return lines;
}

function servedSurface(schema: GraphQLSchema): Set<string> {
  const lines = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (isScalarType(type)) lines.add(`scalar ${type.name}`);
    if (isEnumType(type)) for (const value of type.getValues()) lines.add(`enum ${type.name}.${value.name}`);
    if (isObjectType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        lines.add(`${type.name}.${field.name}: ${String(field.type)}`);
        for (const arg of 'args' in field ? field.args : []) lines.add(`${type.name}.${field.name}(${arg.name}): ${String(arg.type)}`);
      }
    }
  }
  return lines;
}

describe('schema', () => {
  it('serves every name, type and nullability of the frontend contract', () => {
    const contract = contractSurface(readFileSync(CONTRACT_FILE, 'utf8'));
    expect(contract.length).toBeGreaterThan(150);
    const served = servedSurface(t.app.get(GraphQLSchemaHost).schema);
    expect(contract.filter((line) => !served.has(line))).toEqual([]);
  });

  it.each(NEXT_CONTRACT_FILES)('serves every name, type and nullability of %s, its extends included', (file) => {
    const contract = contractSurface(readFileSync(file, 'utf8'));
    expect(contract.length).toBeGreaterThan(5);
    const served = servedSurface(t.app.get(GraphQLSchemaHost).schema);
    expect(contract.filter((line) => !served.has(line))).toEqual([]);
  });

  it('schema.gql is the schema the server serves (run `npm run schema:print` after a change)', () => {
    const committed = readFileSync(join(__dirname, '..', 'schema.gql'), 'utf8');
    expect(committed).toBe(printSchemaFile(t.app.get(GraphQLSchemaHost).schema));
  });

  it('describes itself: every type, every field and argument of every object and input type, and every enum value has a description', () => {
    const schema = t.app.get(GraphQLSchemaHost).schema;
    const rootTypes = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name]);
    const undescribed: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      // Built-in types come with the specification's descriptions; Query and Mutation are described field by field.
      if (type.name.startsWith('__') || ['String', 'Boolean', 'Int', 'Float', 'ID'].includes(type.name)) continue;
      if (!rootTypes.has(type.name) && !type.description?.trim()) undescribed.push(`type ${type.name}`);
      if (isEnumType(type)) for (const value of type.getValues()) if (!value.description?.trim()) undescribed.push(`${type.name}.${value.name}`);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description?.trim()) undescribed.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) if (!arg.description?.trim()) undescribed.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    expect(undescribed).toEqual([]);
  });

  it('names in each operation\'s description only error codes that exist', () => {
    const schema = t.app.get(GraphQLSchemaHost).schema;
    const known = new Set([...Object.values(ErrorCode), ...Object.values(ServerErrorCode)] as string[]);
    const operations = [...Object.values(schema.getQueryType()!.getFields()), ...Object.values(schema.getMutationType()!.getFields())];
    const unknown = operations.flatMap((field) => {
      const listed = /\nErrors: (.*)\.$/.exec(field.description ?? '')?.[1] ?? '';
      return [...listed.matchAll(/\b[A-Z][A-Z_]+\b/g)].map((m) => m[0]).filter((code) => !known.has(code)).map((code) => `${field.name}: ${code}`);
    });
    expect(unknown).toEqual([]);
    expect(schema.getMutationType()!.getFields().login.description).toMatch(/Errors: .*TOO_MANY_ATTEMPTS \(extensions: retryAfterSeconds\)/);
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

/** A well-typed value for any argument, so that a request reaches the guard rather than stopping at coercion. */
function plausibleValue(type: GraphQLInputType): unknown {
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    return Object.fromEntries(Object.values(named.getFields()).map((field) => [field.name, plausibleValue(field.type)]));
  }
  if (isEnumType(named)) return named.getValues()[0].value;
  return { ID: '00000000-0000-4000-8000-000000000000', Int: 1, Boolean: true, String: 'x' }[named.name] ?? 'x';
}

function callOperation(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, token?: string) {
  const variables = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : '{ __typename }';
  const query = `${kind}${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selection} }`;
  return t.gql(query, Object.fromEntries(field.args.map((arg) => [arg.name, plausibleValue(arg.type)])), token);
}

describe('the guard, operation by operation, as recorded', () => {
  it('refuses no session, a pending session and an overdue user exactly where no decorator opens the operation', async () => {
    const twoFactorUser = await newUser(t);
    await enableTwoFactor(t, twoFactorUser);
    const pending = (await login(t, { email: twoFactorUser.email, password: twoFactorUser.password })).data!.login.accessToken;

    const owner = await newUser(t);
    const ownerToken = (await enableTwoFactor(t, owner)).token;
    const overdue = await newUser(t);
    const organizationId = await newOrganization(t, ownerToken);
    await addMember(t, ownerToken, organizationId, overdue.email);
    await updateOrganizationSecuritySettings(t, ownerToken, { organizationId, requireTwoFactor: true, twoFactorGracePeriodHours: 0 });

    const schema = t.app.get(GraphQLSchemaHost).schema;
    const operations = [
      ...Object.values(schema.getQueryType()!.getFields()).map((f) => ['query', f] as const),
      ...Object.values(schema.getMutationType()!.getFields()).map((f) => ['mutation', f] as const),
    ].sort(([, a], [, b]) => Number(a.name === 'logout') - Number(b.name === 'logout')); // logout ends the session: last

    const mismatches: string[] = [];
    for (const [kind, field] of operations) {
      const openings = RECORDED_OPENINGS[`${kind === 'query' ? 'Query' : 'Mutation'}.${field.name}`];
      if (openings.includes('PUBLIC')) continue;
      const expectations: Array<[string | undefined, string, boolean]> = [
        [undefined, 'UNAUTHENTICATED', true],
        [pending, 'SECOND_FACTOR_REQUIRED', !openings.includes('PENDING_SECOND_FACTOR')],
        [overdue.token, 'TWO_FACTOR_SETUP_REQUIRED', !openings.includes('FORCED_TWO_FACTOR_SETUP')],
      ];
      for (const [token, code, refused] of expectations) {
        const answered = errorCode(await callOperation(kind, field, token));
        if ((answered === code) !== refused) mismatches.push(`${field.name}: ${code} expected ${refused ? '' : 'not '}but got ${answered}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
