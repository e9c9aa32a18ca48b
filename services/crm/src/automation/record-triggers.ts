import type { EventData } from '@seren/contracts';
import type {
  AppointmentBooked,
  AppointmentCancelled,
  ContactCreated,
  ContactTagAdded,
  ContactUpdated,
  OpportunityStageChanged,
  OpportunityStatusChanged,
} from '@seren/contracts';
import type { TriggerContext, TriggerFired, TriggerMap } from './triggers.js';

// The triggers crm's own records fire: contacts (created, updated, tag added), appointments
// (booked, cancelled), opportunities (stage, status changed). Data is what a trigger's filters match
// (`{tag: "vip"}`, `{pipelineStageId}`, `{status: "won"}`) and steps template (`{{trigger.tag}}`).

async function contactOfRow(context: TriggerContext, table: 'opportunities' | 'appointments', id: string) {
  const rows = (await context.query(`select contact_id from ${table} where id = $1`, [id])) as {
    contact_id: string;
  }[];
  return rows[0]?.contact_id;
}

export const recordTriggers: TriggerMap = {
  ContactCreated: (event): TriggerFired => {
    const d = event.data as EventData<typeof ContactCreated>;
    return {
      trigger: 'contact_created',
      locationId: d.locationId,
      contactId: d.contactId,
      data: { source: d.source },
    };
  },
  ContactUpdated: (event): TriggerFired => {
    const d = event.data as EventData<typeof ContactUpdated>;
    const fields = Object.keys(d).filter((k) => !['contactId', 'locationId', 'updatedAt'].includes(k));
    return { trigger: 'contact_updated', locationId: d.locationId, contactId: d.contactId, data: { fields } };
  },
  ContactTagAdded: (event): TriggerFired => {
    const d = event.data as EventData<typeof ContactTagAdded>;
    return {
      trigger: 'contact_tag_added',
      locationId: d.locationId,
      contactId: d.contactId,
      data: { tag: d.added },
    };
  },
  AppointmentBooked: (event): TriggerFired => {
    const d = event.data as EventData<typeof AppointmentBooked>;
    return {
      trigger: 'appointment_booked',
      locationId: d.locationId,
      contactId: d.contactId,
      data: {
        appointmentId: d.appointmentId,
        calendarId: d.calendarId,
        startTime: d.startTime,
        endTime: d.endTime,
      },
    };
  },
  AppointmentCancelled: async (event, context) => {
    const d = event.data as EventData<typeof AppointmentCancelled>;
    const contactId = await contactOfRow(context, 'appointments', d.appointmentId);
    return contactId
      ? {
          trigger: 'appointment_cancelled',
          locationId: d.locationId,
          contactId,
          data: { appointmentId: d.appointmentId },
        }
      : undefined;
  },
  OpportunityStageChanged: async (event, context) => {
    const d = event.data as EventData<typeof OpportunityStageChanged>;
    const contactId = await contactOfRow(context, 'opportunities', d.opportunityId);
    return contactId
      ? {
          trigger: 'opportunity_stage_changed',
          locationId: d.locationId,
          contactId,
          data: {
            opportunityId: d.opportunityId,
            pipelineId: d.pipelineId,
            pipelineStageId: d.pipelineStageId,
            previousStageId: d.previousStageId,
          },
        }
      : undefined;
  },
  OpportunityStatusChanged: async (event, context) => {
    const d = event.data as EventData<typeof OpportunityStatusChanged>;
    const contactId = await contactOfRow(context, 'opportunities', d.opportunityId);
    return contactId
      ? {
          trigger: 'opportunity_status_changed',
          locationId: d.locationId,
          contactId,
          data: { opportunityId: d.opportunityId, status: d.status, previousStatus: d.previousStatus },
        }
      : undefined;
  },
};

/** The topics these events travel on. */
export const recordTriggerTopics = ['crm.contact', 'crm.appointment', 'crm.opportunity'];
