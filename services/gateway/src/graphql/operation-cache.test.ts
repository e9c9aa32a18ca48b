import * as federation from '@apollo/federation-internals';
import { Kind, parse, type DocumentNode } from 'graphql';
import { memoiseGatewayOperations, memoisedOperationFromDocument } from './operation-cache';

const schema = federation.buildSchema(`
  type Query { contacts: [Contact!]! }
  type Contact { id: ID! name: String email: String }
`);
const document = parse(`
  query List { contacts { ...ContactFields } }
  fragment ContactFields on Contact { id name email }
`);
/** The document executeQueryPlan builds per request: the same nodes in a new document. */
const perRequest = (source: DocumentNode): DocumentNode => ({
  kind: Kind.DOCUMENT,
  definitions: [...source.definitions],
});

describe("the gateway's federation Operation per document", () => {
  it('is made once per operation node and fragments, for the unvalidated conversion only', () => {
    const calls: unknown[] = [];
    const memoised = memoisedOperationFromDocument((s, d, o) => {
      calls.push(o);
      return federation.operationFromDocument(s as federation.Schema, d, o);
    });
    const first = memoised(schema, perRequest(document), { validate: false });
    expect(memoised(schema, perRequest(document), { validate: false })).toBe(first);
    expect(calls).toHaveLength(1);
    expect(String(first)).toContain('contacts');

    // another document (a different query text): made anew
    const other = memoised(schema, parse('query List { contacts { id } }'), { validate: false });
    expect(other).not.toBe(first);
    expect(String(other)).not.toContain('email');
    // the same operation with other fragment nodes is not the cached one
    const otherFragments = parse('fragment ContactFields on Contact { id }').definitions;
    const mixed: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [document.definitions[0]!, ...otherFragments],
    };
    expect(String(memoised(schema, mixed, { validate: false }))).not.toContain('email');
    // the planner's validated conversion (and one by name) always runs
    memoised(schema, document, { operationName: 'List' });
    memoised(schema, document, undefined);
    expect(calls).toHaveLength(5);
  });

  it('replaces the conversion @apollo/gateway calls (federation-internals re-exports it live)', () => {
    const before = federation.operationFromDocument;
    memoiseGatewayOperations();
    memoiseGatewayOperations();
    expect(federation.operationFromDocument).not.toBe(before);
    const operation = federation.operationFromDocument(schema, perRequest(document), { validate: false });
    expect(federation.operationFromDocument(schema, perRequest(document), { validate: false })).toBe(
      operation,
    );
  });
});
