import { requestInfoOf, resolver, type RequestContext, type Resolvers } from '@seren/service-kit';
import type { Crm } from '../application.js';
import type { CrmLoaders } from '../loaders.js';
import { getCalendar, listCalendars } from '../calendars/service.js';
import { callerActsIn } from '../locations.js';
import { emptyPage, type CursorInput } from '../pagination.js';
import type { AppointmentView } from './queries.js';
import {
  bookAppointment,
  cancelAppointment,
  deleteAppointment,
  getAppointment,
  listAppointments,
  updateAppointment,
  type AppointmentListFilter,
  type BookAppointmentInput,
  type UpdateAppointmentInput,
} from './service.js';

export function appointmentsResolvers(crm: Crm): Resolvers {
  return {
    Query: {
      appointments: resolver(
        crm,
        (c, request, args: CursorInput & { filter?: AppointmentListFilter | null }) =>
          listAppointments(c, request, args.filter ?? {}, args),
      ),
      appointment: resolver(crm, (c, request, args: { id: string }) => getAppointment(c, request, args.id)),
    },
    Mutation: {
      bookAppointment: resolver(crm, (c, request, args: { input: BookAppointmentInput }) =>
        bookAppointment(c, request, args.input),
      ),
      updateAppointment: resolver(crm, (c, request, args: { id: string; input: UpdateAppointmentInput }) =>
        updateAppointment(c, request, args.id, args.input),
      ),
      cancelAppointment: resolver(crm, (c, request, args: { id: string }) =>
        cancelAppointment(c, request, args.id),
      ),
      deleteAppointment: resolver(crm, (c, request, args: { id: string }) =>
        deleteAppointment(c, request, args.id),
      ),
    },
    Organization: {
      // Only the location the caller acts in: another organization's records are not the caller's.
      calendars: resolver(crm, (c, request, _args: unknown, organization: { id: string }) =>
        callerActsIn(request, organization.id) ? listCalendars(c, request) : [],
      ),
      appointments: resolver(
        crm,
        (
          c,
          request,
          args: CursorInput & { filter?: AppointmentListFilter | null },
          organization: { id: string },
        ) =>
          callerActsIn(request, organization.id)
            ? listAppointments(c, request, args.filter ?? {}, args)
            : emptyPage(),
      ),
    },
    Appointment: {
      __resolveReference: (ref: { id: string }, context: RequestContext<unknown>) =>
        getAppointment(crm, requestInfoOf(context), ref.id),
      // through the request's loader: a page of appointments reads its contacts with one query
      contact: (appointment: AppointmentView, _args: unknown, context: RequestContext<CrmLoaders>) =>
        context.loaders.contacts.load({
          locationId: appointment.locationId,
          contactId: appointment.contactId,
        }),
      calendar: resolver(crm, (c, request, _args: unknown, appointment: AppointmentView) =>
        getCalendar(c, request, appointment.calendarId),
      ),
    },
  };
}
