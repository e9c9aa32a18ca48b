import {
  AppointmentBooked,
  AppointmentCancelled,
  AppointmentDeleted,
  AppointmentUpdated,
  type appointmentStatuses,
  type EventOf,
} from '@seren/contracts';

export type AppointmentEvent = EventOf<
  [
    typeof AppointmentBooked,
    typeof AppointmentUpdated,
    typeof AppointmentCancelled,
    typeof AppointmentDeleted,
  ]
>;

export type AppointmentStatus = (typeof appointmentStatuses)[number];

export const appointmentStream = (appointmentId: string) => `appointment-${appointmentId}`;

export interface Appointment {
  appointmentId: string;
  locationId: string;
  calendarId: string;
  contactId: string;
  assignedUserId: string;
  startTime: string;
  endTime: string;
  appointmentStatus: AppointmentStatus;
  title: string | null;
  address: string | null;
  notes: string | null;
}

export type AppointmentState =
  { status: 'none' } | { status: 'booked' | 'deleted'; appointment: Appointment };

export const initialAppointmentState = (): AppointmentState => ({ status: 'none' });

export function evolveAppointment(state: AppointmentState, event: AppointmentEvent): AppointmentState {
  switch (event.type) {
    case 'AppointmentBooked': {
      const { bookedAt: _bookedAt, ...appointment } = event.data;
      return { status: 'booked', appointment };
    }
    case 'AppointmentUpdated': {
      if (state.status === 'none') return state;
      const { updatedAt: _updatedAt, ...changes } = event.data;
      const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      return { ...state, appointment: { ...state.appointment, ...defined } };
    }
    case 'AppointmentCancelled':
      if (state.status === 'none') return state;
      return { ...state, appointment: { ...state.appointment, appointmentStatus: 'cancelled' } };
    case 'AppointmentDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
