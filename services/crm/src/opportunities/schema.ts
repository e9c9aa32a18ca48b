import gql from 'graphql-tag';

/** The crm subgraph's part for opportunities; ../schema.ts merges every feature's. Side-effect free. */
export const opportunitiesTypeDefs = gql`
  "A sales opportunity (deal) of a location, for a contact, in a pipeline stage (HighLevel's Opportunity)."
  type Opportunity @key(fields: "id") {
    id: ID!
    locationId: ID!
    name: String!
    pipelineId: ID!
    pipelineStageId: ID!
    pipeline: Pipeline
    "open, won, lost or abandoned"
    status: String!
    monetaryValue: Float
    contactId: ID!
    "the contact (of the same location)"
    contact: Contact
    assignedTo: ID
    source: String
    lastStatusChangeAt: String!
    lastStageChangeAt: String!
    createdAt: String!
    updatedAt: String!
  }

  type OpportunityPage {
    "newest first"
    items: [Opportunity!]!
    meta: ListMeta!
  }

  input OpportunityFilter {
    pipelineId: ID
    pipelineStageId: ID
    contactId: ID
    "open, won, lost, abandoned or all (the default)"
    status: String
    assignedTo: ID
    "a part of the name, any case"
    query: String
  }

  input CreateOpportunityInput {
    "1-500 characters"
    name: String!
    "a contact of the location"
    contactId: ID!
    "a pipeline of the location; default: the location's default pipeline"
    pipelineId: ID
    "a stage of that pipeline; default: its first"
    pipelineStageId: ID
    "open (default), won, lost or abandoned"
    status: String
    "0 to 1e12, rounded to the cent"
    monetaryValue: Float
    assignedTo: ID
    source: String
  }

  "Absent fields are unchanged; null clears monetaryValue, assignedTo and source."
  input UpdateOpportunityInput {
    name: String
    "another pipeline of the location; without pipelineStageId the opportunity lands in its first stage"
    pipelineId: ID
    pipelineStageId: ID
    status: String
    monetaryValue: Float
    assignedTo: ID
    source: String
    contactId: ID
  }

  extend type Organization {
    "the location's pipelines (only the caller's own location answers; others are empty)"
    pipelines: [Pipeline!]!
    "the location's opportunities, newest first (the caller's own location only)"
    opportunities(
      filter: OpportunityFilter
      limit: Int
      startAfter: Float
      startAfterId: ID
      page: Int
    ): OpportunityPage!
  }

  extend type Query {
    "the caller's location's opportunities, newest first, by HighLevel's cursor (limit 1-100, default 20)"
    opportunities(
      filter: OpportunityFilter
      limit: Int
      startAfter: Float
      startAfterId: ID
      page: Int
    ): OpportunityPage!
    "an opportunity of the caller's location; another location's is NOT_FOUND"
    opportunity(id: ID!): Opportunity!
  }

  extend type Mutation {
    createOpportunity(input: CreateOpportunityInput!): Opportunity!
    "advance the stage, change the value, close won or lost (each change is its own event)"
    updateOpportunity(id: ID!, input: UpdateOpportunityInput!): Opportunity!
    "won, lost, abandoned or open"
    updateOpportunityStatus(id: ID!, status: String!): Opportunity!
    deleteOpportunity(id: ID!): Boolean!
  }
`;
