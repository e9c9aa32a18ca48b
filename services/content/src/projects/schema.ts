import gql from 'graphql-tag';

/** The content subgraph's part for Serelo projects; ../schema.ts merges every feature's. Side-effect free. */
export const projectsTypeDefs = gql`
  "A Serelo project: it organizes sources, posts, jobs and link opportunities."
  type Project @key(fields: "id") {
    id: ID!
    "the user who owns it"
    userId: ID!
    owner: User!
    name: String!
    description: String
    createdAt: String!
    updatedAt: String!
    "its internal link opportunities, oldest first"
    linkOpportunities: [LinkOpportunity!]!
  }

  type ProjectPage {
    items: [Project!]!
    total: Int!
  }

  extend type User @key(fields: "id") {
    "the user's projects, newest first (limit 1-100, default 100)"
    projects(limit: Int, offset: Int): ProjectPage!
  }

  extend type Query {
    "the caller's projects, newest first (limit 1-100, default 100; offset ≥ 0)"
    projects(limit: Int, offset: Int): ProjectPage!
    "one of the caller's projects; another user's project is NOT_FOUND"
    project(id: ID!): Project!
  }

  extend type Mutation {
    "name 1-200 characters, description at most 1000"
    createProject(name: String!, description: String): Project!
    "absent fields are unchanged; a null description clears it"
    updateProject(id: ID!, name: String, description: String): Project!
    "deletes the project with its sources, posts, links and jobs; running jobs are cancelled"
    deleteProject(id: ID!): Boolean!
  }
`;
