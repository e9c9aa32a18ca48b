import gql from 'graphql-tag';

/** The crm subgraph's part for pipelines; ../schema.ts merges every feature's. Side-effect free. */
export const pipelinesTypeDefs = gql`
  "A stage of a pipeline; stages are ordered by position (0 first)."
  type PipelineStage {
    id: ID!
    name: String!
    position: Int!
  }

  "A location's sales pipeline (HighLevel's pipeline): the ordered stages opportunities move through."
  type Pipeline @key(fields: "id") {
    id: ID!
    locationId: ID!
    name: String!
    "in order"
    stages: [PipelineStage!]!
    "the pipeline every location gets when it is created"
    isDefault: Boolean!
    createdAt: String!
    updatedAt: String!
  }

  extend type Query {
    "the caller's location's pipelines, the default one first (HighLevel's GET /opportunities/pipelines)"
    pipelines: [Pipeline!]!
  }

  extend type Mutation {
    "a pipeline in the caller's location: name 1-100 characters, 1-50 stages in order"
    createPipeline(name: String!, stages: [String!]!): Pipeline!
  }
`;
