import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route, succeded } from './route.js';
import { AppointmentFields, appointmentSchema, appointmentToRest } from './shapes/appointment.js';
import { CalendarFields, calendarSchema, calendarToRest } from './shapes/calendar.js';
import { metaSchema, metaToRest } from './shapes/meta.js';

// Serebro §3.3 Appointments & Scheduling, on v1 and v2 at the spec's paths, and HighLevel's v2
// calendar paths for the same operations. The spec's service is HighLevel's calendar (`calendarId`,
// alias `serviceId`) and its staff member HighLevel's `assignedUserId` (alias `staffId`). A staff
// member cannot be double-booked: an overlap is 409 (the crm's exclusion constraint decides, so two
// concurrent bookings of one slot cannot both succeed). Times are ISO 8601 with a zone; the calendar
// event lists also take HighLevel's epoch milliseconds.

const id = z.string().min(1);
const text = z.string();
const count = z.coerce.number().int();
const ms = z.coerce.number().describe('epoch milliseconds');
const instant = text.describe('ISO 8601 with a zone, e.g. 2026-12-02T15:00:00+01:00');

const ListAppointments = graphql(
  `
    query SerebroListAppointments(
      $filter: AppointmentFilter
      $limit: Int
      $startAfter: Float
      $startAfterId: ID
      $page: Int
    ) {
      appointments(
        filter: $filter
        limit: $limit
        startAfter: $startAfter
        startAfterId: $startAfterId
        page: $page
      ) {
        items {
          ...AppointmentFields
        }
        meta {
          total
          startAfterId
          startAfter
          currentPage
          nextPage
          prevPage
        }
      }
    }
  `,
  [AppointmentFields],
);

const BookAppointment = graphql(
  `
    mutation SerebroBookAppointment($input: BookAppointmentInput!) {
      bookAppointment(input: $input) {
        ...AppointmentFields
      }
    }
  `,
  [AppointmentFields],
);

const UpdateAppointment = graphql(
  `
    mutation SerebroUpdateAppointment($id: ID!, $input: UpdateAppointmentInput!) {
      updateAppointment(id: $id, input: $input) {
        ...AppointmentFields
      }
    }
  `,
  [AppointmentFields],
);

const optionalText = text.nullable().optional();

/** The fields both booking bodies share (HighLevel's names). */
const bookingFields = {
  locationId: id.optional().describe('required with an agency credential'),
  contactId: id,
  startTime: instant,
  title: optionalText,
  address: optionalText,
  notes: optionalText,
  appointmentStatus: text.optional().describe('new, confirmed (default), showed or noshow'),
};

const shared = { auth: 'required', rateLimit: 'api' } as const;
const read = { ...shared, scope: 'appointments:read' } as const;
const write = { ...shared, scope: 'appointments:write' } as const;

/** The spec's booking: contact, service, staff, start and end required (aliases accepted). */
const specBookingBody = z
  .object({
    ...bookingFields,
    calendarId: id.optional().describe("the service (HighLevel's calendarId)"),
    serviceId: id.optional().describe("the spec's name for calendarId"),
    assignedUserId: id.optional().describe('the staff member'),
    staffId: id.optional().describe("the spec's name for assignedUserId"),
    endTime: instant,
  })
  // the either/or names are checked with the other fields (not only once they all parse), so one
  // 400 lists every missing field
  .refine((body) => !!(body?.calendarId || body?.serviceId), {
    path: ['serviceId'],
    message: 'serviceId (or calendarId) is required',
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  })
  .refine((body) => !!(body?.assignedUserId || body?.staffId), {
    path: ['staffId'],
    message: 'staffId (or assignedUserId) is required',
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  });

const listRow = route.operation({
  method: 'GET',
  path: '/appointments',
  section: 'appointments',
  summary: 'List appointments',
  description:
    "The location's booked appointments, earliest first, overlapping `startTime`..`endTime` when given, filtered by service (`serviceId`/`calendarId`), staff (`staffId`/`assignedUserId`/`userId`) or contact; HighLevel's cursor pagination (`limit` ≤ 100). Cancelled ones are listed with their status.",
  ...read,
  request: {
    query: z.object({
      locationId: id.optional(),
      startTime: text.optional().describe('ISO 8601 with a zone, or epoch ms'),
      endTime: text.optional().describe('ISO 8601 with a zone, or epoch ms'),
      serviceId: id.optional(),
      calendarId: id.optional(),
      staffId: id.optional(),
      assignedUserId: id.optional(),
      userId: id.optional(),
      contactId: id.optional(),
      limit: count.optional().describe('1-100, default 20'),
      startAfter: ms.optional(),
      startAfterId: id.optional(),
      page: count.optional(),
    }),
  },
  operation: ListAppointments,
  variables: ({ query }) => ({
    filter: {
      startTime: query.startTime,
      endTime: query.endTime,
      calendarId: query.calendarId ?? query.serviceId,
      assignedUserId: query.assignedUserId ?? query.staffId ?? query.userId,
      contactId: query.contactId,
    },
    limit: query.limit,
    startAfter: query.startAfter,
    startAfterId: query.startAfterId,
    page: query.page,
  }),
  response: {
    status: 200,
    description: 'A page of appointments',
    schema: z.object({ appointments: z.array(appointmentSchema), meta: metaSchema }),
    body: (data, request) => ({
      appointments: data.appointments.items.map(appointmentToRest),
      meta: metaToRest(data.appointments.meta, request),
    }),
  },
  errors: [400, 403],
});

export const appointmentsRoutes = [
  listRow,
  route.operation({
    method: 'POST',
    path: '/appointments',
    section: 'appointments',
    summary: 'Book an appointment',
    description:
      'Books a contact with a staff member on a service (calendar) from `startTime` to `endTime`; the staff member must have no other appointment overlapping it (else 409).',
    ...write,
    request: { body: specBookingBody },
    operation: BookAppointment,
    variables: ({ body }) => ({
      input: {
        calendarId: (body.calendarId ?? body.serviceId)!,
        assignedUserId: body.assignedUserId ?? body.staffId,
        contactId: body.contactId,
        startTime: body.startTime,
        endTime: body.endTime,
        title: body.title,
        address: body.address,
        notes: body.notes,
        appointmentStatus: body.appointmentStatus,
      },
    }),
    response: {
      status: 201,
      description: 'The appointment',
      schema: z.object({ appointment: appointmentSchema }),
      body: (data) => ({ appointment: appointmentToRest(data.bookAppointment) }),
    },
    errors: [400, 403, 409],
  }),
  route.operation({
    method: 'GET',
    path: '/appointments/{id}',
    section: 'appointments',
    summary: 'Get an appointment',
    description:
      "One appointment of the location, cancelled ones included (`appointmentStatus: cancelled`); another location's is 404.",
    beyondSpec:
      "HighLevel's v1 Get Appointment (`GET /v1/appointments/{id}`), which a HighLevel client reads a booking back with; the spec lists only the list, book and cancel",
    ...read,
    request: { params: z.object({ id }) },
    operation: graphql(
      `
        query SerebroGetAppointmentById($id: ID!) {
          appointment(id: $id) {
            ...AppointmentFields
          }
        }
      `,
      [AppointmentFields],
    ),
    variables: ({ params }) => ({ id: params.id }),
    response: {
      status: 200,
      description: 'The appointment',
      schema: z.object({ appointment: appointmentSchema }),
      body: (data) => ({ appointment: appointmentToRest(data.appointment) }),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'DELETE',
    path: '/appointments/{id}',
    section: 'appointments',
    summary: 'Cancel an appointment',
    description:
      "Cancels the booking: it stays, with `appointmentStatus: cancelled`, and its staff member's time is free again. Cancelling twice is fine.",
    ...write,
    request: { params: z.object({ id }) },
    operation: graphql(`
      mutation SerebroCancelAppointment($id: ID!) {
        cancelAppointment(id: $id) {
          id
        }
      }
    `),
    variables: ({ params }) => ({ id: params.id }),
    response: {
      status: 200,
      description: 'Cancelled',
      schema: succeded,
      body: () => ({ succeded: true as const }),
    },
    errors: [403, 404],
  }),

  // ---- HighLevel's calendar paths (v2) -----------------------------------------------------------
  route.operation({
    method: 'POST',
    path: '/calendars/events/appointments',
    section: 'appointments',
    summary: 'Create an appointment',
    description:
      "HighLevel's Create Appointment: `calendarId`, `contactId` and `startTime` required; without `assignedUserId` the calendar's first team member, without `endTime` one slot of the calendar. Answers the appointment itself, as HighLevel.",
    versions: ['v2'],
    highLevel: true,
    beyondSpec:
      "HighLevel's Create Appointment (`POST /calendars/events/appointments`), the v2 path of POST /appointments",
    ...write,
    request: {
      body: z.object({
        ...bookingFields,
        calendarId: id,
        assignedUserId: id.optional(),
        endTime: instant.optional(),
        meetingLocationType: text.optional().describe('accepted, not kept'),
        ignoreDateRange: z.boolean().optional().describe('accepted, not kept'),
        ignoreFreeSlotValidation: z
          .boolean()
          .optional()
          .describe('accepted; a double booking is refused anyway'),
        toNotify: z.boolean().optional().describe('accepted, not kept'),
      }),
    },
    operation: BookAppointment,
    variables: ({ body }) => ({
      input: {
        calendarId: body.calendarId,
        assignedUserId: body.assignedUserId,
        contactId: body.contactId,
        startTime: body.startTime,
        endTime: body.endTime,
        title: body.title,
        address: body.address,
        notes: body.notes,
        appointmentStatus: body.appointmentStatus,
      },
    }),
    response: {
      status: 201,
      description: 'The appointment',
      schema: appointmentSchema,
      body: (data) => appointmentToRest(data.bookAppointment),
    },
    errors: [400, 403, 409],
  }),
  route.operation({
    method: 'GET',
    path: '/calendars/events/appointments/{eventId}',
    section: 'appointments',
    summary: 'Get an appointment',
    versions: ['v2'],
    highLevel: true,
    beyondSpec: "HighLevel's Get Appointment (`GET /calendars/events/appointments/{eventId}`)",
    ...read,
    request: { params: z.object({ eventId: id }) },
    operation: graphql(
      `
        query SerebroGetAppointment($id: ID!) {
          appointment(id: $id) {
            ...AppointmentFields
          }
        }
      `,
      [AppointmentFields],
    ),
    variables: ({ params }) => ({ id: params.eventId }),
    response: {
      status: 200,
      description: 'The appointment',
      schema: z.object({ event: appointmentSchema }),
      body: (data) => ({ event: appointmentToRest(data.appointment) }),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'PUT',
    path: '/calendars/events/appointments/{eventId}',
    section: 'appointments',
    summary: 'Update an appointment',
    description:
      "HighLevel's Edit Appointment: reschedule (moved without `endTime` it keeps its length), reassign, retitle or change its status (`cancelled` cancels it). Absent fields are unchanged; an overlap with the staff member's other appointments is 409.",
    versions: ['v2'],
    highLevel: true,
    beyondSpec: "HighLevel's Edit Appointment (`PUT /calendars/events/appointments/{eventId}`)",
    ...write,
    request: {
      params: z.object({ eventId: id }),
      body: z.object({
        locationId: id.optional(),
        calendarId: id.optional(),
        assignedUserId: id.optional(),
        startTime: instant.optional(),
        endTime: instant.optional(),
        title: optionalText,
        address: optionalText,
        notes: optionalText,
        appointmentStatus: text.optional().describe('new, confirmed, cancelled, showed or noshow'),
        meetingLocationType: text.optional().describe('accepted, not kept'),
        ignoreDateRange: z.boolean().optional().describe('accepted, not kept'),
        ignoreFreeSlotValidation: z
          .boolean()
          .optional()
          .describe('accepted; a double booking is refused anyway'),
        toNotify: z.boolean().optional().describe('accepted, not kept'),
      }),
    },
    operation: UpdateAppointment,
    variables: ({ params, body }) => ({
      id: params.eventId,
      input: {
        calendarId: body.calendarId,
        assignedUserId: body.assignedUserId,
        startTime: body.startTime,
        endTime: body.endTime,
        title: body.title,
        address: body.address,
        notes: body.notes,
        appointmentStatus: body.appointmentStatus,
      },
    }),
    response: {
      status: 200,
      description: 'The appointment as it is now',
      schema: appointmentSchema,
      body: (data) => appointmentToRest(data.updateAppointment),
    },
    errors: [400, 403, 404, 409],
  }),
  route.operation({
    method: 'GET',
    path: '/calendars/events',
    section: 'appointments',
    summary: 'List calendar events',
    description:
      "HighLevel's Get Calendar Events: the appointments overlapping `startTime`..`endTime` (epoch ms, or ISO 8601 with a zone) of a calendar (`calendarId`) or staff member (`userId`), earliest first; at most 100 (narrow the range for more).",
    versions: ['v2'],
    highLevel: true,
    beyondSpec: "HighLevel's Get Calendar Events (`GET /calendars/events`), the v2 path of GET /appointments",
    ...read,
    request: {
      query: z.object({
        locationId: id.optional(),
        startTime: text.describe('epoch ms, or ISO 8601 with a zone'),
        endTime: text.describe('epoch ms, or ISO 8601 with a zone'),
        calendarId: id.optional(),
        userId: id.optional().describe('the staff member'),
        groupId: id.optional().describe('accepted, not used (Serebro has no calendar groups)'),
      }),
    },
    operation: ListAppointments,
    variables: ({ query }) => ({
      filter: {
        startTime: query.startTime,
        endTime: query.endTime,
        calendarId: query.calendarId,
        assignedUserId: query.userId,
      },
      limit: 100,
    }),
    response: {
      status: 200,
      description: 'The events',
      schema: z.object({ events: z.array(appointmentSchema) }),
      body: (data) => ({ events: data.appointments.items.map(appointmentToRest) }),
    },
    errors: [400, 403],
  }),
  route.operation({
    method: 'DELETE',
    path: '/calendars/events/{eventId}',
    section: 'appointments',
    summary: 'Delete a calendar event',
    description:
      "HighLevel's Delete Event: the appointment is removed (then 404). To keep it as cancelled, use `DELETE /appointments/{id}` or set `appointmentStatus: cancelled`.",
    versions: ['v2'],
    highLevel: true,
    beyondSpec:
      "HighLevel's Delete Event (`DELETE /calendars/events/{eventId}`), the v2 path of DELETE /appointments/{id}",
    ...write,
    request: { params: z.object({ eventId: id }) },
    operation: graphql(`
      mutation SerebroDeleteAppointment($id: ID!) {
        deleteAppointment(id: $id)
      }
    `),
    variables: ({ params }) => ({ id: params.eventId }),
    response: {
      status: 200,
      description: 'Deleted',
      schema: z.object({ succeeded: z.literal(true).describe("HighLevel's calendar spelling") }),
      body: () => ({ succeeded: true as const }),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'GET',
    path: '/calendars/',
    section: 'appointments',
    summary: 'List calendars',
    description:
      "HighLevel's Get Calendars: the location's calendars (the spec's services), the default one (created with the location) first.",
    versions: ['v2'],
    highLevel: true,
    beyondSpec: "HighLevel's Get Calendars (`GET /calendars/`): the services appointments are booked on",
    ...read,
    request: {
      query: z.object({
        locationId: id.optional(),
        groupId: id.optional().describe('accepted, not used'),
        showDrafted: text.optional().describe('accepted, not used'),
      }),
    },
    operation: graphql(
      `
        query SerebroListCalendars {
          calendars {
            ...CalendarFields
          }
        }
      `,
      [CalendarFields],
    ),
    response: {
      status: 200,
      description: 'The calendars',
      schema: z.object({ calendars: z.array(calendarSchema) }),
      body: (data) => ({ calendars: data.calendars.map(calendarToRest) }),
    },
    errors: [400, 403],
  }),
  route.operation({
    method: 'POST',
    path: '/calendars/',
    section: 'appointments',
    summary: 'Create a calendar',
    description:
      "HighLevel's Create Calendar, for what Serebro keeps: name, description, team members (`[{userId}]`: the staff who take its appointments; none: any staff member) and the slot duration in minutes (default 30).",
    versions: ['v2'],
    highLevel: true,
    beyondSpec: "HighLevel's Create Calendar (`POST /calendars/`): a service to book on",
    ...write,
    request: {
      body: z.object({
        locationId: id.optional(),
        name: text,
        description: text.nullable().optional(),
        teamMembers: z.array(z.object({ userId: id })).optional(),
        slotDuration: z.number().int().optional().describe('minutes, 1-1440'),
        slotDurationUnit: z.enum(['mins']).optional(),
      }),
    },
    operation: graphql(
      `
        mutation SerebroCreateCalendar($input: CreateCalendarInput!) {
          createCalendar(input: $input) {
            ...CalendarFields
          }
        }
      `,
      [CalendarFields],
    ),
    variables: ({ body }) => ({
      input: {
        name: body.name,
        description: body.description,
        teamMembers: body.teamMembers?.map((member) => member.userId),
        slotDuration: body.slotDuration,
      },
    }),
    response: {
      status: 201,
      description: 'The calendar',
      schema: z.object({ calendar: calendarSchema }),
      body: (data) => ({ calendar: calendarToRest(data.createCalendar) }),
    },
    errors: [400, 403],
  }),
];
