import gql from 'graphql-tag';

/** The crm subgraph's part for calendars; ../schema.ts merges every feature's. Side-effect free. */
export const calendarsTypeDefs = gql`
  "A location's calendar (HighLevel's calendar; the spec's service): appointments are booked on it."
  type Calendar @key(fields: "id") {
    id: ID!
    locationId: ID!
    name: String!
    description: String
    "the staff (user ids) who take its appointments; empty: any staff member"
    teamMembers: [ID!]!
    "minutes an appointment booked without an end lasts"
    slotDuration: Int!
    "the calendar every location gets when it is created"
    isDefault: Boolean!
    createdAt: String!
    updatedAt: String!
  }

  input CreateCalendarInput {
    "1-100 characters"
    name: String!
    description: String
    teamMembers: [ID!]
    "1-1440 minutes (default 30)"
    slotDuration: Int
  }

  extend type Query {
    "the caller's location's calendars, the default one first"
    calendars: [Calendar!]!
    "a calendar of the caller's location; another location's is NOT_FOUND"
    calendar(id: ID!): Calendar!
  }

  extend type Mutation {
    createCalendar(input: CreateCalendarInput!): Calendar!
  }
`;
