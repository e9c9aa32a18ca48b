import gql from 'graphql-tag';

/** The crm subgraph's part for appointments; ../schema.ts merges every feature's. Side-effect free. */
export const appointmentsTypeDefs = gql`
  "A booked appointment (HighLevel's calendar event): a contact with a staff member on a calendar."
  type Appointment @key(fields: "id") {
    id: ID!
    locationId: ID!
    "the calendar (the spec's service)"
    calendarId: ID!
    calendar: Calendar
    contactId: ID!
    "the contact (of the same location)"
    contact: Contact
    "the staff member"
    assignedUserId: ID!
    title: String
    address: String
    notes: String
    "ISO 8601, UTC"
    startTime: String!
    endTime: String!
    "new, confirmed, cancelled, showed or noshow"
    appointmentStatus: String!
    dateAdded: String!
    dateUpdated: String!
  }

  type AppointmentPage {
    "earliest first"
    items: [Appointment!]!
    meta: ListMeta!
  }

  input AppointmentFilter {
    "appointments ending after this instant (ISO 8601 with a zone, or epoch milliseconds)"
    startTime: String
    "appointments starting before this instant"
    endTime: String
    calendarId: ID
    "the staff member"
    assignedUserId: ID
    contactId: ID
  }

  input BookAppointmentInput {
    "a calendar of the location (the spec's service)"
    calendarId: ID!
    "a contact of the location"
    contactId: ID!
    "the staff member; default: the calendar's first team member"
    assignedUserId: ID
    "ISO 8601 with a zone"
    startTime: String!
    "after startTime; default: startTime plus the calendar's slot"
    endTime: String
    title: String
    address: String
    notes: String
    "new, confirmed (default), showed or noshow"
    appointmentStatus: String
  }

  "Absent fields are unchanged; appointmentStatus cancelled cancels it."
  input UpdateAppointmentInput {
    calendarId: ID
    assignedUserId: ID
    startTime: String
    endTime: String
    title: String
    address: String
    notes: String
    appointmentStatus: String
  }

  extend type Organization {
    "the location's calendars (only the caller's own location answers; others are empty)"
    calendars: [Calendar!]!
    "the location's appointments, earliest first (the caller's own location only)"
    appointments(
      filter: AppointmentFilter
      limit: Int
      startAfter: Float
      startAfterId: ID
      page: Int
    ): AppointmentPage!
  }

  extend type Query {
    "the caller's location's appointments, earliest first, by HighLevel's cursor (limit 1-100, default 20)"
    appointments(
      filter: AppointmentFilter
      limit: Int
      startAfter: Float
      startAfterId: ID
      page: Int
    ): AppointmentPage!
    "an appointment of the caller's location; another location's is NOT_FOUND"
    appointment(id: ID!): Appointment!
  }

  extend type Mutation {
    "a staff member cannot be double-booked: an overlap is CONFLICT (STAFF_DOUBLE_BOOKED)"
    bookAppointment(input: BookAppointmentInput!): Appointment!
    updateAppointment(id: ID!, input: UpdateAppointmentInput!): Appointment!
    "cancels it (it stays, status cancelled); cancelling twice is fine"
    cancelAppointment(id: ID!): Appointment!
    "removes it (HighLevel's delete event)"
    deleteAppointment(id: ID!): Boolean!
  }
`;
