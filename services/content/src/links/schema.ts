import gql from 'graphql-tag';

/** The content subgraph's part for internal link opportunities; ../schema.ts merges every feature's. */
export const linksTypeDefs = gql`
  "A URL that generated posts of the project link to where one of its keywords occurs."
  type LinkOpportunity @key(fields: "id") {
    id: ID!
    projectId: ID!
    "a full http(s) URL"
    targetUrl: String!
    "at least one; matched case-insensitively"
    keywords: [String!]!
    "the preferred link text; when null, the matched keyword is the anchor"
    anchorText: String
    createdAt: String!
  }

  type LinkOpportunityList {
    items: [LinkOpportunity!]!
    total: Int!
  }

  extend type Query {
    "the project's link opportunities, oldest first"
    linkOpportunities(projectId: ID!): LinkOpportunityList!
  }

  extend type Mutation {
    "target_url a full http(s) URL (at most 2048 characters); 1-50 keywords of at most 100 characters; anchor text at most 200"
    createLinkOpportunity(
      projectId: ID!
      targetUrl: String!
      keywords: [String!]!
      anchorText: String
    ): LinkOpportunity!
    "posts already generated keep their links"
    deleteLinkOpportunity(id: ID!): Boolean!
  }
`;
