import { z } from 'zod';
import { defineEvent } from '../define.js';

// Serebro's CRM records (the crm service): contacts and their custom fields, opportunities and
// pipelines, appointments and calendars. Every event names its location (`locationId`, HighLevel's
// sub-account), so the webhook engine turns each into HighLevel's webhook payload for that location.
// Field names are HighLevel's v2 API names (camelCase), values as its API answers them: emails lower
// case, phones E.164, times ISO 8601 in UTC, money as a number in the location's currency.
//
// Streams: `contact-<id>` (aggregate contact), `custom-field-<id>` (custom_field),
// `opportunity-<id>` (opportunity), `pipeline-<id>` (pipeline), `appointment-<id>` (appointment),
// `calendar-<id>` (calendar).

const id = z.string().min(1);
const at = z.iso.datetime();
const text = z.string().nullable();

// ---- contacts --------------------------------------------------------------------------------

/** A custom field's value on a contact: the field's id and its value as the field's type holds it. */
export const contactCustomFieldValue = z.object({
  id,
  value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]),
});

/** A contact's fields, as HighLevel's Contact (absent from an update: unchanged). */
const contactFields = {
  firstName: text,
  lastName: text,
  /** HighLevel's `name` (contactName): "first last" unless set on its own */
  name: text,
  email: text,
  phone: text,
  companyName: text,
  address1: text,
  city: text,
  state: text,
  postalCode: text,
  country: text,
  website: text,
  timezone: text,
  dnd: z.boolean(),
  source: text,
  assignedTo: text,
  /** YYYY-MM-DD */
  dateOfBirth: text,
  customFields: z.array(contactCustomFieldValue),
};

export const ContactCreated = defineEvent({
  type: 'ContactCreated',
  version: 1,
  domain: 'crm',
  aggregate: 'contact',
  description:
    "A contact was created in a location (HighLevel's ContactCreate): email lower case, phone E.164, tags as given (deduplicated).",
  schema: z.object({
    contactId: id,
    locationId: id,
    ...contactFields,
    tags: z.array(z.string()),
    createdAt: at,
  }),
});

export const ContactUpdated = defineEvent({
  type: 'ContactUpdated',
  version: 1,
  domain: 'crm',
  aggregate: 'contact',
  description:
    "A contact's fields changed (HighLevel's ContactUpdate); only the fields that changed are present. `tags`, when present, is the whole new list (PUT replaces them); tags added on their own are ContactTagAdded.",
  schema: z.object({
    contactId: id,
    locationId: id,
    ...z.object(contactFields).partial().shape,
    tags: z.array(z.string()).optional(),
    updatedAt: at,
  }),
});

export const ContactTagAdded = defineEvent({
  type: 'ContactTagAdded',
  version: 1,
  domain: 'crm',
  aggregate: 'contact',
  description:
    "Tags were added to a contact (HighLevel's ContactTagUpdate): the added ones and the whole list.",
  schema: z.object({
    contactId: id,
    locationId: id,
    added: z.array(z.string()).min(1),
    tags: z.array(z.string()),
    updatedAt: at,
  }),
});

export const ContactTagRemoved = defineEvent({
  type: 'ContactTagRemoved',
  version: 1,
  domain: 'crm',
  aggregate: 'contact',
  description: 'Tags were removed from a contact: the removed ones and the whole list left.',
  schema: z.object({
    contactId: id,
    locationId: id,
    removed: z.array(z.string()).min(1),
    tags: z.array(z.string()),
    updatedAt: at,
  }),
});

export const ContactDeleted = defineEvent({
  type: 'ContactDeleted',
  version: 1,
  domain: 'crm',
  aggregate: 'contact',
  description: "A contact was deleted (HighLevel's ContactDelete); its email and phone are free again.",
  schema: z.object({ contactId: id, locationId: id, deletedAt: at }),
});

// ---- custom fields ---------------------------------------------------------------------------

/** HighLevel's custom field data types (`dataType`). */
export const customFieldDataTypes = [
  'TEXT',
  'LARGE_TEXT',
  'NUMERICAL',
  'PHONE',
  'MONETORY', // HighLevel's spelling
  'CHECKBOX',
  'SINGLE_OPTIONS',
  'MULTIPLE_OPTIONS',
  'DATE',
  'EMAIL',
] as const;
export const customFieldDataType = z.enum(customFieldDataTypes);

export const CustomFieldCreated = defineEvent({
  type: 'CustomFieldCreated',
  version: 1,
  domain: 'crm',
  aggregate: 'custom_field',
  description:
    "A location defined a contact custom field: its name, key (`contact.<key>`), HighLevel's dataType and, for option fields, the options.",
  schema: z.object({
    customFieldId: id,
    locationId: id,
    name: z.string().min(1),
    fieldKey: z.string().min(1),
    dataType: customFieldDataType,
    placeholder: text,
    options: z.array(z.string()),
    position: z.number().int(),
    createdAt: at,
  }),
});

export const CustomFieldUpdated = defineEvent({
  type: 'CustomFieldUpdated',
  version: 1,
  domain: 'crm',
  aggregate: 'custom_field',
  description: "A custom field's name, placeholder, options or position changed (absent: unchanged).",
  schema: z.object({
    customFieldId: id,
    locationId: id,
    name: z.string().min(1).optional(),
    placeholder: text.optional(),
    options: z.array(z.string()).optional(),
    position: z.number().int().optional(),
    updatedAt: at,
  }),
});

export const CustomFieldDeleted = defineEvent({
  type: 'CustomFieldDeleted',
  version: 1,
  domain: 'crm',
  aggregate: 'custom_field',
  description: "A custom field was deleted; contacts' values of it are no longer shown.",
  schema: z.object({ customFieldId: id, locationId: id, deletedAt: at }),
});

// ---- pipelines and opportunities --------------------------------------------------------------

export const opportunityStatuses = ['open', 'won', 'lost', 'abandoned'] as const;
export const opportunityStatus = z.enum(opportunityStatuses);

const pipelineStage = z.object({ id, name: z.string().min(1), position: z.number().int().min(0) });

export const PipelineCreated = defineEvent({
  type: 'PipelineCreated',
  version: 1,
  domain: 'crm',
  aggregate: 'pipeline',
  description:
    "A location's pipeline with its ordered stages was created (each location gets a default one when it is created).",
  schema: z.object({
    pipelineId: id,
    locationId: id,
    name: z.string().min(1),
    stages: z.array(pipelineStage).min(1),
    createdAt: at,
  }),
});

export const PipelineUpdated = defineEvent({
  type: 'PipelineUpdated',
  version: 1,
  domain: 'crm',
  aggregate: 'pipeline',
  description: 'A pipeline was renamed or its stages changed (`stages`, when present, is the whole list).',
  schema: z.object({
    pipelineId: id,
    locationId: id,
    name: z.string().min(1).optional(),
    stages: z.array(pipelineStage).min(1).optional(),
    updatedAt: at,
  }),
});

export const PipelineDeleted = defineEvent({
  type: 'PipelineDeleted',
  version: 1,
  domain: 'crm',
  aggregate: 'pipeline',
  description: 'A pipeline was deleted.',
  schema: z.object({ pipelineId: id, locationId: id, deletedAt: at }),
});

export const OpportunityCreated = defineEvent({
  type: 'OpportunityCreated',
  version: 1,
  domain: 'crm',
  aggregate: 'opportunity',
  description:
    "An opportunity (deal) was created in a pipeline stage, tied to a contact (HighLevel's OpportunityCreate).",
  schema: z.object({
    opportunityId: id,
    locationId: id,
    name: z.string().min(1),
    pipelineId: id,
    pipelineStageId: id,
    status: opportunityStatus,
    monetaryValue: z.number().min(0).nullable(),
    contactId: id,
    assignedTo: text,
    source: text,
    createdAt: at,
  }),
});

export const OpportunityUpdated = defineEvent({
  type: 'OpportunityUpdated',
  version: 1,
  domain: 'crm',
  aggregate: 'opportunity',
  description:
    "An opportunity's name, value, assignee, source or contact changed (HighLevel's OpportunityUpdate; absent: unchanged). Stage and status changes are their own events.",
  schema: z.object({
    opportunityId: id,
    locationId: id,
    name: z.string().min(1).optional(),
    monetaryValue: z.number().min(0).nullable().optional(),
    assignedTo: text.optional(),
    source: text.optional(),
    contactId: id.optional(),
    updatedAt: at,
  }),
});

export const OpportunityStageChanged = defineEvent({
  type: 'OpportunityStageChanged',
  version: 1,
  domain: 'crm',
  aggregate: 'opportunity',
  description:
    "An opportunity moved to another stage, possibly of another pipeline (HighLevel's OpportunityStageUpdate).",
  schema: z.object({
    opportunityId: id,
    locationId: id,
    previousPipelineId: id,
    previousStageId: id,
    pipelineId: id,
    pipelineStageId: id,
    changedAt: at,
  }),
});

export const OpportunityStatusChanged = defineEvent({
  type: 'OpportunityStatusChanged',
  version: 1,
  domain: 'crm',
  aggregate: 'opportunity',
  description: "An opportunity was won, lost, abandoned or reopened (HighLevel's OpportunityStatusUpdate).",
  schema: z.object({
    opportunityId: id,
    locationId: id,
    previousStatus: opportunityStatus,
    status: opportunityStatus,
    changedAt: at,
  }),
});

export const OpportunityDeleted = defineEvent({
  type: 'OpportunityDeleted',
  version: 1,
  domain: 'crm',
  aggregate: 'opportunity',
  description: "An opportunity was deleted (HighLevel's OpportunityDelete).",
  schema: z.object({ opportunityId: id, locationId: id, deletedAt: at }),
});

// ---- calendars and appointments ---------------------------------------------------------------

export const appointmentStatuses = ['new', 'confirmed', 'cancelled', 'showed', 'noshow'] as const;
export const appointmentStatus = z.enum(appointmentStatuses);

export const CalendarCreated = defineEvent({
  type: 'CalendarCreated',
  version: 1,
  domain: 'crm',
  aggregate: 'calendar',
  description:
    "A location's calendar (the spec's service) was created, with the staff (team members) who take its appointments.",
  schema: z.object({
    calendarId: id,
    locationId: id,
    name: z.string().min(1),
    description: text,
    teamMembers: z.array(id),
    slotDurationMinutes: z.number().int().positive(),
    createdAt: at,
  }),
});

export const CalendarUpdated = defineEvent({
  type: 'CalendarUpdated',
  version: 1,
  domain: 'crm',
  aggregate: 'calendar',
  description: "A calendar's name, description, team members or slot duration changed (absent: unchanged).",
  schema: z.object({
    calendarId: id,
    locationId: id,
    name: z.string().min(1).optional(),
    description: text.optional(),
    teamMembers: z.array(id).optional(),
    slotDurationMinutes: z.number().int().positive().optional(),
    updatedAt: at,
  }),
});

export const CalendarDeleted = defineEvent({
  type: 'CalendarDeleted',
  version: 1,
  domain: 'crm',
  aggregate: 'calendar',
  description: 'A calendar was deleted.',
  schema: z.object({ calendarId: id, locationId: id, deletedAt: at }),
});

export const AppointmentBooked = defineEvent({
  type: 'AppointmentBooked',
  version: 1,
  domain: 'crm',
  aggregate: 'appointment',
  description:
    "An appointment was booked on a calendar (the spec's service) with a staff member for a contact (HighLevel's AppointmentCreate); the staff member had no overlapping appointment.",
  schema: z.object({
    appointmentId: id,
    locationId: id,
    calendarId: id,
    assignedUserId: id,
    contactId: id,
    title: text,
    startTime: at,
    endTime: at,
    appointmentStatus: appointmentStatus,
    address: text,
    notes: text,
    bookedAt: at,
  }),
});

export const AppointmentUpdated = defineEvent({
  type: 'AppointmentUpdated',
  version: 1,
  domain: 'crm',
  aggregate: 'appointment',
  description:
    "An appointment was rescheduled, reassigned or its details or status changed (HighLevel's AppointmentUpdate; absent: unchanged).",
  schema: z.object({
    appointmentId: id,
    locationId: id,
    calendarId: id.optional(),
    assignedUserId: id.optional(),
    title: text.optional(),
    startTime: at.optional(),
    endTime: at.optional(),
    appointmentStatus: appointmentStatus.optional(),
    address: text.optional(),
    notes: text.optional(),
    updatedAt: at,
  }),
});

export const AppointmentCancelled = defineEvent({
  type: 'AppointmentCancelled',
  version: 1,
  domain: 'crm',
  aggregate: 'appointment',
  description: "An appointment was cancelled (status cancelled); its staff member's time is free again.",
  schema: z.object({ appointmentId: id, locationId: id, cancelledAt: at }),
});

export const AppointmentDeleted = defineEvent({
  type: 'AppointmentDeleted',
  version: 1,
  domain: 'crm',
  aggregate: 'appointment',
  description: "An appointment (calendar event) was deleted (HighLevel's AppointmentDelete).",
  schema: z.object({ appointmentId: id, locationId: id, deletedAt: at }),
});

export const contactEvents = [
  ContactCreated,
  ContactUpdated,
  ContactTagAdded,
  ContactTagRemoved,
  ContactDeleted,
] as const;
export const customFieldEvents = [CustomFieldCreated, CustomFieldUpdated, CustomFieldDeleted] as const;
export const pipelineEvents = [PipelineCreated, PipelineUpdated, PipelineDeleted] as const;
export const opportunityEvents = [
  OpportunityCreated,
  OpportunityUpdated,
  OpportunityStageChanged,
  OpportunityStatusChanged,
  OpportunityDeleted,
] as const;
export const calendarEvents = [CalendarCreated, CalendarUpdated, CalendarDeleted] as const;
export const appointmentEvents = [
  AppointmentBooked,
  AppointmentUpdated,
  AppointmentCancelled,
  AppointmentDeleted,
] as const;

/** Every crm record event (the registry lists them); a new record's events join this list. */
export const serebroRecordEvents = [
  ...contactEvents,
  ...customFieldEvents,
  ...pipelineEvents,
  ...opportunityEvents,
  ...calendarEvents,
  ...appointmentEvents,
] as const;
