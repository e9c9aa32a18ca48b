import gql from 'graphql-tag';
import { supergraphAtRef } from '../cli';
import { CompositionFailed, composeSupergraph, printApiSchema, readCommittedSupergraph } from './compose';
import { diffSupergraphs } from './diff';
import { subgraphs } from './subgraphs';
import { introspectionTypingOf, readCommittedTyping } from './typing';

describe('the static supergraph', () => {
  const composed = composeSupergraph(subgraphs);

  it('composes from the subgraphs, with User joined across identity and content', () => {
    const api = printApiSchema(composed);
    const user = /type User \{[^}]*\}/.exec(api)?.[0];
    expect(user).toContain('email: String'); // identity
    expect(user).toContain('subscriptionTier: String!'); // content
    expect(user).toContain('quota: Quota!');
  });

  it('is committed up to date (run `npm run compose` after changing a subgraph schema)', () => {
    expect(readCommittedSupergraph()).toBe(composed);
  });

  it("has the REST rows' typing of its API schema committed up to date (`npm run compose`)", () => {
    const typing = readCommittedTyping();
    expect(typing).toBe(introspectionTypingOf(composed));
    expect(typing).toContain("'Organization': { kind: 'OBJECT'; name: 'Organization'");
  });

  it('has no breaking change against the supergraph committed at HEAD', async () => {
    const base = supergraphAtRef(process.env.SCHEMA_BASE_REF || 'HEAD') ?? readCommittedSupergraph();
    const changes = await diffSupergraphs(base, composed);
    if (process.env.ALLOW_BREAKING_SCHEMA !== '1') expect(changes.breaking.map((c) => c.message)).toEqual([]);
  });

  it('reports composition errors', () => {
    const clash = {
      name: 'content' as const,
      url: 'http://x/graphql',
      typeDefs: gql`
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type User @key(fields: "id") {
          id: ID!
          name: Int!
        }
      `,
    };
    expect(() => composeSupergraph([subgraphs.find((s) => s.name === 'identity')!, clash])).toThrow(
      CompositionFailed,
    );
  });

  it('flags a removed field as a breaking change and an added one as safe', async () => {
    const identity = subgraphs.find((s) => s.name === 'identity')!;
    const before = composeSupergraph([
      identity,
      {
        name: 'content',
        url: 'http://x/graphql',
        typeDefs: gql`
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
          type User @key(fields: "id") {
            id: ID!
            subscriptionTier: String!
          }
        `,
      },
    ]);
    const after = composeSupergraph([
      identity,
      {
        name: 'content',
        url: 'http://x/graphql',
        typeDefs: gql`
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
          type User @key(fields: "id") {
            id: ID!
            postsUsed: Int!
          }
        `,
      },
    ]);
    const changes = await diffSupergraphs(before, after);
    expect(changes.breaking.map((c) => c.path)).toEqual(['User.subscriptionTier']);
    expect(changes.safe.map((c) => c.path)).toEqual(['User.postsUsed']);
  });
});
