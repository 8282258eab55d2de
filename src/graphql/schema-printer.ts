import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';

export const SCHEMA_FILE_HEADER = '# Printed by `npm run schema:print` from the code-first schema. Do not edit by hand.\n\n';

export function printSchemaFile(schema: GraphQLSchema): string {
  return SCHEMA_FILE_HEADER + printSchema(lexicographicSortSchema(schema)) + '\n';
}
