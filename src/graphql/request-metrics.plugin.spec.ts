import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationLabel, outcomeLabel } from './request-metrics.plugin';

const operationOf = (query: string) => parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

describe('request metrics labels', () => {
  it('names the operation by its root field, not by the operation name the client chose', () => {
    expect(operationLabel(operationOf('mutation AnythingAtAll($input: LoginInput!) { signIn: login(input: $input) { status } }'))).toBe('login');
    expect(operationLabel(operationOf('{ me { id } myOrganizations { id } }'))).toBe('multiple');
    expect(operationLabel(operationOf('{ ... on Query { me { id } } }'))).toBe('none');
    expect(operationLabel(undefined)).toBe('none');
  });

  it('gives ok, the first error code when it is one of ours, or other', () => {
    expect(outcomeLabel(undefined)).toBe('ok');
    expect(outcomeLabel([])).toBe('ok');
    expect(outcomeLabel([{ extensions: { code: 'INVALID_CREDENTIALS' } }, { extensions: { code: 'FORBIDDEN' } }])).toBe('INVALID_CREDENTIALS');
    expect(outcomeLabel([{ extensions: { code: 'INTERNAL_SERVER_ERROR' } }])).toBe('INTERNAL_SERVER_ERROR');
    expect(outcomeLabel([{ extensions: { code: 'whatever a client might send' } }])).toBe('other');
    expect(outcomeLabel([{}])).toBe('other');
  });
});
