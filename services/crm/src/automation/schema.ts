import gql from 'graphql-tag';

/** The crm subgraph's part for workflows and their executions; ../schema.ts merges every feature's. Side-effect free. */
export const automationTypeDefs = gql`
  """
  A location's workflow definition (spec 3.4): a trigger and ordered steps. The draft is what is
  edited; publishing makes it the next version, which new executions run (running ones keep theirs).
  """
  type Workflow @key(fields: "id") {
    id: ID!
    locationId: ID!
    name: String!
    "draft or published"
    status: String!
    "the last published version (0: never published)"
    version: Int!
    "the draft's trigger: {type, filters} (see the crm README, Workflows and executions)"
    trigger: JSON!
    "the draft's ordered steps: [{type: wait | if_else | add_tag | remove_tag | update_contact_field | create_opportunity | move_opportunity | send_webhook | custom_webhook | go_to | end, ...}]"
    steps: [JSON!]!
    "an inbound_webhook workflow's own URL (POST a JSON body naming the contact: contactId, email or phone); null for other triggers"
    inboundWebhookUrl: String
    createdAt: String!
    updatedAt: String!
  }

  input WorkflowInput {
    "1-200 characters (required to create)"
    name: String
    "{type, filters}; default {type: manual}"
    trigger: JSON
    steps: [JSON!]
  }

  "One step an execution ran, in order."
  type WorkflowExecutionStep {
    position: Int!
    stepIndex: Int!
    stepType: String!
    "succeeded, failed or skipped"
    outcome: String!
    detail: JSON!
    recordedAt: String!
  }

  "One contact through one workflow version (a Temporal workflow of the same id)."
  type WorkflowExecution @key(fields: "id") {
    id: ID!
    workflowId: ID!
    locationId: ID!
    contactId: ID!
    workflowVersion: Int!
    "running, waiting, completed, failed or cancelled"
    status: String!
    trigger: String!
    triggerEventId: String
    currentStep: Int
    waitingUntil: String
    error: String
    startedAt: String!
    updatedAt: String!
    endedAt: String
    steps: [WorkflowExecutionStep!]!
  }

  type WorkflowExecutionPage {
    executions: [WorkflowExecution!]!
    meta: ListMeta!
  }

  "An execution just started (HighLevel's execute answer)."
  type WorkflowExecutionStarted {
    executionId: ID!
    workflowId: ID!
    contactId: ID!
    status: String!
  }

  type WorkflowContactRemoval {
    succeded: Boolean!
    "the executions cancelled"
    cancelled: [ID!]!
  }

  extend type Query {
    "the caller's location's workflows, newest first"
    workflows: [Workflow!]!
    workflow(id: ID!): Workflow!
    "executions newest first; startDate/endDate: ISO 8601 or epoch ms, on the start time"
    workflowExecutions(
      workflowId: ID
      contactId: ID
      status: String
      startDate: String
      endDate: String
      limit: Int
      startAfter: Float
      startAfterId: String
      page: Int
    ): WorkflowExecutionPage!
    workflowExecution(id: ID!): WorkflowExecution!
  }

  extend type Mutation {
    createWorkflow(input: WorkflowInput!): Workflow!
    "edits the draft"
    updateWorkflow(id: ID!, input: WorkflowInput!): Workflow!
    "the draft becomes the next version"
    publishWorkflow(id: ID!): Workflow!
    "back to draft: no new executions; running ones go on"
    unpublishWorkflow(id: ID!): Workflow!
    deleteWorkflow(id: ID!): Boolean!
    "the contact enters the published version (404 for a draft); eventStartTime delays the start"
    executeWorkflow(
      id: ID!
      contactId: ID!
      eventStartTime: String
      idempotencyKey: String
    ): WorkflowExecutionStarted!
    "HighLevel's POST /contacts/{contactId}/workflow/{workflowId}"
    addContactToWorkflow(contactId: ID!, workflowId: ID!, eventStartTime: String): WorkflowExecutionStarted!
    "HighLevel's DELETE /contacts/{contactId}/workflow/{workflowId}: cancels the contact's running executions there"
    removeContactFromWorkflow(contactId: ID!, workflowId: ID!): WorkflowContactRemoval!
  }
`;
