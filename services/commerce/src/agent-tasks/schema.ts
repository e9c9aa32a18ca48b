import gql from 'graphql-tag';

// SerenAI agent tasks: a call to an agent publisher, followed to its end (see service.ts). Amounts
// are atomic units of the asset, as strings. The stream of a task's events is REST's
// (`.../stream`, server-sent events); here its events are a list.
export const agentTasksTypeDefs = gql`
  scalar JSONObject

  "An agent task: one call to an agent publisher (A2A), from submission to its end."
  type AgentTask {
    id: ID!
    organizationId: ID!
    agentId: ID
    publisherId: ID!
    publisherSlug: String!
    "submitted, working, input-required, auth-required, completed, failed, canceled, rejected"
    status: String!
    remoteTaskId: String
    contextId: String
    "the message sent: {role, messageId, parts: [{kind: text|data|file, ...}]}"
    input: JSONObject!
    "the agent's last status message"
    statusMessage: JSONObject
    "{artifactId, name, description, parts}"
    artifacts: [JSONObject!]!
    error: String
    assetSymbol: String!
    hourlyRateAtomic: String
    minChargeAtomic: String
    "what the wallet paid"
    costAtomic: String!
    "what the price came to beyond the wallet's balance"
    shortfallAtomic: String!
    durationMs: Float
    canceledBy: String
    "the sequence of its last event"
    lastSequence: Int!
    createdAt: String!
    updatedAt: String!
    finishedAt: String
  }

  "One event of a task's history: created, status, artifact, finished."
  type AgentTaskEvent {
    taskId: ID!
    "from 1, in order: the SSE id"
    sequence: Int!
    eventType: String!
    "the task's status after the event"
    status: String!
    data: JSONObject!
    createdAt: String!
  }

  type AgentTaskPage {
    tasks: [AgentTask!]!
    total: Int!
    limit: Int!
    offset: Int!
  }

  extend type Query {
    "The organization's tasks (\`default\`: the caller's), newest first."
    agentTasks(organizationId: ID!, limit: Int, offset: Int): AgentTaskPage!
    agentTask(organizationId: ID!, taskId: ID!): AgentTask!
    agentTaskEvents(organizationId: ID!, taskId: ID!): [AgentTaskEvent!]!
  }

  extend type Mutation {
    "Cancels the task and the remote agent's task; an ended task is a 400 (ALREADY_TERMINAL)."
    cancelAgentTask(organizationId: ID!, taskId: ID!): AgentTask!
  }
`;
