import gql from 'graphql-tag';

/** The content subgraph's part for jobs; ../schema.ts merges every feature's. Side-effect free. */
export const jobsTypeDefs = gql`
  "A JSON object (a job's result: e.g. { post_id } for content_generation)."
  scalar JSONObject

  "Long-running work of a Serelo project, fed by its workflow's events."
  type Job @key(fields: "id") {
    id: ID!
    userId: ID!
    projectId: ID!
    "content_generation, document_parsing or bulk_generation"
    jobType: String!
    "queued, processing, completed or failed"
    status: String!
    "0 to 100"
    progress: Int!
    "items of the job (1, or the rows of a bulk generation)"
    totalItems: Int!
    "items finished so far"
    itemsDone: Int!
    result: JSONObject
    errorMessage: String
    createdAt: String!
    updatedAt: String!
  }

  extend type Query {
    "one of the caller's jobs; another user's job is NOT_FOUND"
    job(id: ID!): Job!
  }
`;
