import gql from 'graphql-tag';

/** The crm subgraph's part for contact custom fields; ../schema.ts merges every feature's. Side-effect free. */
export const customFieldsTypeDefs = gql`
  "A location's contact custom field (HighLevel's CustomField): its key is contact.<snake_case name>."
  type CustomField @key(fields: "id") {
    id: ID!
    locationId: ID!
    name: String!
    fieldKey: String!
    "TEXT, LARGE_TEXT, NUMERICAL, PHONE, MONETORY, CHECKBOX, SINGLE_OPTIONS, MULTIPLE_OPTIONS, DATE, EMAIL"
    dataType: String!
    placeholder: String
    "the choices of SINGLE_OPTIONS, MULTIPLE_OPTIONS and CHECKBOX fields"
    options: [String!]!
    position: Int!
    dateAdded: String!
  }

  input CustomFieldInput {
    "1-100 characters; gives the key (create)"
    name: String
    "create only"
    dataType: String
    placeholder: String
    options: [String!]
    position: Int
  }

  extend type Query {
    "the caller's location's custom fields, by position"
    customFields: [CustomField!]!
    customField(id: ID!): CustomField!
  }

  extend type Mutation {
    createCustomField(input: CustomFieldInput!): CustomField!
    "name, placeholder, options and position; the key and type stay"
    updateCustomField(id: ID!, input: CustomFieldInput!): CustomField!
    deleteCustomField(id: ID!): Boolean!
  }
`;
