import gql from 'graphql-tag';

/** The crm subgraph's part for contacts; ../schema.ts merges every feature's. Side-effect free. */
export const contactsTypeDefs = gql`
  "Any JSON value (a custom field's value: text, number, boolean or a list of options)."
  scalar JSON

  "A contact's value of one of its location's custom fields."
  type ContactCustomFieldValue {
    id: ID!
    value: JSON
  }

  "A contact of a location (HighLevel's Contact): email lower case, phone E.164, tags lower case."
  type Contact @key(fields: "id") {
    id: ID!
    locationId: ID!
    firstName: String
    lastName: String
    "HighLevel's contact name: as given, else first and last name"
    name: String
    email: String
    phone: String
    companyName: String
    address1: String
    city: String
    state: String
    postalCode: String
    "ISO 3166 alpha-2"
    country: String
    website: String
    "IANA time zone"
    timezone: String
    "do not disturb"
    dnd: Boolean!
    tags: [String!]!
    source: String
    customFields: [ContactCustomFieldValue!]!
    "the user the contact is assigned to"
    assignedTo: String
    "YYYY-MM-DD"
    dateOfBirth: String
    dateAdded: String!
    dateUpdated: String!
  }

  "A page of contacts with HighLevel's meta (the next page's cursor)."
  type ContactPage {
    contacts: [Contact!]!
    meta: ListMeta!
    "searchContacts only (null on lists): each contact's searchAfter, in the order of contacts: its sort values (epoch ms for dates, null where it has none), then its id"
    searchAfter: [JSON!]
  }

  "A custom field value to set: the field by id or key (contact.<key>); a null value clears it."
  input ContactCustomFieldInput {
    id: ID
    key: String
    value: JSON
    "HighLevel v2's name for value"
    field_value: JSON
  }

  "A contact's fields; absent: unchanged, null: cleared. Create needs an email or a phone."
  input ContactInput {
    firstName: String
    lastName: String
    name: String
    email: String
    phone: String
    companyName: String
    address1: String
    city: String
    state: String
    postalCode: String
    country: String
    website: String
    timezone: String
    dnd: Boolean
    "replace the contact's tags"
    tags: [String!]
    source: String
    assignedTo: String
    dateOfBirth: String
    customFields: [ContactCustomFieldInput!]
  }

  "The spec's list filters"
  input ContactFilter {
    "substring of the names, email, company or the phone's digits"
    query: String
    "substring of the contact name"
    name: String
    "contacts carrying every one of these tags"
    tags: [String!]
    "added at or after (ISO 8601)"
    dateAddedFrom: String
    "added before (ISO 8601)"
    dateAddedTo: String
  }

  "A filter of HighLevel's contact search: field, operator (eq, not_eq, contains, not_contains, exists, not_exists, range) and value; or an AND group."
  input ContactSearchFilter {
    field: String
    operator: String
    value: JSON
    group: String
    filters: [ContactSearchFilter!]
  }

  "One of HighLevel's search sorts (at most two; the first is primary; ties by id; contacts without the value last)."
  input ContactSearchSort {
    "dateAdded, dateUpdated, firstNameLowerCase (or firstName), lastNameLowerCase (or lastName), businessName (or companyName), email, dnd, source; text ignores case"
    field: String
    "asc or desc (default)"
    direction: String
  }

  extend type Query {
    "the caller's location's contacts, newest first, by cursor (limit 1-100, default 20)"
    contacts(filter: ContactFilter, limit: Int, startAfter: Float, startAfterId: ID, page: Int): ContactPage!
    "HighLevel's contact search: page/pageLimit up to 10,000 deep, searchAfter (a contact's: its sort values, then its id) past that"
    searchContacts(
      query: String
      filters: [ContactSearchFilter!]
      sort: [ContactSearchSort!]
      page: Int
      pageLimit: Int
      "the last contact's searchAfter (a value may be null: the contact had none)"
      searchAfter: [JSON]
    ): ContactPage!
    "one of the caller's location's contacts; another location's is NOT_FOUND"
    contact(id: ID!): Contact!
  }

  extend type Mutation {
    "a contact in the caller's location; a duplicate email or phone there is VALIDATION_ERROR DUPLICATE_CONTACT with the existing contact in extensions.meta"
    createContact(input: ContactInput!): Contact!
    "changes the fields given"
    updateContact(id: ID!, input: ContactInput!): Contact!
    deleteContact(id: ID!): Boolean!
    "adds tags (lower-cased), keeping the others"
    addContactTags(id: ID!, tags: [String!]!): Contact!
    removeContactTags(id: ID!, tags: [String!]!): Contact!
  }

  extend type Organization @key(fields: "id") {
    id: ID!
    "the location's contacts (only the caller's own location answers; others are empty)"
    contacts(filter: ContactFilter, limit: Int, startAfter: Float, startAfterId: ID, page: Int): ContactPage!
    "the location's contact custom fields (the caller's own location only)"
    customFields: [CustomField!]!
  }
`;
